"""Tools > Users…: the register's users, and adding one (name, role, password typed twice).

Who may add users is decided by ``services.users`` (once a manager exists, only a manager);
the dialog shows the refusal and keeps what was typed.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QVBoxLayout)

from megacase.errors import InputError, MegaCaseError
from megacase.i18n import _
from megacase.services.users import UserInfo
from megacase.ui.format import ROLE_LABELS
from megacase.ui.dialogs.base import FittingDialog, error_line


class UsersDialog(FittingDialog):
    preferred = QSize(460, 0)

    def __init__(self, current: list[UserInfo], add_user: Callable[[str, str, str], UserInfo], parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Users"))
        self._add = add_user
        self.result_value: UserInfo | None = None
        self.list = QListWidget()
        self.list.setObjectName("userList")
        for u in current:
            self.list.addItem(f"{u.name} — {_(ROLE_LABELS.get(u.role, u.role))}")
        if not current:
            self.list.addItem(_("No users yet: whoever unlocks the register acts as an officer."))
        self.name = QLineEdit()
        self.name.setObjectName("newUserName")
        self.role = QComboBox()
        self.role.addItem(_("Officer: works the cases"), "officer")
        self.role.addItem(_("Manager: reviews and approves"), "manager")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_line()
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Role"), self.role)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Repeat"), self.repeat)
        note = QLabel(_("Once the register has users, everyone signs in after unlocking it, and every action in the "
                      "audit trail names its user."))
        note.setWordWrap(True)
        note.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Add user"))
        buttons.accepted.connect(self.attempt)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("<b>Users of this register</b>")))
        layout.addWidget(self.list)
        layout.addWidget(QLabel(_("<b>Add a user</b>")))
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def attempt(self) -> None:
        try:
            if self.password.text() != self.repeat.text():
                raise InputError(_("The two passwords differ."))
            self.result_value = self._add(self.name.text(), self.role.currentData(), self.password.text())
        except MegaCaseError as exc:
            self.show_error_line(self.error, str(exc))
            return
        self.accept()
