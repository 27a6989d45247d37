"""Dialogs that confirm a case action and collect what it needs: extend, decide, reopen, note."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QButtonGroup, QComboBox, QLabel, QRadioButton, QVBoxLayout

from megacase.domain.requests import Outcome
from megacase.services.records import CaseDetail
from megacase.ui.dialogs.base import ServiceDialog, muted, text_box
from megacase.ui.format import day


class ExtendDialog(ServiceDialog):
    def __init__(self, detail: CaseDetail, extend: Callable[[str], CaseDetail], parent=None):
        dl = detail.deadline
        super().__init__(
            f"Extend the deadline — {detail.reference}",
            f"The due date moves from <b>{day(dl.due)}</b> to <b>{day(dl.three_month_due)}</b>: three months "
            "from receipt, plus the days the clock stood still (Art. 12(3)).<br>"
            f"The subject must be told, with the reasons, by <b>{day(dl.extension_notice_last_day)}</b>, "
            "the end of the first month. A deadline is extended only once.", parent)
        self._extend = extend
        self.ok_button.setText(f"Extend to {dl.three_month_due:%d/%m/%Y}")
        self.reason = text_box("Why: the complexity of the request or the number of requests", 3)
        self.reason.setObjectName("reason")
        self.form.addRow("Reason", self.reason)
        self.finish_layout()

    def submit(self) -> CaseDetail:
        return self._extend(self.reason.toPlainText())


# Grounds an officer cites most; the field stays free text.
LEGAL_GROUNDS = (
    "Art. 17(3)(b) GDPR: invoices kept 10 years (Belgian VAT and accounting law)",
    "Art. 12(5) GDPR: manifestly unfounded request",
    "Art. 12(5) GDPR: manifestly excessive, repetitive request",
    "Art. 12(6) GDPR: identity could not be confirmed",
    "Art. 15(4) GDPR: the rights and freedoms of others",
    "Art. 21(1) GDPR: compelling legitimate grounds for the processing",
)


class DecideDialog(ServiceDialog):
    ok_text = "Record the decision"

    def __init__(self, detail: CaseDetail, decide: Callable[[str, str | None, str | None], CaseDetail], parent=None):
        super().__init__(
            f"Decide — {detail.reference}",
            f"Record the decision on <b>{detail.summary.types_label.lower()}</b> for "
            f"{detail.subject.display_name}. A partial grant, a refusal or a fee needs its legal ground; the "
            "subject is told of it and of the right to complain to the APD/GBA and to a court (Art. 12(4)).",
            parent)
        self._decide = decide
        self.outcomes = QButtonGroup(self)
        box = QVBoxLayout()
        box.setSpacing(4)
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for outcome in detail.allowed_outcomes:
            button = QRadioButton(outcome.label + ("  — needs a legal ground" if outcome.needs_legal_ground else ""))
            button.setObjectName(f"outcome_{outcome.value}")
            self.outcomes.addButton(button)
            self.outcome_buttons[outcome.value] = button
            box.addWidget(button)
        if detail.allowed_outcomes:
            self.outcome_buttons[detail.allowed_outcomes[0].value].setChecked(True)
        if tuple(detail.allowed_outcomes) == (Outcome.WITHDRAWN,):
            box.addWidget(muted("Work has not started: only a withdrawal can be recorded now."))
        self.ground = QComboBox()
        self.ground.setObjectName("ground")
        self.ground.setEditable(True)
        self.ground.addItem("")
        self.ground.addItems(LEGAL_GROUNDS)
        self.ground.lineEdit().setPlaceholderText("e.g. Art. 17(3)(b) GDPR … (choose or type)")
        self.note = text_box("What was done or sent (optional)", 2)
        self.note.setObjectName("note")
        self.form.addRow("Outcome", box)
        self.form.addRow("Legal ground", self.ground)
        self.form.addRow("Note", self.note)
        self.finish_layout()

    def set_outcome(self, value: str) -> None:
        self.outcome_buttons[value].setChecked(True)

    def outcome(self) -> str | None:
        return next((k for k, b in self.outcome_buttons.items() if b.isChecked()), None)

    def submit(self) -> CaseDetail:
        return self._decide(self.outcome() or "", self.ground.currentText() or None,
                            self.note.toPlainText() or None)


class ReopenDialog(ServiceDialog):
    ok_text = "Reopen the case"

    def __init__(self, detail: CaseDetail, reopen: Callable[[str], CaseDetail], parent=None):
        super().__init__(f"Reopen — {detail.reference}",
                         "The case goes back to “in progress”; its decision is cleared and the reason is kept "
                         "in the audit trail.", parent)
        self._reopen = reopen
        self.reason = text_box("Why the case is reopened", 3)
        self.reason.setObjectName("reason")
        self.form.addRow("Reason", self.reason)
        self.finish_layout()

    def submit(self) -> CaseDetail:
        return self._reopen(self.reason.toPlainText())


class NoteDialog(ServiceDialog):
    ok_text = "Add note"

    def __init__(self, detail: CaseDetail, add: Callable[[str], CaseDetail], parent=None):
        super().__init__(f"Add a note — {detail.reference}", "", parent)
        self._add = add
        self.text = text_box("The note (encrypted under the subject's key)", 6)
        self.text.setObjectName("noteText")
        self.layout_.addWidget(QLabel("Note"))
        self.layout_.addWidget(self.text)
        self.finish_layout()

    def submit(self) -> CaseDetail:
        return self._add(self.text.toPlainText())
