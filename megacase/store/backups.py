"""Backup files of the register: where they go, their names, the copy itself and rotation.

A backup is a copy of the encrypted database made with SQLite's online backup
API (the officer keeps working meanwhile: a write during the copy makes SQLite
start over from a consistent snapshot), keyed with the same data key, so it
is exactly as unreadable as the register. Beside the backups lies a copy of
``recovery.json``: with the recovery passphrase it opens them even when the
laptop and its keyring are gone.

Backups are written under a temporary name and renamed when complete, so a
half-written copy never looks like a backup.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from megacase.store import keys, private

SETTINGS_FILE = "backup.json"        # in the data folder: where the officer wants backups (no secret)
DEFAULT_SUBFOLDER = "backups"
PREFIX = "megacase-backup-"
SUFFIX = ".db"
_NAME = re.compile(rf"^{PREFIX}(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(SUFFIX)}$")
PAGES_PER_STEP = 256                 # a step of the online backup: progress and a chance for writers


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime     # aware UTC, from the name
    number: int = 1        # the second backup within one second is -2, and so on

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def backup_folder(data_dir: Path) -> Path:
    """The folder the officer chose (``backup.json`` in the data folder), or ``backups`` inside the data folder."""
    settings = Path(data_dir) / SETTINGS_FILE
    try:
        folder = json.loads(settings.read_text("utf-8")).get("folder")
    except (OSError, ValueError, AttributeError):
        folder = None
    return Path(folder).expanduser() if folder else Path(data_dir) / DEFAULT_SUBFOLDER


def set_backup_folder(data_dir: Path, folder: Path | None) -> Path:
    """Remember where backups go (``None``: back to the default); returns the folder now used."""
    data = {"folder": str(Path(folder).expanduser().resolve())} if folder else {}
    private.write_private(Path(data_dir) / SETTINGS_FILE, json.dumps(data, indent=2).encode("utf-8"))
    return backup_folder(data_dir)


def list_backups(folder: Path) -> list[BackupFile]:
    """The backups in ``folder``, newest first (files named by this module only)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        m = _NAME.match(name)
        if m:
            taken = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
            found.append(BackupFile(Path(folder) / name, taken, int(m.group(2) or 1)))
    return sorted(found, key=lambda b: (b.taken_at, b.number), reverse=True)


def new_backup_path(folder: Path, now: datetime) -> Path:
    """A name that sorts after every backup already there with the same second."""
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    same_second = [b.number for b in list_backups(folder) if b.taken_at == now]
    if not same_second:
        return Path(folder) / f"{PREFIX}{stamp}{SUFFIX}"
    return Path(folder) / f"{PREFIX}{stamp}-{max(same_second) + 1}{SUFFIX}"


def copy_database(source_conn, target: Path, key_sql: str, progress: Callable[[int, int], None] | None = None) -> Path:
    """Online backup of the open ``source_conn`` (a sqlcipher3 connection) into ``target``, same key.

    ``key_sql`` is the PRAGMA key value (``x'…'``); ``progress(done_pages, total_pages)`` after each step.
    The copy is a single file (rollback journal, not WAL) made 0600, renamed into place when complete.
    """
    import sqlcipher3

    target = Path(target)
    with private.private_umask():
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)     # SQLite creates the file itself; the name was only reserved
        try:
            dest = sqlcipher3.connect(tmp)
            try:
                dest.execute(f'PRAGMA key = "{key_sql}"')

                def step(_status, remaining, total):
                    if progress is not None:
                        progress(total - remaining, total)
                source_conn.backup(dest, pages=PAGES_PER_STEP, progress=step)
                dest.execute("PRAGMA journal_mode = DELETE")   # one self-contained file
            finally:
                dest.close()
            private.make_private(Path(tmp))
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            private.fsync_dir(target.parent)
        except BaseException:
            for leftover in (tmp, f"{tmp}-journal", f"{tmp}-wal", f"{tmp}-shm"):
                Path(leftover).unlink(missing_ok=True)
            raise
    return target


def copy_recovery_file(data_dir: Path, folder: Path) -> None:
    """Keep the recovery file beside the backups: with the passphrase it opens them anywhere."""
    source = keys.recovery_path(data_dir)
    if source.exists():
        private.write_private(Path(folder) / keys.RECOVERY_FILE, source.read_bytes())


def to_keep(backups: list[BackupFile], daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[Path]:
    """Grandfather-father-son: the newest backup of each of the last ``daily`` days, ``weekly`` ISO weeks and
    ``monthly`` months that have one (a backup may count for all three); the very newest always stays."""
    keep: set[Path] = set()
    for limit, bucket in ((daily, lambda t: t.date()), (weekly, lambda t: t.isocalendar()[:2]),
                          (monthly, lambda t: (t.year, t.month))):
        seen: list = []
        for b in backups:       # newest first: the first of a bucket is its newest
            key = bucket(b.taken_at)
            if key not in seen:
                if len(seen) == limit:
                    break
                seen.append(key)
                keep.add(b.path)
    if backups:
        keep.add(backups[0].path)
    return keep


def rotate(folder: Path, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Delete the backups the rotation does not keep; returns what was deleted."""
    backups = list_backups(folder)
    keep = to_keep(backups, daily, weekly, monthly)
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def move_aside(path: Path, now: datetime) -> Path | None:
    """Rename a database (and its -wal/-shm) out of the way before a restore; returns the new name."""
    path = Path(path)
    if not path.exists():
        return None
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    for suffix in ("-wal", "-shm", ""):
        part = Path(f"{path}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{aside}{suffix}"))
    return aside


def move_aside_back(aside: Path, path: Path) -> None:
    """Undo ``move_aside`` (a restore that could not copy the backup in)."""
    for suffix in ("-wal", "-shm", ""):
        part = Path(f"{aside}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{path}{suffix}"))


def install_copy(source: Path, target: Path) -> None:
    """Copy a verified backup to ``target`` through a temporary name (0600), then rename into place."""
    target = Path(target)
    with private.private_umask():
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            private.make_private(Path(tmp))
            os.replace(tmp, target)
            private.fsync_dir(target.parent)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
