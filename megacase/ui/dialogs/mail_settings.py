"""Tools › Mail…: how letters leave (SMTP with a password, Office 365 sign-in over SMTP, or Microsoft Graph),
checked with "Send a test message to myself". No password or token is ever written to a file: the password
goes to the keyring, the Office 365 sign-in is kept there by MSAL's cache."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from megacase.errors import MegaCaseError
from megacase.i18n import N_, _
from megacase.services import mail
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog, muted, wrapped
from megacase.ui.workers import run_task

SECURITY_LABELS = {"starttls": N_("STARTTLS (port 587, Office 365)"), "tls": N_("TLS from the start (port 465)"),
                   "none": N_("None (a local relay only)")}
TRANSPORT_LABELS = {"smtp-oauth": N_("Office 365: SMTP with Microsoft sign-in (OAuth 2.0)"),
                    "graph": N_("Office 365: Microsoft Graph (sendMail)"),
                    "smtp-password": N_("SMTP with a user name and password (other providers)")}


class MailSettingsDialog(ServiceDialog):
    ok_text = N_("Save")

    def __init__(self, ws: Workspace, parent=None):
        self.ws = ws
        super().__init__(_("Mail"), _("How letters leave. From January 2027 Office 365 refuses passwords over SMTP: "
                                     "choose one of the Office 365 ways, with the tenant and the application ID of "
                                     "the shop's app registration, then sign in once."), parent)
        self.setObjectName("mailSettings")
        current = mail.load_settings(ws)
        self.transport = QComboBox()
        self.transport.setObjectName("mailTransport")
        for key, label in TRANSPORT_LABELS.items():
            self.transport.addItem(_(label), key)
        self.transport.setCurrentIndex(self.transport.findData(current.transport))
        self.host = QLineEdit(current.host)
        self.host.setObjectName("mailHost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(current.port)
        self.security = QComboBox()
        for key, label in SECURITY_LABELS.items():
            self.security.addItem(_(label), key)
        self.security.setCurrentIndex(self.security.findData(current.security))
        self.user = QLineEdit(current.user or "")
        self.user.setObjectName("mailUser")
        self.user.setPlaceholderText(_("the mailbox that signs in, e.g. privacy@megasecurity.eu"))
        self.sender = QLineEdit(current.sender or "")
        self.sender.setObjectName("mailSender")
        self.password = QLineEdit()
        self.password.setObjectName("mailPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        stored = mail.password_for(current) is not None
        self.password.setPlaceholderText(_("stored in the keyring — type to replace") if stored
                                         else _("kept in the system keyring"))
        self.tenant = QLineEdit(current.tenant)
        self.tenant.setObjectName("mailTenant")
        self.tenant.setPlaceholderText(_("e.g. megasecurity.onmicrosoft.com or the tenant ID"))
        self.client_id = QLineEdit(current.client_id)
        self.client_id.setObjectName("mailClientId")
        self.client_id.setPlaceholderText(_("Application (client) ID of the app registration"))
        self.signed_in = QLabel()
        self.signed_in.setObjectName("mailSignedIn")
        self.sign_in_button = QPushButton(_("Sign in with a code…"))
        self.sign_in_button.setObjectName("mailSignIn")
        self.sign_in_button.clicked.connect(self.sign_in)
        sign_row = QWidget()
        row = QHBoxLayout(sign_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.signed_in, 1)
        row.addWidget(self.sign_in_button)
        self.code = wrapped("", "mailDeviceCode")
        self.code.hide()
        self.test_button = QPushButton(_("Send a test message to myself"))
        self.test_button.setObjectName("mailTest")
        self.test_button.setToolTip(_("Saves these settings, then sends a short message from the sender address "
                                      "to itself"))
        self.test_button.clicked.connect(self.send_test)
        self.test_result = wrapped("", "mailTestResult")
        self.test_result.hide()

        self.form.addRow(_("Letters leave by"), self.transport)
        self.form.addRow(_("Server"), self.host)
        self.form.addRow(_("Port"), self.port)
        self.form.addRow(_("Security"), self.security)
        self.form.addRow(_("User"), self.user)
        self.form.addRow(_("Password"), self.password)
        self.form.addRow(_("Tenant"), self.tenant)
        self.form.addRow(_("Application ID"), self.client_id)
        self.form.addRow(_("Sign-in"), sign_row)
        self.form.addRow("", self.code)
        self.form.addRow(_("Sender address"), self.sender)
        self.form.addRow("", self.test_button)
        self.form.addRow("", self.test_result)
        self.form.addRow("", muted(_("No password or token is written to the register or a settings file: they "
                                     "stay in the system keyring.")))
        self.transport.currentIndexChanged.connect(self._transport_changed)
        self._transport_changed()
        self._show_signed_in(current)
        self.finish_layout()

    # --- what is shown for which transport --------------------------------------------------------
    def _transport_changed(self) -> None:
        kind = self.transport.currentData()
        smtp, office = kind != "graph", kind != "smtp-password"
        for field in (self.host, self.port, self.security):
            self.form.setRowVisible(field, smtp)
        self.form.setRowVisible(self.password, not office)
        for field in (self.tenant, self.client_id):
            self.form.setRowVisible(field, office)
        self.form.setRowVisible(self.signed_in.parentWidget(), office)

    def _show_signed_in(self, s) -> None:
        who = None
        if s.tenant and s.client_id:
            try:
                who = mail.sign_in_for(s).signed_in_as()
            except mail.DeliveryError:
                who = None
        self.signed_in.setText(_("Signed in as {user}").format(user=who) if who else _("Nobody has signed in yet"))

    # --- actions ----------------------------------------------------------------------------------
    def submit(self) -> mail.MailSettings:
        kind = self.transport.currentData()
        # Where mail goes: with a manager in the register the change waits for their approval (mail_routes).
        self.change = mail.request_configuration(self.ws, self.host.text(), self.port.value(),
                                                 self.security.currentData(), self.user.text().strip() or None,
                                                 self.sender.text().strip() or None, transport=kind,
                                                 tenant=self.tenant.text().strip(),
                                                 client_id=self.client_id.text().strip())
        saved = mail.load_settings(self.ws)
        if self.password.text() and kind == "smtp-password":
            mail.store_password(saved, self.password.text())
        return saved

    def sign_in(self) -> None:
        """Device-code sign-in: the code is shown here; the person signs in on any browser."""
        from megacase.services.mail.oauth import scopes_for_transport
        try:
            saved = self.submit()
            signin = mail.sign_in_for(saved)
            flow = signin.begin_device_code(scopes_for_transport(saved.transport))
        except (MegaCaseError, mail.DeliveryError) as exc:
            self.show_error(str(exc))
            return
        self.code.setText(flow["message"])
        self.code.show()
        self.sign_in_button.setEnabled(False)

        def done(user):
            self.sign_in_button.setEnabled(True)
            self.code.hide()
            self.signed_in.setText(_("Signed in as {user}").format(user=user))

        def failed(exc):
            self.sign_in_button.setEnabled(True)
            self.show_error(str(exc))

        run_task(lambda: signin.finish_device_code(flow), done, failed, context=self)

    def send_test(self) -> None:
        try:
            self.submit()
        except MegaCaseError as exc:
            self.show_error(str(exc))
            return
        self.error.hide()
        self.test_button.setEnabled(False)
        self.test_result.setText(_("Sending…"))
        self.test_result.show()
        ws = self.ws

        def done(result):
            self.test_button.setEnabled(True)
            line = _("Sent: {line}") if result.ok else _("Not sent: {line}")
            self.test_result.setText(line.format(line=result.line))
            self.test_result.setStyleSheet("" if result.ok else "color: #8c1d18;")

        def failed(exc):
            self.test_button.setEnabled(True)
            self.test_result.setText(_("Not sent: {line}").format(line=exc))

        run_task(lambda: mail.send_test_message(ws), done, failed, context=self)
