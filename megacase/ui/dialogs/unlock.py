"""Unlocking the register: the recovery passphrase when the keyring has no key, or a first run."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from megacase.errors import InputError
from megacase.ui.dialogs.base import ServiceDialog, muted


def secret_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class UnlockDialog(ServiceDialog):
    """Asks for the recovery passphrase and tries it; stays open with a message on failure."""

    ok_text = "Unlock"

    def __init__(self, data_dir: Path, try_unlock: Callable[[str], object], parent=None):
        super().__init__("Unlock MegaCase",
                         "<b>The case register is locked.</b><br>This computer's keyring does not hold its key. "
                         "Enter the recovery passphrase chosen when the register was created.", parent)
        self._try_unlock = try_unlock
        where = muted(f"Register: {data_dir}")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.insertWidget(1, where)
        self.passphrase = secret_field("passphrase")
        self.form.addRow("Recovery passphrase", self.passphrase)
        self.finish_layout()
        self.passphrase.setFocus()

    def submit(self):
        return self._try_unlock(self.passphrase.text())

    def show_error(self, text: str) -> None:
        super().show_error(text)
        self.passphrase.selectAll()
        self.passphrase.setFocus()


class FirstRunDialog(ServiceDialog):
    """Creates a new register: the officer chooses the recovery passphrase."""

    ok_text = "Create register"

    def __init__(self, data_dir: Path, create: Callable[[str], object], parent=None):
        super().__init__(
            "Create the MegaCase register",
            "<b>Welcome to MegaCase.</b><br>A new encrypted case register will be created. Its key is kept in this "
            "computer's keyring. Choose a <b>recovery passphrase</b>: it opens the register if the keyring is ever "
            "lost. Write it down and keep it somewhere safe; without it and without the keyring, the register "
            "cannot be opened by anyone.", parent)
        self._create = create
        self.passphrase = secret_field("passphrase")
        self.repeat = secret_field("repeat")
        self.form.addRow("Register folder", QLabel(str(data_dir)))
        self.form.addRow("Recovery passphrase", self.passphrase)
        self.form.addRow("Repeat", self.repeat)
        self.finish_layout()
        self.passphrase.setFocus()

    def submit(self):
        if self.passphrase.text() != self.repeat.text():
            raise InputError("The two passphrases differ.")
        return self._create(self.passphrase.text())


class ChangePassphraseDialog(ServiceDialog):
    """Tools > Change recovery passphrase: the new one twice; the current one unless the keyring holds the key."""

    ok_text = "Change passphrase"

    def __init__(self, data_dir: Path, change: Callable[[str, str | None], object], parent=None):
        super().__init__(
            "Change the recovery passphrase",
            "The recovery passphrase opens the register when this computer's keyring has lost its key. "
            "Choose a new one (at least 10 characters) and keep it somewhere safe: the old one stops "
            "working at once.", parent)
        self._change = change
        where = muted(f"Register: {data_dir}")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.insertWidget(1, where)
        self.current = secret_field("currentPassphrase")
        self.current.setPlaceholderText("not needed if the keyring holds the key")
        self.passphrase = secret_field("newPassphrase")
        self.repeat = secret_field("repeatPassphrase")
        self.form.addRow("Current passphrase", self.current)
        self.form.addRow("New passphrase", self.passphrase)
        self.form.addRow("Repeat", self.repeat)
        self.finish_layout()
        self.passphrase.setFocus()

    def submit(self):
        if self.passphrase.text() != self.repeat.text():
            raise InputError("The two new passphrases differ.")
        return self._change(self.passphrase.text(), self.current.text() or None)
