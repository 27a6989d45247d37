"""Where the application's log goes. Nothing personal is ever logged: case references,
exception types and code locations only (a test checks that logs of a whole case hold no name)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

from megacase.config import APP_AUTHOR, APP_NAME

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file, the first and each one opened after a rotation, is 0600 (case references are no one
    else's business)."""

    def _open(self):
        from megacase.store.private import FILE_MODE, chmod_quietly, private_umask
        with private_umask():
            stream = super()._open()
        chmod_quietly(Path(self.baseFilename), FILE_MODE)
        return stream


def configure_file_logging(folder: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Also log to a small rotating file (the desktop application has no console to read), in a 0700 folder."""
    from megacase.store.private import private_dir
    folder = folder or log_dir()
    try:
        private_dir(folder)
        handler = PrivateRotatingFileHandler(folder / "megacase.log", maxBytes=1_000_000, backupCount=3,
                                             encoding="utf-8")
    except OSError:
        return None   # a read-only home must not stop the application
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return folder / "megacase.log"
