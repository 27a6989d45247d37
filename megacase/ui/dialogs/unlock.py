"""Unlocking the register: the recovery passphrase when the keyring has no key, or a first run."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from megacase.errors import InputError
from megacase.i18n import N_, _
from megacase.ui.dialogs.base import ServiceDialog, muted


def secret_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class UnlockDialog(ServiceDialog):
    """Asks for the recovery passphrase and tries it; stays open with a message on failure."""

    ok_text = N_("Unlock")

    def __init__(self, data_dir: Path, try_unlock: Callable[[str], object], parent=None):
        super().__init__(_("Unlock MegaCase"),
                         _("<b>The case register is locked.</b><br>This computer's keyring does not hold its key. "
                         "Enter the recovery passphrase chosen when the register was created."), parent)
        self._try_unlock = try_unlock
        where = muted(_("Register: {folder}").format(folder=data_dir))
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.insertWidget(1, where)
        self.passphrase = secret_field("passphrase")
        self.form.addRow(_("Recovery passphrase"), self.passphrase)
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

    ok_text = N_("Create register")

    def __init__(self, data_dir: Path, create: Callable[[str], object], parent=None):
        super().__init__(
            _("Create the MegaCase register"),
            _("<b>Welcome to MegaCase.</b><br>A new encrypted case register will be created. Its key is kept in this "
            "computer's keyring. Choose a <b>recovery passphrase</b>: it opens the register if the keyring is ever "
            "lost. Write it down and keep it somewhere safe; without it and without the keyring, the register "
            "cannot be opened by anyone."), parent)
        self._create = create
        self.passphrase = secret_field("passphrase")
        self.repeat = secret_field("repeat")
        self.form.addRow(_("Register folder"), QLabel(str(data_dir)))
        self.form.addRow(_("Recovery passphrase"), self.passphrase)
        self.form.addRow(_("Repeat"), self.repeat)
        self.finish_layout()
        self.passphrase.setFocus()

    def submit(self):
        if self.passphrase.text() != self.repeat.text():
            raise InputError(_("The two passphrases differ."))
        return self._create(self.passphrase.text())


class ChangePassphraseDialog(ServiceDialog):
    """Tools > Change recovery passphrase: the new one twice; the current one unless the keyring holds the key."""

    ok_text = N_("Change passphrase")

    def __init__(self, data_dir: Path, change: Callable[[str, str | None], object], parent=None):
        super().__init__(
            _("Change the recovery passphrase"),
            _("The recovery passphrase opens the register when this computer's keyring has lost its key. "
            "Choose a new one (at least 10 characters) and keep it somewhere safe: the old one stops "
            "working at once."), parent)
        self._change = change
        where = muted(_("Register: {folder}").format(folder=data_dir))
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.insertWidget(1, where)
        self.current = secret_field("currentPassphrase")
        self.current.setPlaceholderText(_("not needed if the keyring holds the key"))
        self.passphrase = secret_field("newPassphrase")
        self.repeat = secret_field("repeatPassphrase")
        self.form.addRow(_("Current passphrase"), self.current)
        self.form.addRow(_("New passphrase"), self.passphrase)
        self.form.addRow(_("Repeat"), self.repeat)
        self.finish_layout()
        self.passphrase.setFocus()

    def submit(self):
        if self.passphrase.text() != self.repeat.text():
            raise InputError(_("The two new passphrases differ."))
        return self._change(self.passphrase.text(), self.current.text() or None)
