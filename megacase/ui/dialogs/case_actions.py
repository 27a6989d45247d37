"""Dialogs that confirm a case action and collect what it needs: extend, decide, reopen, note."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QButtonGroup, QComboBox, QLabel, QRadioButton, QVBoxLayout

from megacase.domain.grounds import grounds_for
from megacase.domain.requests import Language, Outcome
from megacase.i18n import N_, _, format_date
from megacase.services.records import CaseDetail
from megacase.ui.dialogs.base import ServiceDialog, muted, text_box
from megacase.ui.format import day


class ExtendDialog(ServiceDialog):
    def __init__(self, detail: CaseDetail, extend: Callable[[str], CaseDetail], parent=None):
        dl = detail.deadline
        super().__init__(
            _("Extend the deadline — {reference}").format(reference=detail.reference),
            _("The due date moves from <b>{due}</b> to <b>{new_due}</b>: three months "
              "from receipt, plus the days the clock stood still (Art. 12(3)).<br>"
              "The subject must be told, with the reasons, by <b>{notice_by}</b>, "
              "the end of the first month. A deadline is extended only once.").format(
                due=day(dl.due), new_due=day(dl.three_month_due), notice_by=day(dl.extension_notice_last_day)),
            parent)
        self._extend = extend
        self.ok_button.setText(_("Extend to {date}").format(date=format_date(dl.three_month_due, "short")))
        self.reason = text_box(_("Why: the complexity of the request or the number of requests"), 3)
        self.reason.setObjectName("reason")
        self.form.addRow(_("Reason"), self.reason)
        self.finish_layout()

    def submit(self) -> CaseDetail:
        return self._extend(self.reason.toPlainText())


class DecideDialog(ServiceDialog):
    """The decision on one right (or every right at once): outcome, ground, the reasons the subject reads in
    the letter's language, and the officer's internal note, kept apart (it is never sent)."""

    ok_text = N_("Record the decision")
    preferred = QSize(700, 0)
    ALL_RIGHTS = ""

    def __init__(self, detail: CaseDetail, decide: Callable[..., CaseDetail], parent=None,
                 earlier: tuple[str, ...] = ()):
        open_rights = [r for r in detail.rights if not r.answered]
        super().__init__(
            _("Decide — {reference}").format(reference=detail.reference),
            _("Record the decision on each right {name} invoked. A right is answered only "
              "when its reply has left; a partial grant, a refusal or a fee needs its legal ground and reasons "
              "written to the subject, with the right to complain to the APD/GBA and to a court (Art. 12(4)).").format(
                name=detail.subject.display_name),
            parent)
        self._decide = decide
        language = Language(detail.subject.language) if detail.subject.language in ("fr", "nl", "en") else None
        self.language_label = language.label if language else detail.subject.language
        self.right = QComboBox()
        self.right.setObjectName("right")
        for r in open_rights:
            state = _(r.outcome.label).lower() if r.outcome else _("undecided")
            self.right.addItem(_("{right} ({article}) — now {state}").format(
                right=_(r.right.label), article=r.right.article, state=state), r.right.value)
        if len(open_rights) > 1:
            self.right.addItem(_("Every right still open, the same decision"), self.ALL_RIGHTS)
        self.outcomes = QButtonGroup(self)
        box = QVBoxLayout()
        box.setSpacing(4)
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for outcome in detail.allowed_outcomes:
            extra = "  — " + _("ground and reasons") if outcome.needs_legal_ground else ""
            button = QRadioButton(_(outcome.label) + extra)
            button.setObjectName(f"outcome_{outcome.value}")
            button.toggled.connect(self._offer_grounds)
            self.outcomes.addButton(button)
            self.outcome_buttons[outcome.value] = button
            box.addWidget(button)
        if tuple(detail.allowed_outcomes) == (Outcome.WITHDRAWN,):
            box.addWidget(muted(_("Work has not started: only a withdrawal can be recorded now.")))
        self.ground = QComboBox()
        self.ground.setObjectName("ground")
        self.ground.setEditable(True)
        self.ground.lineEdit().setPlaceholderText(_("choose a ground (or type one)"))
        self.reasons = text_box(_("Why, written to the subject — in {language}, the letter's language").format(
            language=self.language_label), 3)
        self.reasons.setObjectName("reasons")
        self.evidence = QComboBox()
        self.evidence.setObjectName("evidence")
        self.evidence.addItem("", "")
        for ref in earlier:
            self.evidence.addItem(ref, ref)
        self.note = text_box(_("For the register only: what was checked or done (never sent)"), 2)
        self.note.setObjectName("note")
        self.form.addRow(_("Right"), self.right)
        self.form.addRow(_("Outcome"), box)
        self.form.addRow(_("Legal ground"), self.ground)
        self.form.addRow(_("Reasons to the subject ({language})").format(language=self.language_label), self.reasons)
        self.form.addRow(_("Art. 12(5) evidence"), self.evidence)
        self.form.addRow(_("Internal note"), self.note)
        if detail.allowed_outcomes:
            self.outcome_buttons[detail.allowed_outcomes[0].value].setChecked(True)
        self.ground.setMinimumContentsLength(44)
        self.finish_layout()

    def _offer_grounds(self, *_args) -> None:
        outcome = self.outcome()
        self.ground.clear()
        self.ground.addItem("", "")
        if outcome and Outcome(outcome).needs_legal_ground:
            for g in grounds_for(Outcome(outcome)):
                self.ground.addItem(_(g.label), g.code)
        needs = bool(outcome) and Outcome(outcome).needs_legal_ground
        for widget in (self.ground, self.reasons, self.evidence):
            widget.setEnabled(needs)

    def set_outcome(self, value: str) -> None:
        self.outcome_buttons[value].setChecked(True)

    def set_right(self, value: str) -> None:
        self.right.setCurrentIndex(self.right.findData(value))

    def set_ground(self, code: str) -> None:
        self.ground.setCurrentIndex(self.ground.findData(code))
        self.ground.lineEdit().setCursorPosition(0)

    def outcome(self) -> str | None:
        return next((k for k, b in self.outcome_buttons.items() if b.isChecked()), None)

    def ground_value(self) -> str | None:
        """The chosen ground's code, or the text typed."""
        text = self.ground.currentText().strip()
        index = self.ground.findText(text)
        if index >= 0 and self.ground.itemData(index):
            return self.ground.itemData(index)
        return text or None

    def submit(self) -> CaseDetail:
        evidence = self.evidence.currentData() if self.evidence.isEnabled() else ""
        return self._decide(self.outcome() or "", self.ground_value(), self.note.toPlainText() or None,
                            right=self.right.currentData() or None,
                            reasons=self.reasons.toPlainText() if self.reasons.isEnabled() else None,
                            evidence=(evidence,) if evidence else ())


