"""The window's settings: typed preferences declared once, and window state kept apart.

Preferences are the officer's choices (which quick filter opens first…);
window state is what the window remembers by itself (geometry, splitter,
column widths). They live in two separate stores, so resetting the layout
never loses a preference, and no secret ever goes in either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from megacase.config import APP_AUTHOR, APP_NAME


@dataclass(frozen=True)
class Pref:
    key: str
    default: Any
    doc: str


# Every preference, declared once. Add yours here (a key under your feature's name).
PREFERENCES = {p.key: p for p in (
    Pref("cases/quick_filter", "open", "The quick filter the case list opens with"),
    Pref("cases/request_type", "", "The request type the case list is filtered on ('' for all)"),
    Pref("cases/hidden_columns", "Received", "Case list columns hidden (comma-separated titles)"),
    Pref("ui/language", "", "The interface language (fr, nl or en; '' follows the system)"),
    Pref("security/lock_after_minutes", 10, "Lock the window after this many idle minutes (0: never)"),
)}


class UiSettings:
    def __init__(self, preferences: QSettings, state: QSettings):
        self.preferences = preferences
        self.state = state

    @classmethod
    def default(cls) -> UiSettings:
        return cls(QSettings(APP_AUTHOR, APP_NAME), QSettings(APP_AUTHOR, f"{APP_NAME}-window-state"))

    @classmethod
    def in_folder(cls, folder: Path) -> UiSettings:
        """Both stores as INI files in ``folder`` (tests, screenshots)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        fmt = QSettings.Format.IniFormat
        return cls(QSettings(str(folder / "preferences.ini"), fmt), QSettings(str(folder / "window-state.ini"), fmt))

    def get(self, key: str) -> Any:
        pref = PREFERENCES[key]
        value = self.preferences.value(key, pref.default)
        return type(pref.default)(value) if value is not None else pref.default

    def set(self, key: str, value: Any) -> None:
        pref = PREFERENCES[key]
        self.preferences.setValue(key, type(pref.default)(value))

    def restore_bytes(self, key: str) -> QByteArray | None:
        value = self.state.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_bytes(self, key: str, value: QByteArray) -> None:
        self.state.setValue(key, value)

    def sync(self) -> None:
        self.preferences.sync()
        self.state.sync()
