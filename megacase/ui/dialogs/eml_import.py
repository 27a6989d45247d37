"""Import a request from an e-mail file: what was read, who sent it, which rights; then open the case."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QRadioButton, QVBoxLayout, QWidget)

from megacase.domain.requests import Language, RequestType
from megacase.errors import InputError
from megacase.i18n import N_, _
from megacase.services.cases import subjects
from megacase.services.intake import eml_import
from megacase.services.intake.eml_import import ParsedEmail
from megacase.services.records import SubjectInfo
from megacase.services.cases.subjects import NewSubject
from megacase.services.workspace import TZ, Workspace
from megacase.ui.dialogs.base import ServiceDialog, WrappedLabel, muted
from megacase.ui.format import moment


def plain(text: str) -> QLabel:
    """Text from the message is never interpreted as markup."""
    label = WrappedLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class EmlImportDialog(ServiceDialog):
    ok_text = N_("Open the case")
    preferred = QSize(760, 0)

    def __init__(self, ws: Workspace, data: bytes, parsed: ParsedEmail, matched: SubjectInfo | None, parent=None,
                 delivered_at: datetime | None = None):
        self.ws, self.data, self.parsed, self.matched = ws, data, parsed, matched
        self.delivered_at = delivered_at     # the mailbox's delivery time (an Outlook .msg), when known
        super().__init__(_("Import a request from an e-mail"),
                         _("The received time is when the shop's mail server received the message (else the time "
                         "of import), never the sender's own Date; the original message and its attachments "
                         "are kept in the case, encrypted."), parent)
        self.setObjectName("emlImportDialog")
        p = parsed
        self.form.addRow(_("From"), plain(f"{p.sender_name + ' ' if p.sender_name else ''}<{p.sender}>"))
        self.form.addRow(_("Received"), plain(moment(p.received_at.astimezone(TZ))))
        if p.date_note:   # the sender's clock disagrees: shown, never taken
            warning = plain(p.date_note)
            warning.setObjectName("error")
            warning.setWordWrap(True)
            self.form.addRow(_("Sender's date"), warning)
        self.form.addRow(_("Subject line"), plain(p.subject or _("(none)")))
        files = ", ".join(_("{name} ({size} kB)").format(name=f.filename, size=len(f.data) // 1024 + 1)
                          for f in p.attachments) or _("none")
        files_label = plain(files)
        files_label.setObjectName("muted")
        self.form.addRow(_("Attachments"), files_label)
        body = QPlainTextEdit(p.body)
        body.setObjectName("emlBody")
        body.setReadOnly(True)
        body.setMaximumHeight(170)
        self.form.addRow(_("Text"), body)

        self.subject_area = QWidget()
        v = QVBoxLayout(self.subject_area)
        v.setContentsMargins(0, 0, 0, 0)
        self.new_subject = QRadioButton(_("Register the sender as a new subject"))
        self.existing = QRadioButton(_("The request belongs to an existing subject (not identified by this e-mail)"))
        group = QButtonGroup(self)
        group.addButton(self.new_subject)
        group.addButton(self.existing)
        self.name = QLineEdit(p.sender_name or "")
        self.name.setObjectName("emlName")
        self.name.setPlaceholderText(_("Full name"))
        self.language = QComboBox()
        for lang in Language:
            self.language.addItem(lang.label, lang.value)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, e-mail or customer number"))
        self.found = QComboBox()
        self.found.setObjectName("emlExisting")
        self.search.textEdited.connect(self._search)
        if matched is not None:
            how = (_("identified by the known address") if p.authentication != "fail"
                   else _("NOT identified: the receiving server says the sender failed authentication"))
            label = QLabel(_("<b>{name}</b> ({reference}) — the sender is this subject's known address; "
                             "{how}.").format(
                name=escape(matched.display_name), reference=matched.reference, how=how))
            label.setObjectName("emlMatch")
            label.setWordWrap(True)
            v.addWidget(label)
        else:
            unknown = plain(_("{address} is not the known address of any subject.").format(address=p.sender))
            unknown.setObjectName("muted")
            v.addWidget(unknown)
            v.addWidget(self.new_subject)
            grid = QGridLayout()
            grid.addWidget(self.name, 0, 0)
            grid.addWidget(self.language, 0, 1)
            v.addLayout(grid)
            v.addWidget(self.existing)
            v.addWidget(self.search)
            v.addWidget(self.found)
            self.new_subject.setChecked(True)
        self.form.addRow(_("Subject"), self.subject_area)

        types = QWidget()
        grid = QGridLayout(types)
        grid.setContentsMargins(0, 0, 0, 0)
        guessed = set(eml_import.guess_request_types(f"{p.subject}\n{p.body}"))
        self.type_boxes: dict[RequestType, QCheckBox] = {}
        for i, t in enumerate(RequestType):
            box = QCheckBox(f"{_(t.label)} ({t.article})")
            box.setObjectName(f"emlType_{t.value}")
            box.setChecked(t in guessed)
            grid.addWidget(box, i // 2, i % 2)
            self.type_boxes[t] = box
        self.form.addRow(_("Rights invoked"), types)
        self.form.addRow("", muted(_("Suggested from the words of the message: check them.")))
        self.finish_layout()

    def _search(self, text: str) -> None:
        self.found.clear()
        for s in subjects.find_subjects(self.ws, text):
            self.found.addItem(f"{s.display_name} <{s.email}> ({s.reference})", s.id)
        if self.found.count():
            self.existing.setChecked(True)

    def request_types(self) -> list[str]:
        return [t.value for t, box in self.type_boxes.items() if box.isChecked()]

    def submit(self):
        types = self.request_types()
        if not types:
            raise InputError(_("Tick at least one right the request invokes."))
        if self.matched is not None:
            return eml_import.import_eml(self.ws, self.data, types, delivered_at=self.delivered_at)
        if self.existing.isChecked():
            subject_id = self.found.currentData()
            if subject_id is None:
                raise InputError(_("Search for the existing subject and choose them."))
            return eml_import.import_eml(self.ws, self.data, types, subject_id=subject_id,
                                           delivered_at=self.delivered_at)
        return eml_import.import_eml(self.ws, self.data, types, new_subject=NewSubject(
            self.name.text(), self.parsed.sender, self.language.currentData()), delivered_at=self.delivered_at)
