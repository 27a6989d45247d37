"""Who is working: after the register is unlocked, a register with users asks for a user and password."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from megacase.errors import MegaCaseError


class SignInDialog(QDialog):
    """Tries ``sign_in(name, password)`` on OK; stays open with the message when it fails."""

    def __init__(self, names: list[str], sign_in: Callable[[str, str], object], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Sign in to MegaCase")
        self.setMinimumWidth(420)
        self._sign_in = sign_in
        self.result_value = None
        intro = QLabel("<b>Who is working?</b><br>Every action is recorded in the audit trail with your name. "
                       "An officer works the cases; a manager reviews and approves.")
        intro.setWordWrap(True)
        intro.setObjectName("dialogIntro")
        self.user = QComboBox()
        self.user.setObjectName("signInUser")
        self.user.setEditable(False)
        self.user.addItems(names)
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.attempt)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.password.setFocus()

    def attempt(self) -> None:
        try:
            self.result_value = self._sign_in(self.user.currentText(), self.password.text())
        except MegaCaseError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()


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
        dialog.error.setText(failure)
        dialog.error.show()
    accepted = run_dialog(dialog) if run_dialog else dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.result_value if accepted else None
