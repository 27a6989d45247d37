"""One window per register: a second MegaCase window on the same register is refused with a clear word.

SQLite already keeps two writers apart (store/db.py); this guard spares the officer two windows
whose lists disagree. The lock is a ``QLockFile`` in the temporary folder, named after the
register's path: Qt removes a lock whose process is gone, so a crash never locks anyone out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile

from megacase.i18n import N_, _

ALREADY_OPEN = N_("MegaCase is already open on this register{who}. Use that window (look in the task bar), "
                  "or close it first.")


def lock_path(data_dir: Path) -> Path:
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(QDir.tempPath()) / f"megacase-window-{digest}.lock"


class WindowAlreadyOpen(Exception):
    pass


def claim_register(data_dir: Path) -> QLockFile:
    """The held lock (keep it for the window's life); WindowAlreadyOpen when another window holds it."""
    lock = QLockFile(str(lock_path(data_dir)))
    lock.setStaleLockTime(0)          # only a dead holder makes a lock stale, never its age
    if lock.tryLock(0):
        return lock
    info = lock.getLockInfo()          # (pid, host name, application name); pid 0 when unreadable
    pid, host = (info[0], info[1]) if isinstance(info, tuple) and len(info) >= 2 else (0, "")
    who = " " + _("(process {pid} on {host})").format(pid=pid, host=host) if pid else ""
    raise WindowAlreadyOpen(_(ALREADY_OPEN).format(who=who))
