"""Who is working: after the register is unlocked, a register with users asks for a user and password."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QComboBox, QDialog

from megacase.errors import MegaCaseError
from megacase.i18n import N_, _
from megacase.ui.dialogs.base import ServiceDialog
from megacase.ui.dialogs.unlock import secret_field


class SignInDialog(ServiceDialog):
    """Tries ``sign_in(name, password)`` on OK; stays open with the message when it fails."""

    ok_text = N_("Sign in")

    def __init__(self, names: list[str], sign_in: Callable[[str, str], object], parent=None):
        super().__init__(_("Sign in to MegaCase"),
                         _("<b>Who is working?</b><br>Every action is recorded in the audit trail with your name. "
                         "An officer works the cases; a manager reviews and approves."), parent)
        self._sign_in = sign_in
        self.user = QComboBox()
        self.user.setObjectName("signInUser")
        self.user.setEditable(False)
        self.user.addItems(names)
        self.password = secret_field("signInPassword")
        self.form.addRow(_("User"), self.user)
        self.form.addRow(_("Password"), self.password)
        self.finish_layout()
        self.password.setFocus()

    def submit(self):
        return self._sign_in(self.user.currentText(), self.password.text())

    def show_error(self, text: str) -> None:
        super().show_error(text)
        self.password.selectAll()
        self.password.setFocus()


def sign_in_interactively(ws, run_dialog: Callable[[QDialog], bool] | None = None, environ=None):
    """The Workspace to work in: unchanged for a register without users; else the signed-in user's.

    ``MEGACASE_USER`` with ``MEGACASE_USER_PASSWORD`` sign in without the dialog (scheduled and scripted
    starts); None when the dialog is cancelled.
    """
    import os

    from megacase.services import users
    env = os.environ if environ is None else environ
    if not users.has_users(ws):
        return ws
    name, password = env.get("MEGACASE_USER"), env.get("MEGACASE_USER_PASSWORD")
    failure = None
    if name and password:
        try:
            return users.identify(ws, name, password)
        except MegaCaseError as exc:
            failure = str(exc)
    dialog = SignInDialog([u.name for u in users.list_users(ws)], lambda n, p: users.identify(ws, n, p))
    if name:
        index = dialog.user.findText(name)
        if index >= 0:
            dialog.user.setCurrentIndex(index)
    if failure:
        dialog.show_error(failure)
    accepted = run_dialog(dialog) if run_dialog else dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.result_value if accepted else None
