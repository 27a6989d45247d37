"""The officer's case actions: each confirms what it will do, then goes through a service.

Which actions are enabled comes from the case (``CaseDetail.allowed_actions`` and the
other flags the services set); this controller never decides it from the state.
"""

from __future__ import annotations

from typing import Callable, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from megacase.domain.requests import Action
from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services.cases import cases, checklist, decisions, subjects
from megacase.services.letters import letters
from megacase.services.cases import queries as cases_q
from megacase.services.records import CaseDetail
from megacase.services.workspace import TZ, Workspace
from megacase.ui.dialogs.case_actions import DecideDialog, ExtendDialog, NoteDialog, ReopenDialog
from megacase.ui.dialogs.identity import AskSubjectDialog, IdentityCheckDialog, RecordAnswerDialog
from megacase.ui.dialogs.intake import IntakeDialog, IntakeServices
from megacase.ui.format import short_day

class CaseWindow(Protocol):
    """What the actions need of the window that holds them (the main window; a stand-in in tests).

    Stated here so that this module does not import ``main_window``, which imports it.
    """

    ws: Workspace
    prompter: object

    def current_detail(self) -> CaseDetail | None: ...
    def load_case_now(self, reference: str) -> CaseDetail: ...
    def refresh(self) -> None: ...
    def show_changed_case(self, detail: CaseDetail, message: str = "", select: bool = False) -> None: ...


