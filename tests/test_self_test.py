"""`megacase --self-test`, as an installer or the bundle runs it: every check passes, nothing is left behind."""

from __future__ import annotations

import os
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
