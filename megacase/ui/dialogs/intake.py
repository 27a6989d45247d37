"""A new case: who asks (an existing subject or a new one), how and when it arrived, and what for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from PySide6.QtCore import QDateTime, QEvent, QSize, Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDateTimeEdit, QFormLayout, QFrame, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QRadioButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from megacase.domain.requests import Channel, Language, RequestType
from megacase.domain.validation import is_valid_email
from megacase.i18n import N_, _
from megacase.services.cases.cases import NewCase
from megacase.services.records import CaseDetail, SubjectInfo
from megacase.services.cases.subjects import NewSubject
from megacase.ui.dialogs.base import ServiceDialog, muted, text_box


@dataclass(frozen=True)
class IntakeServices:
    """What the dialog needs from the services, passed in (tests and screenshots use the real ones)."""

    find_subjects: Callable[[str], list[SubjectInfo]]
    find_duplicates: Callable[[int, tuple[str, ...]], list[str]]
    open_case: Callable[[NewCase], CaseDetail]


def subject_line(s: SubjectInfo) -> str:
    parts = [s.display_name, s.email or "", s.customer_number or ""]
    return "   ·   ".join(p for p in parts if p)


class IntakeDialog(ServiceDialog):
    ok_text = N_("Open case")
    preferred = QSize(680, 0)

    def __init__(self, services: IntakeServices, now: datetime, parent=None):
        super().__init__(_("New case"), "", parent)
        self.services = services
        self.chosen: SubjectInfo | None = None
        self._duplicates: list[str] = []

        # --- who ---------------------------------------------------------------------------------
        who = QLabel(_("Data subject"))
        who.setObjectName("blockTitle")
        self.existing_radio = QRadioButton(_("&Existing subject"))
        self.new_radio = QRadioButton(_("&New subject"))
        self.existing_radio.setChecked(True)
        mode = QButtonGroup(self)
        mode.addButton(self.existing_radio)
        mode.addButton(self.new_radio)
        modes = QHBoxLayout()
        modes.addWidget(self.existing_radio)
        modes.addWidget(self.new_radio)
        modes.addStretch(1)

        self.find = QLineEdit()
        self.find.setObjectName("findSubject")
        self.find.setPlaceholderText(_("Find by name, e-mail address or customer number"))
        self.find.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setObjectName("subjectMatches")
        self.matches.setFixedHeight(112)
        self.match_hint = muted(_("Type at least two characters."))
        existing = QWidget()
        ev = QVBoxLayout(existing)
        ev.setContentsMargins(0, 0, 0, 0)
        ev.addWidget(self.find)
        ev.addWidget(self.matches)
        ev.addWidget(self.match_hint)

        self.name = QLineEdit()
        self.name.setObjectName("newName")
        self.email = QLineEdit()
        self.email.setObjectName("newEmail")
        self.email.setPlaceholderText(_("the address the company already knows, e.g. name@example.be"))
        self.email_state = QLabel()
        self.email_state.setObjectName("fieldHint")
        self.language = QComboBox()
        for lang in Language:
            self.language.addItem(lang.label, lang.value)
        self.customer_number = QLineEdit()
        self.customer_number.setPlaceholderText(_("optional"))
        self.postal_address = QLineEdit()
        self.postal_address.setPlaceholderText(_("optional"))
        new = QWidget()
        nf = QFormLayout(new)
        nf.setContentsMargins(0, 0, 0, 0)
        nf.setVerticalSpacing(8)
        nf.addRow(_("Name"), self.name)
        nf.addRow(_("Known e-mail"), self.email)
        nf.addRow("", self.email_state)
        nf.addRow(_("Language"), self.language)
        nf.addRow(_("Customer number"), self.customer_number)
        nf.addRow(_("Postal address"), self.postal_address)

        self.subject_pages = QStackedWidget()
        self.subject_pages.addWidget(existing)
        self.subject_pages.addWidget(new)

        # --- what and when -----------------------------------------------------------------------
        what = QLabel(_("Request"))
        what.setObjectName("blockTitle")
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for ch in Channel:
            self.channel.addItem(_(ch.label), ch.value)
        self.received = QDateTimeEdit()
        self.received.setObjectName("received")
        self.received.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.received.setCalendarPopup(True)
        now_q = QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0)
        self.received.setMaximumDateTime(now_q)   # never in the future
        self.received.setDateTime(now_q)
        self.type_boxes: dict[str, QCheckBox] = {}
        types = QGridLayout()
        types.setHorizontalSpacing(18)
        for i, rt in enumerate(RequestType):
            box = QCheckBox(f"{_(rt.label)} ({rt.article})")
            box.setObjectName(f"type_{rt.value}")
            self.type_boxes[rt.value] = box
            types.addWidget(box, i // 3, i % 3)
        self.summary = text_box(_("The request in a sentence or two, in your own words (kept encrypted)"), 2)

        request = QFormLayout()
        request.setVerticalSpacing(8)
        request.addRow(_("Channel"), self.channel)
        request.addRow(_("Received"), self.received)
        request.addRow(_("Rights"), types)
        request.addRow(_("Summary"), self.summary)

        # --- likely duplicate ----------------------------------------------------------------------
        self.duplicate = QFrame()
        self.duplicate.setObjectName("duplicateWarning")
        self.duplicate_text = QLabel()
        self.duplicate_text.setWordWrap(True)
        self.link = QCheckBox(_("&Link the new case to"))
        self.link.setChecked(True)
        self.link_to = QComboBox()
        dv = QVBoxLayout(self.duplicate)
        dv.setContentsMargins(10, 8, 10, 8)
        dv.addWidget(self.duplicate_text)
        lr = QHBoxLayout()
        lr.addWidget(self.link)
        lr.addWidget(self.link_to)
        lr.addStretch(1)
        dv.addLayout(lr)
        self.duplicate.hide()

        self.layout_.addWidget(who)
        self.layout_.addLayout(modes)
        self.layout_.addWidget(self.subject_pages)
        self.layout_.addSpacing(4)
        self.layout_.addWidget(what)
        self.layout_.addLayout(request)
        self.layout_.addWidget(self.duplicate)
        self.finish_layout()

        self.find.textChanged.connect(self._search)
        self.find.installEventFilter(self)
        self.matches.installEventFilter(self)
        self.matches.currentItemChanged.connect(self._choose)
        self.new_radio.toggled.connect(self._mode_changed)
        self.email.textChanged.connect(self._check_email)
        for box in self.type_boxes.values():
            box.toggled.connect(self._check_duplicates)
        self.link.toggled.connect(self.link_to.setEnabled)
        self._check_email("")
        self.find.setFocus()

    # --- subject ----------------------------------------------------------------------------------
    def _search(self, text: str) -> None:
        self.matches.clear()
        self.chosen = None
        found = self.services.find_subjects(text) if len(text.strip()) >= 2 else []
        for s in found:
            item = QListWidgetItem(subject_line(s))
            item.setData(Qt.ItemDataRole.UserRole, s)
            self.matches.addItem(item)
        if len(text.strip()) < 2:
            self.match_hint.setText(_("Type at least two characters."))
        elif not found:
            self.match_hint.setText(_("No subject matches. Choose “New subject” (Alt+N) to register one."))
        else:
            self.match_hint.setText(_("{n} found: pick one with the arrow keys, then Enter.").format(n=len(found)))
        if found:
            self.matches.setCurrentRow(0)
        self._check_duplicates()

    def _choose(self, item: QListWidgetItem | None, _previous=None) -> None:
        self.chosen = item.data(Qt.ItemDataRole.UserRole) if item else None
        self._check_duplicates()

    def choose_subject(self, text: str, row: int = 0) -> SubjectInfo | None:
        """Search and pick the ``row``-th match, as a person would."""
        self.existing_radio.setChecked(True)
        self.find.setText(text)
        if self.matches.count() > row:
            self.matches.setCurrentRow(row)
        return self.chosen

    def _mode_changed(self, new: bool) -> None:
        self.subject_pages.setCurrentIndex(1 if new else 0)
        if new:
            typed = self.find.text().strip()
            if typed and not self.email.text() and "@" in typed:
                self.email.setText(typed)
            elif typed and not self.name.text() and "@" not in typed and not typed[:1].isdigit():
                self.name.setText(typed)
            self.name.setFocus()
        else:
            self.find.setFocus()
        self._check_duplicates()

    def _check_email(self, text: str) -> None:
        text = text.strip()
        if not text:
            self.email_state.setText(_("Replies go only to this address (privacy policy)."))
            self.email_state.setProperty("state", "")
        elif not is_valid_email(text):
            self.email_state.setText(_("Not a valid e-mail address yet."))
            self.email_state.setProperty("state", "bad")
        else:
            taken = [s for s in self.services.find_subjects(text) if (s.email or "").lower() == text.lower()]
            if taken:
                self.email_state.setText(_("This address belongs to {name} ({reference}): "
                                           "choose that existing subject instead.").format(
                    name=taken[0].display_name, reference=taken[0].reference))
                self.email_state.setProperty("state", "bad")
            else:
                self.email_state.setText(_("✓ A valid address."))
                self.email_state.setProperty("state", "ok")
        self.email_state.style().unpolish(self.email_state)
        self.email_state.style().polish(self.email_state)

    # --- request ----------------------------------------------------------------------------------
    def request_types(self) -> tuple[str, ...]:
        return tuple(value for value, box in self.type_boxes.items() if box.isChecked())

    def set_received(self, when: datetime) -> None:
        self.received.setDateTime(QDateTime(when.year, when.month, when.day, when.hour, when.minute, 0))

    def received_at(self) -> datetime:
        """Brussels wall-clock time, naive (the service reads naive as Brussels)."""
        qd = self.received.dateTime()
        d, t = qd.date(), qd.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def _check_duplicates(self, *_args) -> None:
        types = self.request_types()
        refs = []
        if self.existing_radio.isChecked() and self.chosen is not None and types:
            refs = self.services.find_duplicates(self.chosen.id, types)
        current = self.link_to.currentText()
        self.link_to.clear()
        self.link_to.addItems(refs)
        if current in refs:
            self.link_to.setCurrentText(current)
        if refs:
            which = ", ".join(refs)
            self.duplicate_text.setText(
                _("<b>Likely duplicate.</b> {name} already has an open case with the same right: "
                  "{cases}. Link the new case to it, or untick to open it on its own.").format(
                    name=self.chosen.display_name, cases=which))
        self._duplicates = refs
        self.duplicate.setVisible(bool(refs))

    def duplicates(self) -> list[str]:
        return list(self._duplicates)

    # --- keyboard --------------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.find and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.matches.count():
                    self.matches.setFocus()
                    if self.matches.currentRow() < 0:
                        self.matches.setCurrentRow(0)
                return True     # Enter here never submits the half-filled form
            if watched is self.matches and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.channel.setFocus()
                return True
        return super().eventFilter(watched, event)

    # --- submit ----------------------------------------------------------------------------------
    def new_case(self) -> NewCase:
        common = dict(request_types=self.request_types(), channel=self.channel.currentData(),
                      received_at=self.received_at(), summary=self.summary.toPlainText().strip() or None)
        if self.new_radio.isChecked():
            subject = NewSubject(self.name.text(), self.email.text(), self.language.currentData(),
                                 self.postal_address.text() or None, self.customer_number.text() or None)
            return NewCase(new_subject=subject, **common)
        linked = self.link_to.currentText() if self.duplicates() and self.link.isChecked() else None
        return NewCase(subject_id=self.chosen.id if self.chosen else None, linked_reference=linked, **common)

    def submit(self) -> CaseDetail:
        return self.services.open_case(self.new_case())
