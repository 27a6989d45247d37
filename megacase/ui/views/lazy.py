"""A view that follows the register without reloading while nobody looks at it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class LazyView(QWidget):
    """Subclasses implement ``reload()`` (which clears ``_dirty``); ``mark_dirty()`` says the register changed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._dirty = True

    def mark_dirty(self) -> None:
        """The register changed: reload now if shown, else when next shown."""
        self._dirty = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError
