"""Where the profile lives and how the application is wired at start."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "MegaCase"
APP_AUTHOR = "MegaSecurity"
BRUSSELS = "Europe/Brussels"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def resolve_data_dir(value: str | os.PathLike | None) -> Path:
    if value:
        return Path(value).expanduser().resolve()
    env = os.environ.get("MEGACASE_DATA_DIR")
    return Path(env).expanduser().resolve() if env else default_data_dir()


def resources_dir() -> Path:
    """Shipped resources: beside the package in a checkout, or bundled by PyInstaller."""
    bundled = Path(getattr(__import__("sys"), "_MEIPASS", "")) / "resources"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parent.parent / "resources"
