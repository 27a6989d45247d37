"""Unlocking the register: the recovery passphrase when the keyring has no key, or a first run."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout)

from megacase.errors import MegaCaseError


class UnlockDialog(QDialog):
    """Asks for the recovery passphrase and tries it; stays open with a message on failure."""

    def __init__(self, data_dir: Path, try_unlock: Callable[[str], object], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Unlock MegaCase")
        self.setMinimumWidth(460)
        self._try_unlock = try_unlock
        self.result_value = None
        intro = QLabel("<b>The case register is locked.</b><br>This computer's keyring does not hold its key. "
                       "Enter the recovery passphrase chosen when the register was created.")
        intro.setWordWrap(True)
        where = QLabel(f"Register: {data_dir}")
        where.setObjectName("muted")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("Recovery passphrase", self.passphrase)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        buttons.accepted.connect(self.attempt)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def attempt(self) -> None:
        try:
            self.result_value = self._try_unlock(self.passphrase.text())
        except MegaCaseError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        self.accept()


class FirstRunDialog(QDialog):
    """Creates a new register: the officer chooses the recovery passphrase."""

    def __init__(self, data_dir: Path, create: Callable[[str], object], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Create the MegaCase register")
        self.setMinimumWidth(520)
        self._create = create
        self.result_value = None
        intro = QLabel(
            "<b>Welcome to MegaCase.</b><br>A new encrypted case register will be created. Its key is kept in this "
            "computer's keyring. Choose a <b>recovery passphrase</b>: it opens the register if the keyring is ever "
            "lost. Write it down and keep it somewhere safe; without it and without the keyring, the register "
            "cannot be opened by anyone.")
        intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("Register folder", QLabel(str(data_dir)))
        form.addRow("Recovery passphrase", self.passphrase)
        form.addRow("Repeat", self.repeat)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create register")
        buttons.accepted.connect(self.attempt)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def attempt(self) -> None:
        if self.passphrase.text() != self.repeat.text():
            self.error.setText("The two passphrases differ.")
            self.error.show()
            return
        try:
            self.result_value = self._create(self.passphrase.text())
        except MegaCaseError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
