"""Files only their owner can read: the register, its WAL and SHM, backups, exports, reports, logs.

Modes are set twice: a umask of 077 while a file is created (so it is never,
even for an instant, readable by others; SQLite creates ``-wal``/``-shm``
itself and takes its modes from the umask and the database file), then an
explicit chmod (a folder that already existed keeps its old mode otherwise).
On Windows modes mean little; files there inherit the ACL of the user's
profile folders, which already admit only that user.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

FILE_MODE = 0o600
DIR_MODE = 0o700
_umask_lock = threading.Lock()   # the umask is process-wide: one change at a time


@contextmanager
def private_umask() -> Iterator[None]:
    """While inside, new files are 0600 and new folders 0700 (where the platform has modes)."""
    if os.name != "posix":
        yield
        return
    with _umask_lock:
        previous = os.umask(0o077)
    try:
        yield
    finally:
        with _umask_lock:
            os.umask(previous)


def chmod_quietly(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError:
        pass   # not ours to change (a network share, another owner): the umask did what it could


def private_dir(path: Path, fix_existing: bool = True) -> Path:
    """Create ``path`` (and missing parents) 0700. An existing folder is made 0700 too unless ``fix_existing``
    is False (a folder the officer chose and may share with others keeps its mode; our files in it are 0600)."""
    path = Path(path)
    existed = path.is_dir()
    with private_umask():
        path.mkdir(parents=True, exist_ok=True)
    if fix_existing or not existed:
        chmod_quietly(path, DIR_MODE)
    return path


def make_private(path: Path) -> None:
    """0600 for a file, 0700 for a folder."""
    path = Path(path)
    if path.exists():
        chmod_quietly(path, DIR_MODE if path.is_dir() else FILE_MODE)


def private_database_files(db_file: Path) -> None:
    """The database and SQLite's companions (-wal, -shm, -journal), where they exist."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        make_private(Path(f"{db_file}{suffix}"))


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` whole to ``path``, 0600, through a temporary file in the same folder (atomic)."""
    path = Path(path)
    with private_umask():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        chmod_quietly(Path(tmp), FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def is_private(path: Path) -> bool:
    """True when neither group nor others have any access (always True where modes do not exist)."""
    if os.name != "posix":
        return True
    return not (Path(path).stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
