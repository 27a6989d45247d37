"""Imports point down: nothing outside megacase/ui loads PySide6."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import megacase

ROOT = Path(megacase.__file__).parent


def _modules():
    for info in pkgutil.walk_packages([str(ROOT)], "megacase."):
        if info.name.startswith("megacase.ui") or ".migrations" in info.name:
            continue
        yield info.name


def test_no_module_outside_ui_loads_pyside6():
    names = sorted(_modules())
    assert "megacase.services.cases.cases" in names and "megacase.cli" in names
    code = ("import importlib, sys\n"
            f"for n in {names!r}:\n"
            "    importlib.import_module(n)\n"
            "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_domain_imports_neither_qt_nor_sqlalchemy():
    names = [n for n in _modules() if n.startswith("megacase.domain")]
    code = ("import importlib, sys\n"
            f"for n in {names!r}:\n"
            "    importlib.import_module(n)\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
