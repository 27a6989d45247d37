"""Tools > Mail server: where letters are sent from (the password goes to the keyring, never to a file)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from megacase.services import mail
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog, muted

SECURITY_LABELS = {"starttls": "STARTTLS (port 587, Office 365)", "tls": "TLS from the start (port 465)",
                   "none": "None (a local relay only)"}


class MailSettingsDialog(ServiceDialog):
    ok_text = "Save"

    def __init__(self, ws: Workspace, parent=None):
        self.ws = ws
        super().__init__("Mail server", "Letters are sent through this server. Office 365: smtp.office365.com, "
                                        "port 587, STARTTLS, your mailbox as user and sender.", parent)
        self.setObjectName("mailSettings")
        current = mail.load_settings(ws)
        self.host = QLineEdit(current.host)
        self.host.setObjectName("mailHost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(current.port)
        self.security = QComboBox()
        for key, label in SECURITY_LABELS.items():
            self.security.addItem(label, key)
        self.security.setCurrentIndex(self.security.findData(current.security))
        self.user = QLineEdit(current.user or "")
        self.user.setObjectName("mailUser")
        self.sender = QLineEdit(current.sender or "")
        self.sender.setObjectName("mailSender")
        self.password = QLineEdit()
        self.password.setObjectName("mailPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        stored = mail.password_for(current) is not None
        self.password.setPlaceholderText("stored in the keyring — type to replace" if stored
                                         else "kept in the system keyring")
        self.form.addRow("Server", self.host)
        self.form.addRow("Port", self.port)
        self.form.addRow("Security", self.security)
        self.form.addRow("User", self.user)
        self.form.addRow("Password", self.password)
        self.form.addRow("Sender address", self.sender)
        self.form.addRow("", muted("The password is never written to the register or a settings file."))
        self.finish_layout()

    def submit(self) -> mail.SmtpSettings:
        # Where mail goes: with a manager in the register the change waits for their approval.
        self.change = mail.request_configuration(self.ws, self.host.text(), self.port.value(),
                                                 self.security.currentData(), self.user.text().strip() or None,
                                                 self.sender.text().strip() or None)
        saved = mail.load_settings(self.ws)
        if self.password.text():
            mail.store_password(saved, self.password.text())
        return saved
