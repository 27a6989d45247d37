"""`megacase --self-test`, as an installer or the bundle runs it: every check passes, nothing is left behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def test_self_test_passes_and_leaves_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEGACASE_")}
    env.update(QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "megacase", "--self-test"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    for check in ("register", "recovery", "case", "letter", "case file", "audit", "window"):
        assert any(line.startswith(f"ok    {check}:") for line in lines), check
    assert lines[-1] == "self-test: 7 of 7 checks passed"
    assert list(tmp_path.iterdir()) == []          # the throw-away register is gone
    assert Path(tempfile.gettempdir()).exists()


def test_self_test_speaks_the_interface_language(tmp_path):
    """`--lang fr --self-test`: every line in French, the same exit code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEGACASE_")}
    env.update(QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "megacase", "--lang", "fr", "--self-test"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 8, lines
    for check in ("registre", "récupération", "dossier", "lettre", "dossier PDF", "audit", "fenêtre"):
        assert any(re.match(rf"ok +{check} : ", line) for line in lines), (check, lines)
    assert any("registre chiffré créé" in line for line in lines), lines
    assert any("événements intacts" in line for line in lines), lines
    assert lines[-1] == "autotest : 7 contrôles sur 7 réussis"
    for english in ("created", "opened again", "due ", "events intact", "main window", "checks passed"):
        assert english not in done.stdout, english
