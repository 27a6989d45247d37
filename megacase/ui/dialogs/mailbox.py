"""Tools › Privacy mailbox…: where requests and answers arrive (IMAP or Microsoft Graph), and the dialog that
opens a case from an inbox item."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLineEdit, QSpinBox, QWidget

from megacase.domain.requests import RequestType
from megacase.errors import InputError
from megacase.i18n import N_, _, format_date
from megacase.services import mail
from megacase.services.intake import inbox
from megacase.services.cases.subjects import NewSubject
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog, muted, wrapped
from megacase.ui.dialogs.mail_settings import SECURITY_LABELS

KIND_LABELS = {"": N_("None: requests are imported by hand"), "imap": N_("IMAP (Office 365 or any provider)"),
               "graph": N_("Office 365: Microsoft Graph")}


class MailboxSettingsDialog(ServiceDialog):
    ok_text = N_("Save")

    def __init__(self, ws: Workspace, parent=None):
        self.ws = ws
        super().__init__(_("Privacy mailbox"), _("The mailbox requests and answers arrive in. MegaCase only reads it "
                                                "(nothing is moved or marked read) and fetches it on start and every "
                                                "few minutes while the window is open."), parent)
        self.setObjectName("mailboxSettings")
        box = mail.load_mailbox(ws)
        self.kind = QComboBox()
        self.kind.setObjectName("mailboxKind")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(_(label), key)
        self.kind.setCurrentIndex(self.kind.findData(box.kind))
        self.host = QLineEdit(box.host)
        self.host.setObjectName("mailboxHost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(box.port)
        self.security = QComboBox()
        for key, label in SECURITY_LABELS.items():
            self.security.addItem(_(label).replace("587", "143").replace("465", "993"), key)
        self.security.setCurrentIndex(self.security.findData(box.security))
        self.user = QLineEdit(box.user)
        self.user.setObjectName("mailboxUser")
        self.folder = QLineEdit(box.folder)
        self.auth = QComboBox()
        self.auth.addItem(_("Password"), "password")
        self.auth.addItem(_("Office 365 sign-in (as in Tools › Mail…)"), "oauth")
        self.auth.setCurrentIndex(self.auth.findData(box.auth))
        self.password = QLineEdit()
        self.password.setObjectName("mailboxPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        stored = mail.mailbox_password_for(box)
        self.password.setPlaceholderText(_("stored in the keyring — type to replace") if stored
                                         else _("kept in the system keyring"))
        self.poll = QSpinBox()
        self.poll.setRange(1, 24 * 60)
        self.poll.setValue(box.poll_minutes)
        self.poll.setSuffix(_(" minutes"))
        self.since = QLineEdit(box.since)
        self.since.setObjectName("mailboxSince")
        self.since.setPlaceholderText(_("YYYY-MM-DD — empty: every message in the folder"))
        self.form.addRow(_("Mailbox"), self.kind)
        self.form.addRow(_("IMAP server"), self.host)
        self.form.addRow(_("Port"), self.port)
        self.form.addRow(_("Security"), self.security)
        self.form.addRow(_("Login"), self.auth)
        self.form.addRow(_("User"), self.user)
        self.form.addRow(_("Password"), self.password)
        self.form.addRow(_("Folder"), self.folder)
        self.form.addRow(_("Fetch every"), self.poll)
        self.form.addRow(_("Only messages since"), self.since)
        self.form.addRow("", muted(_("Office 365 IMAP: outlook.office365.com, port 993, TLS. The password stays in "
                                     "the system keyring.")))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.auth.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.finish_layout()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        for field in (self.host, self.port, self.security, self.auth):
            self.form.setRowVisible(field, kind == "imap")
        self.form.setRowVisible(self.password, kind == "imap" and self.auth.currentData() == "password")
        for field in (self.user, self.folder, self.poll, self.since):
            self.form.setRowVisible(field, bool(kind))

    def submit(self) -> mail.MailboxSettings:
        saved = mail.configure_mailbox(self.ws, self.kind.currentData(), host=self.host.text(),
                                       port=self.port.value(), security=self.security.currentData(),
                                       user=self.user.text(), folder=self.folder.text(), auth=self.auth.currentData(),
                                       poll_minutes=self.poll.value(), since=self.since.text())
        if self.password.text():
            mail.store_mailbox_password(saved, self.password.text())
        return saved


class OpenFromInboxDialog(ServiceDialog):
    """Open a case from an inbox item: the rights (guessed, to confirm), and the subject when the address is new."""

    ok_text = N_("Open the case")

    def __init__(self, ws: Workspace, item: inbox.InboxEntry, parent=None):
        self.ws, self.item = ws, item
        when = f"{format_date(item.received_at, 'short')} {item.received_at:%H:%M}"
        super().__init__(_("Open a case from the mailbox"),
                         _("From <b>{sender}</b>, received by the mail server on <b>{when}</b>: the case is received "
                           "then.").format(sender=item.sender, when=when), parent)
        self.setObjectName("openFromInbox")
        if item.flag:
            self.form.addRow("", wrapped(_("Caution: {warning}.").format(warning=item.flag), "error"))
        rights = QWidget()
        grid = QGridLayout(rights)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, t in enumerate(RequestType):
            box = QCheckBox(_(t.label))
            box.setObjectName(f"inboxType_{t.value}")
            box.setChecked(t.value in item.guessed_types)
            self.boxes[t.value] = box
            grid.addWidget(box, i // 2, i % 2)
        self.form.addRow(_("Rights invoked"), rights)
        self.name = QLineEdit()
        self.name.setObjectName("inboxNewName")
        self.language = QComboBox()
        for code, label in (("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))):
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(item.language or "fr")))
        if item.subject_id is None:
            self.form.addRow("", muted(_("The sender's address is not a known subject's: register them as a new "
                                         "subject (their address becomes the known one).")))
            self.form.addRow(_("Name"), self.name)
            self.form.addRow(_("Language"), self.language)
        else:
            self.form.addRow(_("Subject"), wrapped(_("The known subject who writes from this address.")))
        self.finish_layout()

    def submit(self) -> str:
        types = [k for k, box in self.boxes.items() if box.isChecked()]
        if not types:
            raise InputError(_("Tick at least one right."))
        new = None
        if self.item.subject_id is None:
            if not self.name.text().strip():
                raise InputError(_("Give the new subject's name."))
            new = NewSubject(self.name.text().strip(), self.item.sender, self.language.currentData())
        return inbox.open_case(self.ws, self.item.id, types, new_subject=new)
