"""Write a letter: pick a template, read the rendered letter, edit it if needed, attach files, send.

The recipient is not an input: it shows the subject's known address, which the
letters service resolves again when it saves the letter. Another address is
possible only through the checked override (a verified identity on the case,
and a reason), which the service decides and records.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from megacase.domain.requests import Language
from megacase.errors import InputError, MegaCaseError
from megacase.i18n import N_, _
from megacase.services.letters import attachments, letters
from megacase.services.letters.letters import LetterOptions, QueuedLetter
from megacase.services.records import OutgoingFile
from megacase.services.letters.recipients import AddressOverride
from megacase.services.systems import overview as systems_overview
from megacase.services.systems.package import build_package
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog, muted

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ComposeResult:
    queued: QueuedLetter | None   # None: recorded as posted (the officer prints and posts it)
    pdf_password: str | None      # shown once to the officer, never stored


class ComposeDialog(ServiceDialog):
    ok_text = N_("Send")
    preferred = QSize(1000, 700)   # room for the letter; a laptop's screen is 768 high

    def __init__(self, ws: Workspace, reference: str, prompter, parent=None, template_id: str | None = None):
        self.ws, self.prompter = ws, prompter
        self.info = letters.compose_info(ws, reference)
        super().__init__(_("Write a letter — {reference}").format(reference=reference),
                         _("The letter goes to the subject's <b>known e-mail address</b> only. Read it, complete "
                           "any <b>[[…]]</b> gap, then send: it is saved in the outbox first."), parent)
        self.setObjectName("composeDialog")
        self.form.setVerticalSpacing(6)
        self._rendered: tuple[str, str] | None = None
        self._files: list[Path] = []
        self._render_timer = QTimer(self, singleShot=True, interval=350, timeout=self.render)

        self.template = QComboBox()
        self.template.setObjectName("composeTemplate")
        for tid, title in self.info.templates:
            self.template.addItem(_(title), tid)
        self.form.addRow(_("&Letter"), self.template)
        # Every word the subject reads is in their language: the officer sees which before typing any.
        language = Language(self.info.language).label if self.info.language in ("fr", "nl", "en") \
            else self.info.language
        self.language = QLabel(_("<b>{language}</b>: the subject's language. Text you type below goes into the "
                                 "letter as written: write it in this language.").format(language=language))
        self.language.setObjectName("composeLanguage")
        self.language.setWordWrap(True)
        self.form.addRow(_("Language"), self.language)

        self.recipient = QLineEdit()
        self.recipient.setObjectName("composeRecipient")
        self.recipient.setReadOnly(True)
        self.recipient.setStyleSheet("QLineEdit { background: #eef0f3; color: #1f2328; }")   # visibly fixed
        self.recipient.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.recipient.setToolTip(_("Letters go only to the address the company already knows (privacy policy)."))
        self.recipient_hint = muted("")
        self.form.addRow(_("To"), self.recipient)
        self.form.addRow("", self.recipient_hint)

        self._build_options()
        self._build_override()
        self._build_attachments()

        self.subject_line = QLineEdit()
        self.subject_line.setObjectName("composeSubject")
        self.body = QPlainTextEdit()
        self.body.setObjectName("composeBody")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(160)    # it takes every pixel the screen gives; it scrolls beyond
        self.gaps = QLabel()
        self.gaps.setObjectName("guidance")
        self.gaps.setTextFormat(Qt.TextFormat.PlainText)
        self.gaps.setWordWrap(True)
        self.gaps.hide()
        self.form.addRow(QLabel(_("<b>Subject line</b>")), self.subject_line)
        self.layout_.addWidget(QLabel(_("<b>Letter</b> (you may edit the text)")))
        self.layout_.addWidget(self.body, 1)
        self.layout_.addWidget(self.gaps)
        self.finish_layout()

        if template_id:
            index = self.template.findData(template_id)
            if index >= 0:
                self.template.setCurrentIndex(index)
        self.template.currentIndexChanged.connect(self._template_changed)
        self.body.textChanged.connect(self._update_gaps)
        self.subject_line.textChanged.connect(self._update_gaps)
        self.ok_button.setEnabled(self.info.may_send)
        if not self.info.may_send:
            self.show_error(_("You may read letters but not send them (a manager reviews; an erased subject "
                              "receives nothing)."))
        self._template_changed()

    # --- building ---------------------------------------------------------------------------------
    def _row(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(label, widget)
        return widget

    def _build_options(self) -> None:
        self.processor = QComboBox()
        self.processor.setObjectName("composeProcessor")
        self.processor.addItem(_("Choose the processor…"), None)
        for name in self.info.processors:
            self.processor.addItem(name, name)
        self.requested = QLineEdit()
        self.requested.setObjectName("composeRequested")
        self.requested.setPlaceholderText(_("Only what is proportionate, in the letter's language"))
        self.fee_amount = QLineEdit()
        self.fee_amount.setPlaceholderText(_("e.g. 25,00 EUR"))
        self.fee_reason = QLineEdit()
        self.fee_reason.setPlaceholderText(_("Why a fee (Art. 12(5), 15(3)), in the letter's language"))
        self.lift = QWidget()
        row = QHBoxLayout(self.lift)
        row.setContentsMargins(0, 0, 0, 0)
        self.lift_set = QCheckBox(_("on"))
        self.lift_on = QDateEdit(QDate.currentDate().addDays(14))
        self.lift_on.setCalendarPopup(True)
        self.lift_on.setDisplayFormat("dd/MM/yyyy")
        row.addWidget(self.lift_set)
        row.addWidget(self.lift_on)
        row.addStretch(1)
        self.restriction_reason = QLineEdit()
        self.restriction_reason.setPlaceholderText(_("Why, in the letter's language"))
        self.option_rows = {
            "processor": self._row(_("Processor"), self.processor),
            "identity_requested": self._row(_("What is asked"), self.requested),
            "fee_amount": self._row(_("Fee"), self.fee_amount),
            "fee_reason": self._row(_("Reason for the fee"), self.fee_reason),
            "restriction_lift_on": self._row(_("Restriction lifted"), self.lift),
            "restriction_reason": self._row(_("Reason"), self.restriction_reason),
        }
        for widget in (self.requested, self.fee_amount, self.fee_reason, self.restriction_reason):
            widget.textEdited.connect(lambda _t: self._render_timer.start())
        self.processor.currentIndexChanged.connect(lambda _i: self.render())
        self.lift_set.toggled.connect(lambda _c: self.render())
        self.lift_on.dateChanged.connect(lambda _d: self._render_timer.start())

    def _build_override(self) -> None:
        self.override = QCheckBox(_("Send to another address (the subject's identity was verified on this case)"))
        self.override.setObjectName("composeOverride")
        self.override.setEnabled(self.info.override_allowed)
        if not self.info.override_allowed:
            self.override.setToolTip(_("Possible only after a successful identity verification on this case "
                                       "(additional information, an identity document or in person)."))
        self.override_box = QFrame()
        box = QVBoxLayout(self.override_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.other_address = QLineEdit()
        self.other_address.setObjectName("composeOtherAddress")
        self.other_address.setPlaceholderText(_("The other e-mail address"))
        self.by_post = QCheckBox(_("By post: I print the letter and post it to this postal address"))
        self.by_post.setObjectName("composeByPost")
        self.by_post.toggled.connect(self._by_post_toggled)
        self.other_reason = QLineEdit()
        self.other_reason.setObjectName("composeOtherReason")
        self.other_reason.setPlaceholderText(_("Why (recorded in the audit trail; no personal data)"))
        box.addWidget(self.by_post)
        where = QHBoxLayout()       # side by side: the letter keeps its height on a laptop's screen
        where.addWidget(self.other_address, 1)
        where.addWidget(self.other_reason, 1)
        box.addLayout(where)
        self.override_box.hide()
        self.override.toggled.connect(self._override_toggled)
        self.form.addRow("", self.override)
        self.form.addRow("", self.override_box)

    def _build_attachments(self) -> None:
        panel = QWidget()
        v = QVBoxLayout(panel)
        v.setContentsMargins(0, 0, 0, 0)
        self.access_copy = QCheckBox(_("Access package (PDF): the subject's data in each system, by category, with "
                                       "the Art. 15 information"))
        self.access_copy.setObjectName("composeAccessCopy")
        self.protect = QCheckBox(_("Protect the package with a password (AES-256; you give it by telephone)"))
        self.protect.setObjectName("composeProtect")
        self.portability = QCheckBox(_("Portability package (ZIP): JSON and CSV per system (Art. 20)"))
        self.portability.setObjectName("composePortability")
        for box in (self.access_copy, self.portability):
            box.toggled.connect(lambda _on: self.protect.setEnabled(self.access_copy.isChecked()
                                                                    or self.portability.isChecked()))
        self.protect.setEnabled(False)
        # What the package will carry, system by system, before it goes (the officer sees gaps in time).
        self.package_contents = muted(_("The package holds: {contents}").format(
            contents=systems_overview.package_preview(self.ws, self.info.reference)))
        self.package_contents.setObjectName("composePackage")
        self.file_list = QListWidget()
        self.file_list.setObjectName("composeFiles")
        self.file_list.setMaximumHeight(60)
        self.file_list.hide()                  # shown once a file is added
        add = QPushButton(_("Add a file…"))
        add.setObjectName("composeAddFile")
        add.clicked.connect(self.choose_file)
        self.remove_file = QPushButton(_("Remove the selected file"))
        self.remove_file.clicked.connect(self._remove_file)
        self.remove_file.hide()
        v.setSpacing(4)
        for w in (self.access_copy, self.portability):
            v.addWidget(w)
        buttons = QHBoxLayout()     # the password choice and the file buttons share a line
        buttons.addWidget(self.protect)
        buttons.addStretch(1)
        buttons.addWidget(add)
        buttons.addWidget(self.remove_file)
        v.addLayout(buttons)
        for w in (self.package_contents, self.file_list):
            v.addWidget(w)
        self.form.addRow(_("Attachments"), panel)

    # --- behaviour --------------------------------------------------------------------------------
    def template_id(self) -> str | None:
        return self.template.currentData()

    def options(self) -> LetterOptions:
        return LetterOptions(
            identity_requested=self.requested.text().strip() or None,
            fee_amount=self.fee_amount.text().strip() or None, fee_reason=self.fee_reason.text().strip() or None,
            restriction_lift_on=self.lift_on.date().toPython() if self.lift_set.isChecked() else None,
            restriction_reason=self.restriction_reason.text().strip() or None,
            processor=self.processor.currentData())

    def _template_changed(self) -> None:
        tid = self.template_id()
        wanted = set(letters.OPTION_FIELDS.get(tid, ()))
        for name, widget in self.option_rows.items():
            self.form.setRowVisible(widget, name in wanted)
        suggested = letters.SUGGESTED_ATTACHMENTS.get(tid, ())
        self.access_copy.setChecked("access_copy" in suggested)
        self.portability.setChecked("portability" in suggested)
        self.render(force=True)

    def _by_post_toggled(self, on: bool) -> None:
        self.other_address.setPlaceholderText(_("Street and number, postcode and town") if on
                                              else _("The other e-mail address"))
        self.ok_button.setText(_("Record as posted") if on else _(self.ok_text))
        self._show_recipient()

    def _override_toggled(self, on: bool) -> None:
        self.override_box.setVisible(on)
        self._show_recipient()

    def _show_recipient(self) -> None:
        if self.override.isChecked():
            self.recipient_hint.setText(
                _("This letter will be posted to the postal address below, and the override is recorded in the "
                  "audit trail.") if self.by_post.isChecked() else
                _("This letter will go to the other address below, and the override is recorded in the audit trail."))
        elif self._kind == "processor":
            self.recipient_hint.setText(_("An Art. 19 notice goes to the processor's contact in the register."))
        else:
            self.recipient_hint.setText(_("The subject's known address: the only address letters go to."))

    _kind = "known_address"

    def edited(self) -> bool:
        return self._rendered is not None and (self.subject_line.text(), self.body.toPlainText()) != self._rendered

    def render(self, force: bool = False) -> bool:
        """Render the chosen template now; keep the officer's edits unless they agree to lose them."""
        tid = self.template_id()
        if tid is None:
            return False
        if self.edited() and not force and not self.prompter.confirm(
                self, _("Render the letter again"), _("Your changes to the text will be replaced by the newly "
                                                      "rendered letter."), _("Replace my changes")):
            return False
        try:
            draft = letters.preview(self.ws, self.info.reference, tid, self.options())
        except MegaCaseError as exc:
            self.recipient.setText("")
            self.subject_line.clear()
            self.body.clear()
            self._rendered = None
            self.show_error(str(exc))
            return False
        self.error.hide()
        self._kind = draft.recipient_kind
        name = f"{draft.recipient_name} " if draft.recipient_name else ""
        self.recipient.setText(f"{name}<{draft.recipient}>")
        self._show_recipient()
        self.subject_line.setText(draft.subject_line)
        self.body.setPlainText(draft.body)
        self._rendered = (draft.subject_line, draft.body)
        self._update_gaps()
        return True

    def _update_gaps(self) -> None:
        text = self.subject_line.text() + "\n" + self.body.toPlainText()
        gaps = list(dict.fromkeys(re.findall(r"\[\[.*?\]\]", text)))
        self.gaps.setText(_("To complete before sending: {gaps}").format(gaps="  ·  ".join(gaps)) if gaps else "")
        self.gaps.setVisible(bool(gaps))

    def choose_file(self) -> None:
        path = self.prompter.open_file(self, _("Attach a file"), _("All files (*)"))
        if path is not None:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> None:
        self._files.append(path)
        self.file_list.addItem(path.name)
        self._show_files()

    def _remove_file(self) -> None:
        row = self.file_list.currentRow()
        if row >= 0:
            self.file_list.takeItem(row)
            del self._files[row]
        self._show_files()

    def _show_files(self) -> None:
        self.file_list.setVisible(bool(self._files))
        self.remove_file.setVisible(bool(self._files))

    def _attachments(self) -> tuple[tuple[OutgoingFile, ...], str | None]:
        files, password = [], None
        ref = self.info.reference
        if self.access_copy.isChecked() or self.portability.isChecked():
            # one package, one password for the PDF and the ZIP
            package = build_package(self.ws, ref, pdf=self.access_copy.isChecked(),
                                    portability=self.portability.isChecked(),
                                    protect=self.protect.isEnabled() and self.protect.isChecked())
            files.extend(package.files)
            password = package.password
        for path in self._files:
            from megacase.services.user_files import read_bounded
            data = read_bounded(path, MAX_FILE_BYTES, _("the attachment"))
            files.append(OutgoingFile(path.name, mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                                      data))
        return tuple(files), password

    def submit(self) -> ComposeResult:
        tid = self.template_id()
        if tid is None or self._rendered is None:
            raise InputError(_("Choose a letter that can be rendered for this case."))
        override = None
        if self.override.isChecked():
            override = AddressOverride(self.other_address.text(), self.other_reason.text(),
                                       postal=self.by_post.isChecked())
        if override is not None and override.postal:
            if self.access_copy.isChecked() or self.portability.isChecked() or self._files:
                raise InputError(_("A posted letter carries no e-mail attachments: untick them, then print the "
                                   "copies and post them with the letter."))
            letters.post_letter(self.ws, self.info.reference, tid, override, options=self.options(),
                                subject_line=self.subject_line.text(), body=self.body.toPlainText())
            return ComposeResult(None, None)
        files, password = self._attachments()
        queued = letters.queue_letter(self.ws, self.info.reference, tid, options=self.options(),
                                      subject_line=self.subject_line.text(), body=self.body.toPlainText(),
                                      attachments=files, override=override)
        return ComposeResult(queued, password)