class ReopenDialog(ServiceDialog):
    ok_text = N_("Reopen the case")

    def __init__(self, detail: CaseDetail, reopen: Callable[[str], CaseDetail], parent=None):
        super().__init__(_("Reopen — {reference}").format(reference=detail.reference),
                         _("The case goes back to “in progress”; its decision is cleared and the reason is kept "
                           "in the audit trail."), parent)
        self._reopen = reopen
        self.reason = text_box(_("Why the case is reopened"), 3)
        self.reason.setObjectName("reason")
        self.form.addRow(_("Reason"), self.reason)
        self.finish_layout()

    def submit(self) -> CaseDetail:
        return self._reopen(self.reason.toPlainText())


class NoteDialog(ServiceDialog):
    ok_text = N_("Add note")

    def __init__(self, detail: CaseDetail, add: Callable[[str], CaseDetail], parent=None):
        super().__init__(_("Add a note — {reference}").format(reference=detail.reference), "", parent)
        self._add = add
        self.text = text_box(_("The note (encrypted under the subject's key)"), 6)
        self.text.setObjectName("noteText")
        self.layout_.addWidget(QLabel(_("Note")))
        self.layout_.addWidget(self.text)
        self.finish_layout()

    def submit(self) -> CaseDetail:
        return self._add(self.text.toPlainText())
