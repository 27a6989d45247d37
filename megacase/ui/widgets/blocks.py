"""Building blocks of the detail pane: a titled block and a grid of label/value rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget


class WrappingLabel(QLabel):
    """A word-wrapped label that asks for the height its text takes at its actual width, as a minimum.

    Qt's layouts compute a minimum height without wrapped text's height-for-width; in the detail pane's
    scroll area and splitters that minimum let a short screen (1366×768) squeeze a block below its text, so
    the next widget drew over it. With this minimum the page scrolls instead.
    """

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width())

    def setText(self, text: str) -> None:
        super().setText(text)
        if self.width() > 0:
            self._fit(self.width())

    def _fit(self, width: int) -> None:
        previous = self.minimumHeight()
        self.setMinimumHeight(0)     # QLabel's height-for-width never answers below the minimum: drop it first
        needed = self.heightForWidth(width) if self.text() else 0
        self.setMinimumHeight(max(needed, 0))
        if needed != previous:
            self.updateGeometry()


class Block(QFrame):
    """A titled group: a small title row (with optional action buttons) above its body."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("block")
        self.title = QLabel(title)
        self.title.setObjectName("blockTitle")
        self._header = QHBoxLayout()
        self._header.setContentsMargins(0, 0, 0, 0)
        self._header.addWidget(self.title)
        self._header.addStretch(1)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self._header)
        layout.addLayout(self.body)

    def add_header_action(self, action: QAction) -> QToolButton:
        """A small button in the title row that follows ``action`` (text, enabled, visible)."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setObjectName("blockAction")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._header.addWidget(button)
        return button


def value_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setObjectName("value")
    return label


LABEL_WIDTH = 130


class FieldGrid(QWidget):
    """Label/value rows; rows whose value is empty are left out."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(5)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.values = {}
        for label, value in rows:
            if not value:
                continue
            name = QLabel(label)
            name.setObjectName("fieldLabel")
            name.setMinimumWidth(LABEL_WIDTH)   # the same column in every block
            shown = value_label(value)
            self.form.addRow(name, shown)
            self.values[label] = shown

    def value(self, label: str) -> str:
        return self.values[label].text() if label in self.values else ""
