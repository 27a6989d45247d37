"""A second window on the same register is refused; another register, or a dead holder, is not."""

import os
import subprocess
import sys

import pytest

from megacase.ui.single_window import WindowAlreadyOpen, claim_register, lock_path


def test_second_window_on_the_same_register_is_refused(qapp, tmp_path):
    first = claim_register(tmp_path / "profile")
    try:
        with pytest.raises(WindowAlreadyOpen, match=r"MegaCase is already open on this register \(process \d+"):
            claim_register(tmp_path / "profile")
        other = claim_register(tmp_path / "another")     # another register opens freely
        other.unlock()
    finally:
        first.unlock()
    claim_register(tmp_path / "profile").unlock()      # closed: the next window opens


def test_a_lock_left_by_a_killed_window_does_not_lock_out(qapp, tmp_path):
    code = ("import sys,os; from PySide6.QtCore import QLockFile; l=QLockFile(sys.argv[1]); "
            "assert l.tryLock(0); os._exit(0)")     # exits without unlocking, as a crash would
    subprocess.run([sys.executable, "-c", code, str(lock_path(tmp_path / "profile"))], check=True,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert lock_path(tmp_path / "profile").exists()
    claim_register(tmp_path / "profile").unlock()
