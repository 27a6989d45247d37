"""Case › Correct the subject's name or address… and Case › Replace the known e-mail address…

Both call ``services.subject_corrections``, which decides who may do what (an officer; the known
address only on a rectification case with a verified identity) and records the change.
"""

from __future__ import annotations

from PySide6.QtGui import QAction

from megacase.i18n import _
from megacase.services import roles
from megacase.services.cases import queries, subject_corrections


class SubjectCorrectionsFeature:
    def __init__(self, window):
        self.w = window
        self.details = QAction(_("Correct the subject's &name or address…"), window)
        self.details.setObjectName("correctSubject")
        self.details.setStatusTip(_("Correct the subject's name or postal address (recorded with the old values)"))
        self.details.triggered.connect(self.correct_details)
        self.email = QAction(_("Replace the known e-mail &address…"), window)
        self.email.setObjectName("replaceKnownEmail")
        self.email.setStatusTip(_("On a rectification request with a verified identity; the old address is told"))
        self.email.triggered.connect(self.replace_email)
        for action in (self.details, self.email):
            action.setEnabled(False)
            window.add_action(action, "case", needs=roles.WORK_CASES)
        window.case_shown.connect(self._shown)

    def _shown(self, detail) -> None:
        # add_action(needs=WORK_CASES) keeps them disabled for a manager or a viewer
        editable = detail is not None and not detail.subject.anonymised
        self.details.setEnabled(editable)
        self.email.setEnabled(editable)

    def correct_details(self) -> None:
        w, detail = self.w, self.w.current_detail()
        if detail is None:
            return
        name = w.prompter.ask_text(w, _("Correct the subject"), _("Name:"), detail.subject.name or "")
        if name is None:
            return
        address = w.prompter.ask_text(w, _("Correct the subject"), _("Postal address:"),
                                      detail.subject.postal_address or "")
        if address is None:
            return
        w.case_actions.run("correct subject", lambda: self._after(
            subject_corrections.correct_details(w.ws, detail.subject.id, name=name, postal_address=address),
            detail.reference), _("Subject corrected."))

    def replace_email(self) -> None:
        w, detail = self.w, self.w.current_detail()
        if detail is None:
            return
        new = w.prompter.ask_text(w, _("Replace the known e-mail address"),
                                  _("New known address (now {email}); a letter to the old one tells of the "
                                    "change:").format(email=detail.subject.email))
        if not new:
            return
        w.case_actions.run("replace known e-mail", lambda: self._after(
            subject_corrections.change_known_email(w.ws, detail.reference, new), detail.reference),
            _("Known address replaced; a letter to the former address is in the outbox."))

    def _after(self, _subject, reference: str):
        return queries.get_case(self.w.ws, reference)


def install(window) -> None:
    window.subject_corrections_feature = SubjectCorrectionsFeature(window)
