"""Keep the interface catalogues in step with the code (``make catalogs``).

    .venv/bin/python tools/catalogs.py [--check]

1. extract every ``_()``, ``N_()`` and ``ngettext()`` message of ``megacase/`` into
   ``resources/locale/megacase.pot`` (Babel);
2. update ``resources/locale/{fr,nl}/LC_MESSAGES/megacase.po`` from it (new messages
   arrive untranslated; the catalogue test fails until a translator fills them);
3. compile each ``.po`` to ``.mo``.

English is the source language: it needs no catalogue. ``--check`` only extracts and
reports what a catalogue lacks (the test does the same); ``--compile`` only compiles
(the build step of ``make venv`` and the packaging).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
POT = LOCALE / "megacase.pot"
TRANSLATED = ("fr", "nl")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def compile_catalogs() -> None:
    pybabel("compile", "-d", str(LOCALE), "-D", "megacase", "--statistics")


def main(argv: list[str]) -> int:
    if "--compile" in argv:          # build step: .po -> .mo only, nothing tracked changes
        compile_catalogs()
        return 0
    pybabel("extract", "-F", "babel.cfg", "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "--no-location",
            "--sort-output", "--omit-header", "-o", str(POT), ".")
    if "--check" in argv:
        return 0
    for language in TRANSLATED:
        po = LOCALE / language / "LC_MESSAGES" / "megacase.po"
        if po.exists():
            pybabel("update", "-i", str(POT), "-o", str(po), "-l", language, "--no-fuzzy-matching",
                    "--ignore-obsolete")
        else:
            pybabel("init", "-i", str(POT), "-o", str(po), "-l", language)
    compile_catalogs()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
