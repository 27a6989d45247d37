"""Erasure, restriction, objection, the processor register and retention in the main window.

- Case menu: Erasure and Art. 19 notices… (Ctrl+Shift+X), Restrict processing…, Lift the restriction…,
  Objection to direct marketing.
- View: the processor register (Ctrl+Shift+G).
- Tools: Retention of case records…, Invoices kept after erasure… (manager).
- Overview: a "Processing and erasure" block with the subject's flags and the erasure's progress.

What is offered comes from the services (``restriction.status``, ``erasure.readiness``); they also
enforce every rule, so a refused action only shows the service's message.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from megacase.domain.requests import RequestType
from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services import roles
from megacase.services.privacy import restriction
from megacase.services.records import CaseDetail
from megacase.ui.dialogs.erasure import ErasureDialog
from megacase.ui.dialogs.restriction import RestrictionDialog
from megacase.ui.dialogs.retention import InvoiceRetentionDialog, RetentionDialog
from megacase.ui.views.processors import ProcessorRegisterView
from megacase.ui.widgets.processing import ProcessingBlock


def _erasure_readiness(ws, detail: CaseDetail):
    """The erasure block's dry run, for an erasure request only (read in the window's worker)."""
    from megacase.services.privacy import erasure
    if RequestType.ERASURE not in detail.summary.request_types:
        return None                     # the block shows no erasure row
    return erasure.readiness(ws, detail.reference)


class PrivacyFeature:
    def __init__(self, window):
        self.w = window
        self.erasure = self._action("erasure", _("Erasure and Art. &19 notices…"), "Ctrl+Shift+X", self.open_erasure,
                                    _("Per processor: erased or kept under a ground, the Art. 19 notices; then "
                                      "erase the subject"))
        self.restrict = self._action("restrict", _("Restrict &processing…"), None, self.start_restriction,
                                     _("Restrict the subject's data from today (Art. 18)"))
        self.lift = self._action("lift_restriction", _("&Lift the restriction…"), None, self.lift_restriction,
                                 _("Lift the restriction, once the Art. 18(3) notice was sent"))
        self.direct_marketing = self._action("direct_marketing", _("Objection to direct &marketing"), None,
                                             self.mark_direct_marketing,
                                             _("The objection is about direct marketing: it is granted without "
                                               "weighing (Art. 21(3))"))
        window.menus["case"].addSeparator()
        for action in (self.erasure, self.restrict, self.lift, self.direct_marketing):
            window.add_action(action, "case", needs=roles.WORK_CASES)
        self.retention = self._action("retention", _("&Retention of case records…"), None, self.open_retention,
                                      _("Reduce old closed cases to skeletons; purge ended invoice terms (dry run "
                                        "first)"))
        self.invoices = self._action("invoice_retention", _("&Invoices kept after erasure…"), None,
                                     self.open_invoices,
                                     _("The invoice data kept under Art. 17(3)(b) (manager only)"))
        window.add_action(self.retention, "tools", needs=roles.WORK_CASES)
        window.add_action(self.invoices, "tools", needs=roles.SEE_KEPT_INVOICES)

        self.register = ProcessorRegisterView(window.ws, window.prompter)
        window.add_view("processors", _("&Processor register"), self.register, "Ctrl+Shift+G")
        self.block = ProcessingBlock(window.ws)
        self.block.preloaded = window.preloaded
        window.detail_loaders["restriction"] = lambda ws, detail: restriction.status(ws, detail.reference)
        window.detail_loaders["erasure"] = _erasure_readiness
        window.detail.overview.add_block(self.block)
        for action in (self.erasure, self.restrict, self.lift, self.direct_marketing):
            button = self.block.add_header_action(action)   # shown only while it can be used: the block stays narrow
            action.changed.connect(lambda b=button, a=action: b.setVisible(a.isEnabled()))
            button.setVisible(action.isEnabled())
        window.case_shown.connect(self.update)
        self.update(window.current_detail())

    def _action(self, name: str, text: str, shortcut: str | None, slot, tip: str) -> QAction:
        action = QAction(text, self.w)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def update(self, detail: CaseDetail | None) -> None:
        works = roles.capabilities(self.w.ws).works_cases
        types = set(detail.summary.request_types) if detail else set()
        self.erasure.setEnabled(RequestType.ERASURE in types)
        info = None
        if detail is not None:   # the block read it while showing this case; read it here otherwise
            info = (self.block.info if self.block.for_reference == detail.reference
                    else restriction.status(self.w.ws, detail.reference))
        self.restrict.setEnabled(bool(works and info and info.can_start))
        self.lift.setEnabled(bool(works and info and info.restricted))
        self.direct_marketing.setEnabled(bool(works and info and info.can_mark_direct_marketing
                                              and not info.direct_marketing))

    # --- the actions ---------------------------------------------------------------------------
    def _reference(self) -> str | None:
        detail = self.w.current_detail()
        return detail.reference if detail else None

    def _reload(self, reference: str, message: str) -> None:
        self.w.show_changed_case(self.w.load_case_now(reference), message)

    def open_erasure(self) -> None:
        ref = self._reference()
        if ref is None:
            return
        dialog = ErasureDialog(self.w.ws, ref, self.w.prompter, self.w)
        self.w.prompter.run_dialog(dialog)
        if dialog.result_value is not None:
            self._reload(ref, _("Subject {reference} erased.").format(reference=dialog.result_value.subject_reference))
        elif dialog.changed:
            self._reload(ref, _("Processor steps recorded."))

    def start_restriction(self) -> None:
        ref = self._reference()
        if ref is None:
            return
        dialog = RestrictionDialog(self.w.ws, ref, self.w)
        if self.w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            self._reload(ref, _("Processing restricted from today."))

    def lift_restriction(self) -> None:
        ref = self._reference()
        if ref is None:
            return
        reason = self.w.prompter.ask_text(self.w, _("Lift the restriction"), _("Why is the restriction lifted?"))
        if not reason:
            return
        self.w.case_actions.run(_("Lift the restriction"), lambda: self._then_case(
            ref, lambda: restriction.lift(self.w.ws, ref, reason)), _("Restriction lifted."))

    def mark_direct_marketing(self) -> None:
        ref = self._reference()
        if ref is None:
            return
        self.w.case_actions.run(_("Objection to direct marketing"), lambda: self._then_case(
            ref, lambda: restriction.mark_direct_marketing(self.w.ws, ref)),
            _("Marked as an objection to direct marketing: it can only be granted."))

    def _then_case(self, ref: str, call) -> CaseDetail:
        call()
        return self.w.load_case_now(ref)

    def open_retention(self) -> None:
        dialog = RetentionDialog(self.w.ws, self.w.prompter, self.w)
        self.w.prompter.run_dialog(dialog)
        if dialog.result_value is not None:
            self.w.refresh()

    def open_invoices(self) -> None:
        try:
            dialog = InvoiceRetentionDialog(self.w.ws, self.w)
        except MegaCaseError as exc:
            self.w.prompter.error(self.w, _("Invoices kept after erasure"), str(exc))
            return
        self.w.prompter.run_dialog(dialog)


def install(window) -> None:
    window.privacy_feature = PrivacyFeature(window)