class CaseActions(QObject):
    def __init__(self, window: CaseWindow):
        super().__init__(window)
        self.w = window
        self.new_case = self._action("new_case", _("&New case…"), "Ctrl+N", self.open_intake,
                                     _("Register a request that has just arrived"))
        self.start = self._action("start_work", _("&Start work"), "Ctrl+Shift+S", self.start_work,
                                  _("Start working on the selected case"))
        self.ask = self._action("ask_subject", _("&Ask the subject…"), "Ctrl+Shift+A", self.ask_subject,
                                _("Ask for identity information or a clarification (suspends the clock)"))
        self.answer = self._action("record_answer", _("&Record the answer…"), "Ctrl+Shift+R", self.record_answer,
                                   _("Record what the subject sent back (resumes the clock)"))
        self.check = self._action("identity_check", _("&Identity checked…"), "Ctrl+Shift+I", self.identity_check,
                                  _("Record an identity check that needed no question"))
        self.extend = self._action("extend", _("&Extend…"), "Ctrl+Shift+E", self.extend_case,
                                   _("Extend the deadline to three months, with a reason"))
        self.decide = self._action("decide", _("&Decide…"), "Ctrl+Shift+D", self.decide_case,
                                   _("Record the decision and its legal ground"))
        self.close = self._action("close_case", _("C&lose case"), "Ctrl+Shift+C", self.close_case,
                                  _("Close a decided case"))
        self.reopen = self._action("reopen", _("Re&open…"), "Ctrl+Shift+O", self.reopen_case,
                                   _("Reopen a decided or closed case, with a reason"))
        self.note = self._action("add_note", _("Add &note…"), "Ctrl+Shift+N", self.add_note,
                                 _("Add a note to the selected case"))
        self.by_domain_action = {Action.START_WORK: self.start, Action.ASK_SUBJECT: self.ask,
                                 Action.SUBJECT_ANSWERED: self.answer, Action.EXTEND: self.extend,
                                 Action.DECIDE: self.decide, Action.CLOSE: self.close, Action.REOPEN: self.reopen}
        # In the order they appear in the Case menu, the toolbar and the detail pane's next steps.
        self.workflow = [self.start, self.ask, self.answer, self.check, self.extend, self.decide, self.close,
                         self.reopen]
        self.update(None)

    def _action(self, name: str, text: str, shortcut: str, slot: Callable[[], None], tip: str) -> QAction:
        action = QAction(text, self.w)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({shortcut})")
        action.triggered.connect(slot)
        return action

    def update(self, detail: CaseDetail | None) -> None:
        allowed = set(detail.allowed_actions) if detail else set()
        for domain_action, action in self.by_domain_action.items():
            action.setEnabled(domain_action in allowed)
        # The service computed whether the first month (the last day to notify an extension) is still running.
        self.extend.setEnabled(self.extend.isEnabled() and detail.summary.extension_possible)
        self.check.setEnabled(bool(detail and detail.identity_check_allowed))
        self.note.setEnabled(detail is not None)

    # --- running things -------------------------------------------------------------------------
    def _detail(self) -> CaseDetail | None:
        return self.w.current_detail()

    def run(self, what: str, call: Callable[[], CaseDetail], done: str) -> CaseDetail | None:
        """Call a service; show its refusal in a message, or the changed case."""
        try:
            detail = call()
        except MegaCaseError as exc:
            self.w.prompter.error(self.w, "MegaCase", str(exc), details=f"{what}\n{type(exc).__name__}: {exc}")
            self.w.refresh()      # the register may have changed under the window: show it as it is
            return None
        self.w.show_changed_case(detail, done)
        return detail

    def _dialog(self, dialog, done: str) -> CaseDetail | None:
        if self.w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            self.w.show_changed_case(dialog.result_value, done)
            return dialog.result_value
        return None

    # --- the actions ----------------------------------------------------------------------------
    def open_intake(self) -> None:
        ws = self.w.ws
        services = IntakeServices(find_subjects=lambda text: subjects.find_subjects(ws, text),
                                  find_duplicates=lambda sid, types: cases.find_open_duplicates(ws, sid, types),
                                  open_case=lambda new: cases.open_case(ws, new))
        dialog = IntakeDialog(services, ws.now().astimezone(TZ), self.w)
        if self.w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            d: CaseDetail = dialog.result_value
            opened = _("{reference} opened: due {date}").format(reference=d.reference, date=short_day(d.summary.due))
            self.w.show_changed_case(d, opened, select=True)

    def start_work(self) -> None:
        d = self._detail()
        if d and self.w.prompter.confirm(self.w, _("Start work"),
                                         _("Start work on {reference}? Its state becomes “In progress”; the "
                                           "deadline does not change.").format(reference=d.reference), _("Start work")):
            self.run(f"start work on {d.reference}", lambda: cases.start_work(self.w.ws, d.reference),
                     _("{reference}: work started").format(reference=d.reference))

    def ask_subject(self) -> None:
        d = self._detail()
        if d:
            ws = self.w.ws
            dialog = AskSubjectDialog(d, lambda m, a, r: cases.ask_subject(ws, d.reference, m, a, r), ws.today(),
                                      self.w)
            asked = _("{reference}: subject asked, clock suspended").format(reference=d.reference)
            if self._dialog(dialog, asked) and dialog.letter_template():
                template = dialog.letter_template()
                # The letter carries the question as asked; it goes with the outbox (Send now / retry).
                self.run(f"queue {template} {d.reference}",
                         lambda: (letters.queue_letter(ws, d.reference, template, options=letters.LetterOptions(
                             identity_requested=dialog.asked.toPlainText())), cases_q.get_case(ws, d.reference))[1],
                         _("{reference}: letter queued in the outbox").format(reference=d.reference))

    def record_answer(self) -> None:
        d = self._detail()
        if d:
            ws = self.w.ws
            pending = [s for s in d.identity_steps if s.answered_at is None]
            dialog = RecordAnswerDialog(d, pending[-1] if pending else None,
                                        lambda a, r: cases.record_answer(ws, d.reference, a, r), self.w)
            self._dialog(dialog, _("{reference}: answer recorded, clock resumed").format(reference=d.reference))

    def identity_check(self) -> None:
        d = self._detail()
        if d:
            ws = self.w.ws
            dialog = IdentityCheckDialog(d, lambda m, r, n: cases.record_identity_check(ws, d.reference, m, r, n),
                                         self.w)
            self._dialog(dialog, _("{reference}: identity check recorded").format(reference=d.reference))

    def extend_case(self) -> None:
        d = self._detail()
        if d:
            ws = self.w.ws
            self._dialog(ExtendDialog(d, lambda reason: cases.extend(ws, d.reference, reason), self.w),
                         _("{reference}: deadline extended").format(reference=d.reference))

    def decide_case(self) -> None:
        d = self._detail()
        if d:
            ws = self.w.ws
            dialog = DecideDialog(d, lambda o, g, n, **more: cases.decide(ws, d.reference, o, g, n, **more), self.w,
                                  earlier=decisions.earlier_requests(ws, d.reference))
            self._dialog(dialog, _("{reference}: decision recorded").format(reference=d.reference))

    def close_case(self) -> None:
        d = self._detail()
        if d and self.w.prompter.confirm(self.w, _("Close case"),
                                         _("Close {reference}? It stays in the register as a completed request and "
                                           "can be reopened with a reason.").format(reference=d.reference),
                                         _("Close case")):
            self.run(f"close {d.reference}", lambda: cases.close(self.w.ws, d.reference),
                     _("{reference} closed").format(reference=d.reference))

    def reopen_case(self) -> None:
        d = self._detail()
        if d:
            ws = self.w.ws
            self._dialog(ReopenDialog(d, lambda reason: cases.reopen(ws, d.reference, reason), self.w),
                         _("{reference} reopened").format(reference=d.reference))

    def add_note(self) -> None:
        d = self._detail()
        if d:
            ws = self.w.ws
            self._dialog(NoteDialog(d, lambda text: cases.add_note(ws, d.reference, text), self.w),
                         _("{reference}: note added").format(reference=d.reference))

    def toggle_checklist(self, item_id: int, done: bool) -> None:
        d = self._detail()
        if d is None:
            return
        item = next((i for i in d.checklist if i.id == item_id), None)
        if item is None:
            return
        what = f"{_(item.action)} — {item.processor}"
        if done:
            note = self.w.prompter.ask_text(
                self.w, _("Processor step done"),
                _("{what}: a note on what was found or done (optional)").format(what=what), "")
            if note is None:
                return
        else:
            if not self.w.prompter.confirm(self.w, _("Mark as not done"),
                                           _("Mark “{what}” as not done again?").format(what=what),
                                           _("Mark not done")):
                return
            note = None
        ws = self.w.ws

        def call() -> CaseDetail:
            checklist.mark_item(ws, item_id, done, note)
            return self.w.load_case_now(d.reference)

        message = _("{reference}: {what} done") if done else _("{reference}: {what} reopened")
        self.run(f"checklist {what}", call, message.format(reference=d.reference, what=what))
