"""Marked messages the catalogue can actually hold: no ``_("…")`` inside an f-string, no ``_()`` of an f-string.

Babel's Python extractor finds a ``_("…")`` written inside an f-string's braces only on Python 3.12 and later
(where f-strings are tokenised piece by piece), so a catalogue built on 3.11 lacks the message and the officer
reads English; ``_(label)`` of a variable inside an f-string extracts nothing anyway and is left alone. A ``_(f"…")`` is never in any catalogue: the text it looks up changes with its values.
Checked with the ``ast`` module, not a pattern, so quotes and nesting cannot fool it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKERS = {"_", "N_", "ngettext"}


def _marker(call: ast.Call) -> str | None:
    """The marker a call uses (``_(…)``, ``ngettext(…)``, ``t._(…)``, ``t.ngettext(…)``), else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in MARKERS else None


def _literal(call: ast.Call) -> bool:
    """Whether the call marks a written-out message (``_(label)`` of a variable marks nothing to extract)."""
    return any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)


def problems_in(source: str, filename: str = "<source>") -> list[str]:
    """Every marked call written inside an f-string, and every marked call of an f-string, as 'file:line: …'."""
    found: list[str] = []
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _marker(node) and any(isinstance(a, ast.JoinedStr) for a in node.args):
            found.append(f"{filename}:{node.lineno}: {_marker(node)}() of an f-string")
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                if not isinstance(part, ast.FormattedValue):
                    continue
                for inner in ast.walk(part.value):
                    if isinstance(inner, ast.Call) and _marker(inner) and _literal(inner):
                        found.append(f"{filename}:{inner.lineno}: {_marker(inner)}() inside an f-string")
    return sorted(set(found))


def test_the_checker_flags_what_babel_would_miss():
    wrong = '''
label = f"{_('Due')}: {day}"
plural = f"({ngettext('{n} case', '{n} cases', n).format(n=n)})"
document = f"{t._('Reference')} {ref}"
nested = f"{', '.join([_('Access'), ngettext('day', 'days', n)])}"
looked_up = _(f"Due {day}")
document_looked_up = t.ngettext(f"{n} day", f"{n} days", n)
'''
    found = problems_in(wrong)
    assert found == ["<source>:2: _() inside an f-string", "<source>:3: ngettext() inside an f-string",
                     "<source>:4: _() inside an f-string", "<source>:5: _() inside an f-string",
                     "<source>:5: ngettext() inside an f-string",
                     "<source>:6: _() of an f-string", "<source>:7: ngettext() of an f-string"]
    right = '''
label = _("Due {date}").format(date=day)
due = _("Due")
text = f"{due}: {day}"
shown = f"{_(spec.label)}: {d.get('_')}"
'''
    assert problems_in(right) == []


def test_no_file_marks_a_message_babel_cannot_extract_everywhere():
    found = []
    for path in sorted((ROOT / "megacase").rglob("*.py")):
        found += problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "\n".join(found)
