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

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from megacase.errors import InputError, MegaCaseError
from megacase.services.letters import attachments, letters
from megacase.services.letters.letters import LetterOptions, QueuedLetter
from megacase.services.letters.outbox import OutgoingFile
from megacase.services.letters.recipients import AddressOverride
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog, muted

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ComposeResult:
    queued: QueuedLetter | None   # None: recorded as posted (the officer prints and posts it)
    pdf_password: str | None      # shown once to the officer, never stored
    posted_letter_id: int | None = None


class ComposeDialog(ServiceDialog):
    ok_text = "Send"

    def __init__(self, ws: Workspace, reference: str, prompter, parent=None, template_id: str | None = None):
        self.ws, self.prompter = ws, prompter
        self.info = letters.compose_info(ws, reference)
        super().__init__(f"Write a letter — {reference}",
                         "The letter goes to the subject's <b>known e-mail address</b> only. Read it, complete "
                         "any <b>[[…]]</b> gap, then send: it is saved in the outbox first.", parent)
        self.setObjectName("composeDialog")
        self.resize(1000, 860)
        self._rendered: tuple[str, str] | None = None
        self._files: list[Path] = []
        self._render_timer = QTimer(self, singleShot=True, interval=350, timeout=self.render)

        self.template = QComboBox()
        self.template.setObjectName("composeTemplate")
        for tid, title in self.info.templates:
            self.template.addItem(title, tid)
        self.form.addRow("&Letter", self.template)

        self.recipient = QLineEdit()
        self.recipient.setObjectName("composeRecipient")
        self.recipient.setReadOnly(True)
        self.recipient.setStyleSheet("QLineEdit { background: #eef0f3; color: #1f2328; }")   # visibly fixed
        self.recipient.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.recipient.setToolTip("Letters go only to the address the company already knows (privacy policy).")
        self.recipient_hint = muted("")
        self.form.addRow("To", self.recipient)
        self.form.addRow("", self.recipient_hint)

        self._build_options()
        self._build_override()
        self._build_attachments()

        self.subject_line = QLineEdit()
        self.subject_line.setObjectName("composeSubject")
        self.body = QPlainTextEdit()
        self.body.setObjectName("composeBody")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(300)
        self.gaps = QLabel()
        self.gaps.setObjectName("guidance")
        self.gaps.setTextFormat(Qt.TextFormat.PlainText)
        self.gaps.setWordWrap(True)
        self.gaps.hide()
        self.layout_.addWidget(QLabel("<b>Subject line</b>"))
        self.layout_.addWidget(self.subject_line)
        self.layout_.addWidget(QLabel("<b>Letter</b> (you may edit the text)"))
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
            self.show_error("You may read letters but not send them (a manager reviews; an erased subject "
                            "receives nothing).")
        self._template_changed()

    # --- building ---------------------------------------------------------------------------------
    def _row(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(label, widget)
        return widget

    def _build_options(self) -> None:
        self.processor = QComboBox()
        self.processor.setObjectName("composeProcessor")
        self.processor.addItem("Choose the processor…", None)
        for name in self.info.processors:
            self.processor.addItem(name, name)
        self.requested = QLineEdit()
        self.requested.setObjectName("composeRequested")
        self.requested.setPlaceholderText("Only what is proportionate, in the subject's language")
        self.fee_amount = QLineEdit()
        self.fee_amount.setPlaceholderText("e.g. 25,00 EUR")
        self.fee_reason = QLineEdit()
        self.lift = QWidget()
        row = QHBoxLayout(self.lift)
        row.setContentsMargins(0, 0, 0, 0)
        self.lift_set = QCheckBox("on")
        self.lift_on = QDateEdit(QDate.currentDate().addDays(14))
        self.lift_on.setCalendarPopup(True)
        self.lift_on.setDisplayFormat("dd/MM/yyyy")
        row.addWidget(self.lift_set)
        row.addWidget(self.lift_on)
        row.addStretch(1)
        self.restriction_reason = QLineEdit()
        self.option_rows = {
            "processor": self._row("Processor", self.processor),
            "identity_requested": self._row("What is asked", self.requested),
            "fee_amount": self._row("Fee", self.fee_amount),
            "fee_reason": self._row("Reason for the fee", self.fee_reason),
            "restriction_lift_on": self._row("Restriction lifted", self.lift),
            "restriction_reason": self._row("Reason", self.restriction_reason),
        }
        for widget in (self.requested, self.fee_amount, self.fee_reason, self.restriction_reason):
            widget.textEdited.connect(lambda _t: self._render_timer.start())
        self.processor.currentIndexChanged.connect(lambda _i: self.render())
        self.lift_set.toggled.connect(lambda _c: self.render())
        self.lift_on.dateChanged.connect(lambda _d: self._render_timer.start())

    def _build_override(self) -> None:
        self.override = QCheckBox("Send to another address (the subject's identity was verified on this case)")
        self.override.setObjectName("composeOverride")
        self.override.setEnabled(self.info.override_allowed)
        if not self.info.override_allowed:
            self.override.setToolTip("Possible only after a successful identity verification on this case "
                                     "(additional information, an identity document or in person).")
        self.override_box = QFrame()
        box = QVBoxLayout(self.override_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.other_address = QLineEdit()
        self.other_address.setObjectName("composeOtherAddress")
        self.other_address.setPlaceholderText("The other e-mail address")
        self.by_post = QCheckBox("By post: I print the letter and post it to this postal address")
        self.by_post.setObjectName("composeByPost")
        self.by_post.toggled.connect(self._by_post_toggled)
        self.other_reason = QLineEdit()
        self.other_reason.setObjectName("composeOtherReason")
        self.other_reason.setPlaceholderText("Why (recorded in the audit trail; no personal data)")
        box.addWidget(self.by_post)
        box.addWidget(self.other_address)
        box.addWidget(self.other_reason)
        self.override_box.hide()
        self.override.toggled.connect(self._override_toggled)
        self.form.addRow("", self.override)
        self.form.addRow("", self.override_box)

    def _build_attachments(self) -> None:
        panel = QWidget()
        v = QVBoxLayout(panel)
        v.setContentsMargins(0, 0, 0, 0)
        self.access_copy = QCheckBox("PDF copy of the subject's data as recorded (Art. 15(3))")
        self.access_copy.setObjectName("composeAccessCopy")
        self.protect = QCheckBox("Protect the PDF with a password (you give it by telephone)")
        self.protect.setObjectName("composeProtect")
        self.portability = QCheckBox("The data as JSON and CSV files (Art. 20)")
        self.portability.setObjectName("composePortability")
        self.access_copy.toggled.connect(self.protect.setEnabled)
        self.protect.setEnabled(False)
        self.file_list = QListWidget()
        self.file_list.setObjectName("composeFiles")
        self.file_list.setMaximumHeight(60)
        self.file_list.hide()                  # shown once a file is added
        add = QPushButton("Add a file…")
        add.setObjectName("composeAddFile")
        add.clicked.connect(self.choose_file)
        self.remove_file = QPushButton("Remove the selected file")
        self.remove_file.clicked.connect(self._remove_file)
        self.remove_file.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_file)
        buttons.addStretch(1)
        for w in (self.access_copy, self.protect, self.portability, self.file_list):
            v.addWidget(w)
        v.addLayout(buttons)
        self.form.addRow("Attachments", panel)

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
        self.other_address.setPlaceholderText("Street and number, postcode and town" if on
                                              else "The other e-mail address")
        self.ok_button.setText("Record as posted" if on else self.ok_text)
        self._show_recipient()

    def _override_toggled(self, on: bool) -> None:
        self.override_box.setVisible(on)
        self._show_recipient()

    def _show_recipient(self) -> None:
        if self.override.isChecked():
            how = "be posted to the postal address" if self.by_post.isChecked() else "go to the other address"
            self.recipient_hint.setText(f"This letter will {how} below, and the override is recorded in the "
                                        "audit trail.")
        elif self._kind == "processor":
            self.recipient_hint.setText("An Art. 19 notice goes to the processor's contact in the register.")
        else:
            self.recipient_hint.setText("The subject's known address: the only address letters go to.")

    _kind = "known_address"

    def edited(self) -> bool:
        return self._rendered is not None and (self.subject_line.text(), self.body.toPlainText()) != self._rendered

    def render(self, force: bool = False) -> bool:
        """Render the chosen template now; keep the officer's edits unless they agree to lose them."""
        tid = self.template_id()
        if tid is None:
            return False
        if self.edited() and not force and not self.prompter.confirm(
                self, "Render the letter again", "Your changes to the text will be replaced by the newly rendered "
                                                 "letter.", "Replace my changes"):
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
        self.gaps.setText("To complete before sending: " + "  ·  ".join(gaps) if gaps else "")
        self.gaps.setVisible(bool(gaps))

    def choose_file(self) -> None:
        path = self.prompter.open_file(self, "Attach a file", "All files (*)")
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
        if self.access_copy.isChecked():
            copy, password = attachments.access_copy(self.ws, ref, protect=self.protect.isChecked())
            files.append(copy)
        if self.portability.isChecked():
            files.extend(attachments.portability_files(self.ws, ref))
        for path in self._files:
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise InputError(f"{path.name} is larger than 20 MB.")
                data = path.read_bytes()
            except OSError as exc:
                raise InputError(f"Cannot read {path.name}: {exc.strerror}.") from None
            files.append(OutgoingFile(path.name, mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                                      data))
        return tuple(files), password

    def submit(self) -> ComposeResult:
        tid = self.template_id()
        if tid is None or self._rendered is None:
            raise InputError("Choose a letter that can be rendered for this case.")
        override = None
        if self.override.isChecked():
            override = AddressOverride(self.other_address.text(), self.other_reason.text(),
                                       postal=self.by_post.isChecked())
        if override is not None and override.postal:
            if self.access_copy.isChecked() or self.portability.isChecked() or self._files:
                raise InputError("A posted letter carries no e-mail attachments: untick them, then print the "
                                 "copies and post them with the letter.")
            letter_id = letters.post_letter(self.ws, self.info.reference, tid, override, options=self.options(),
                                            subject_line=self.subject_line.text(), body=self.body.toPlainText())
            return ComposeResult(None, None, letter_id)
        files, password = self._attachments()
        queued = letters.queue_letter(self.ws, self.info.reference, tid, options=self.options(),
                                      subject_line=self.subject_line.text(), body=self.body.toPlainText(),
                                      attachments=files, override=override)
        return ComposeResult(queued, password)
