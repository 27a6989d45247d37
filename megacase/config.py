"""Where the profile lives and where the shipped resources are (the application is wired in megacase.app)."""

from __future__ import annotations

import importlib.resources
import os
import sys
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
    """Shipped resources (letter templates, fonts, icons).

    An installed wheel carries them as package data, ``megacase/resources`` (see setup.py), found
    through importlib.resources; a checkout or an editable install reads the top-level resources/
    folder; a PyInstaller bundle has them in its own folder.
    """
    if getattr(sys, "_MEIPASS", None):
        return Path(sys._MEIPASS) / "resources"
    packaged = importlib.resources.files("megacase") / "resources"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "resources"
