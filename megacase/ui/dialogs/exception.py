"""The dialog of the central exception hook: what happened, and details to copy for the developers."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from megacase.i18n import _
from megacase.ui.dialogs.base import FittingDialog


class ExceptionDialog(FittingDialog):
    preferred = QSize(640, 420)

    def __init__(self, details: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("MegaCase: unexpected error"))
        intro = QLabel(_("<b>Something went wrong.</b> The action that failed was not saved; everything saved "
                       "before it is safe. Copy the details below and send them to the developers: they name "
                       "the code that failed, not the people in your cases."))
        intro.setWordWrap(True)
        self.details = QPlainTextEdit(details)
        self.details.setObjectName("exceptionDetails")
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_("&Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
