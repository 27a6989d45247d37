"""Identity verification: ask the subject (the clock stops), record what came back (it runs again),
or record a check that needed no question."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFrame, QHBoxLayout, QLabel, QRadioButton,
                               QVBoxLayout)

from megacase.domain.requests import Language
from megacase.i18n import N_, _
from megacase.services.cases.cases import IDENTITY_METHODS
from megacase.services.records import CaseDetail, IdentityStepInfo
from megacase.ui.dialogs.base import ServiceDialog, muted, text_box, wrapped
from megacase.ui.format import METHOD_LABELS, day, moment

# What an officer usually asks with each method; a starting point, edited freely.
SUGGESTED_QUESTION = {
    "additional_info": N_("The order number and the delivery postcode of your last order."),
    "clarification": N_("Which data, or which period, your request is about."),
    "id_card": N_("A copy of your identity card. You may black out everything except your name, date of birth and "
                  "photo; the copy is deleted as soon as it has been checked."),
    "in_person": N_("Please come to our shop with an identity document."),
}

# DOMAIN.md: EDPB Guidelines 01/2022 paras. 65-79; APD/GBA decision 17/2020.
ID_COPY_GUIDANCE = N_(
    "<b>A copy of an identity document is seldom proportionate.</b> Ask for one only when nothing less "
    "will do (EDPB Guidelines 01/2022, paras. 65-79; APD/GBA decision 17/2020). The subject may black it out; "
    "it is deleted after the check, and the case records only “ID document checked” with the date and your name.")


class AskSubjectDialog(ServiceDialog):
    ok_text = N_("Ask and suspend the clock")
    preferred = QSize(640, 0)

    def __init__(self, detail: CaseDetail, ask: Callable[[str, str, str | None], CaseDetail], today, parent=None):
        super().__init__(
            _("Ask the subject — {reference}").format(reference=detail.reference),
            _("Ask only what is needed to confirm who is asking, or what the request is about. "
              "A request sent from the known e-mail address normally identifies the subject.<br>"
              "<b>Asking suspends the clock from today, {today}, or from the day the letter leaves</b>; when "
              "the answer is recorded it runs again and the due date moves later by the days it stood still (EDPB "
              "Guidelines 01/2022, para. 159). A clarification has its own letter: it never speaks of identity."
              ).format(today=day(today)),
            parent)
        self._ask = ask
        self.method = QComboBox()
        self.method.setObjectName("method")
        for key in ("additional_info", "clarification", "id_card", "in_person"):
            self.method.addItem(_(METHOD_LABELS[key]), key)
        self.asked = text_box(_("What exactly is asked of the subject"), 4)
        self.asked.setObjectName("asked")
        self.reason = text_box(_("Why this is necessary and proportionate"), 2)
        self.reason.setObjectName("reason")
        self.reason_label = QLabel(_("Reason"))
        self.guidance = QFrame()
        self.guidance.setObjectName("guidance")
        text = wrapped(_(ID_COPY_GUIDANCE))
        QVBoxLayout(self.guidance).addWidget(text)
        self.guidance.layout().setContentsMargins(10, 6, 10, 6)
        self.form.addRow(_("Method"), self.method)
        self.form.addRow(_("What is asked"), self.asked)
        self.form.addRow(self.reason_label, self.reason)
        language = Language(detail.subject.language).label if detail.subject.language in ("fr", "nl", "en") \
            else detail.subject.language
        self.queue_letter = QCheckBox(_("Queue the letter to the subject now (in {language}); the text asked "
                                        "goes into it as written").format(language=language))
        self.queue_letter.setObjectName("queueLetter")
        self.queue_letter.setChecked(True)
        self.form.addRow(_("Letter"), self.queue_letter)
        self.layout_.addWidget(self.guidance)   # (a form row would not wrap it to the right height)
        self.finish_layout()
        self._suggested = ""
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    def set_method(self, key: str) -> None:
        self.method.setCurrentIndex(self.method.findData(key))

    def _method_changed(self, *_args) -> None:
        key = self.method.currentData()
        # Replace the suggestion only while the officer has not written their own text.
        if self.asked.toPlainText().strip() in ("", self._suggested):
            self._suggested = _(SUGGESTED_QUESTION[key])
            self.asked.setPlainText(self._suggested)
        id_copy = key == "id_card"
        self.guidance.setVisible(id_copy)
        self.reason_label.setText(_("Reason (required)") if id_copy else _("Reason (optional)"))

    def letter_template(self) -> str | None:
        """The letter that carries the question, when the officer asks for it to be queued."""
        if not self.queue_letter.isChecked() or self.method.currentData() == "in_person":
            return None
        return "clarification-request" if self.method.currentData() == "clarification" else "identity-request"

    def submit(self) -> CaseDetail:
        return self._ask(self.method.currentData(), self.asked.toPlainText(), self.reason.toPlainText() or None)


class RecordAnswerDialog(ServiceDialog):
    ok_text = N_("Record and resume the clock")

    def __init__(self, detail: CaseDetail, step: IdentityStepInfo | None,
                 record: Callable[[str, str], CaseDetail], parent=None):
        asked = _("<b>{method}</b>, asked {when} by {who}:<br>“{question}”").format(
            method=_(METHOD_LABELS.get(step.method, step.method)), when=moment(step.asked_at), who=step.asked_by,
            question=step.asked) if step else _("Nothing is pending on this case.")
        super().__init__(_("Record the answer — {reference}").format(reference=detail.reference), asked, parent)
        self._record = record
        self.answer = text_box(_("What came back, in a sentence"), 3)
        self.answer.setObjectName("answer")
        self.results = QButtonGroup(self)
        row = QHBoxLayout()
        self.result_buttons: dict[str, QRadioButton] = {}
        for key, label in (("verified", _("&Verified")), ("failed", _("&Not verified")),
                           ("answered", _("&Answered"))):
            button = QRadioButton(label)
            button.setObjectName(f"result_{key}")
            self.results.addButton(button)
            self.result_buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        clarification = step is not None and step.method == "clarification"
        self.result_buttons["answered" if clarification else "verified"].setChecked(True)
        self.form.addRow(_("What came back"), self.answer)
        self.form.addRow(_("Result"), row)
        if step is not None and step.method == "id_card":
            self.layout_.addWidget(muted(_("The document itself is not kept: the case records only “ID document "
                                           "checked and deleted”, with the date and your name. Delete the copy now.")))
        self.layout_.addWidget(muted(_("“Answered” is for a clarification; “Verified” and “Not verified” for an "
                                       "identity question. The clock runs again from today.")))
        self.finish_layout()

    def set_result(self, key: str) -> None:
        self.result_buttons[key].setChecked(True)

    def result_key(self) -> str:
        return next(k for k, b in self.result_buttons.items() if b.isChecked())

    def submit(self) -> CaseDetail:
        return self._record(self.answer.toPlainText(), self.result_key())


class IdentityCheckDialog(ServiceDialog):
    """A check that needed no question, e.g. the request came from the known address."""

    ok_text = N_("Record the check")

    def __init__(self, detail: CaseDetail, record: Callable[[str, str, str], CaseDetail], parent=None):
        known = detail.subject.email or _("none")
        super().__init__(_("Identity checked — {reference}").format(reference=detail.reference),
                         _("Record how the subject was identified without asking anything. Known address: "
                           "<b>{address}</b>. The clock is not suspended.").format(address=known), parent)
        self._record = record
        self.method = QComboBox()
        self.method.setObjectName("method")
        keys = ("known_address", "additional_info", "in_person", "id_card", "no_doubt")
        for key in keys:
            self.method.addItem(_(METHOD_LABELS[key]), key)
        self.method.setToolTip("\n".join(_(IDENTITY_METHODS[k]) for k in keys))
        self.result = QComboBox()
        self.result.addItem(_("Verified"), "verified")
        self.result.addItem(_("Not verified"), "failed")
        self.note = text_box(_("What was checked"), 2)
        self.note.setObjectName("note")
        self.note.setPlainText(_("Request sent from the known e-mail address."))
        self.form.addRow(_("Method"), self.method)
        self.form.addRow(_("Result"), self.result)
        self.form.addRow(_("What was checked"), self.note)
        self.finish_layout()

    def submit(self) -> CaseDetail:
        return self._record(self.method.currentData(), self.result.currentData(), self.note.toPlainText())
