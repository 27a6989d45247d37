"""``_`` is the translation function wherever a module imports it: a tuple unpacking such as
``path, _ = dialog()`` turns it into a string or a dict for the rest of the function, and the next
``_("…")`` fails only when that path runs (an erasure receipt failed that way)."""

from __future__ import annotations

import ast
from pathlib import Path

import megacase

SOURCE = Path(megacase.__file__).parent


def rebinds_gettext(source: str) -> list[int]:
    """Lines that bind ``_`` in a module that imports it from megacase.i18n."""
    tree = ast.parse(source)
    imports_it = any(isinstance(n, ast.ImportFrom) and n.module == "megacase.i18n"
                     and any(a.name == "_" and a.asname is None for a in n.names) for n in ast.walk(tree))
    if not imports_it:
        return []
    return sorted(n.lineno for n in ast.walk(tree)
                  if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store))


def test_no_module_rebinds_the_translation_function():
    found = {str(p.relative_to(SOURCE)): lines for p in sorted(SOURCE.rglob("*.py"))
             if (lines := rebinds_gettext(p.read_text(encoding="utf-8")))}
    assert found == {}, f"name the unused value otherwise than _: {found}"


def test_the_check_finds_a_rebinding():
    wrong = ("from megacase.i18n import _\n\ndef f(pair):\n    first, _ = pair\n"
             "    return [x for _ in range(2)], _('Done')\n")
    assert rebinds_gettext(wrong) == [4, 5]
    assert rebinds_gettext("def f(pair):\n    first, _ = pair\n") == []      # no gettext there
