"""The subject's data in the shop's systems, in the main window.

- The case's Systems page: per system, searched / found / erased or kept, with Collect, Import an export
  file (or drop it), Nothing held, Erase at this system (dry run shown first) and Show the evidence.
- Tools › Systems and connectors…: base URL, options, credential (keyring) and Test connection.

The connector calls run off the GUI thread; every rule is the services'.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter

from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services import roles, systems
from megacase.services.records import CaseDetail
from megacase.services.systems import overview
from megacase.ui.dialogs.systems import ConnectorsDialog, EvidenceDialog
from megacase.ui.views.systems_panel import SystemsPanel
from megacase.ui.workers import run_task


class SystemsFeature:
    def __init__(self, window):
        self.w = window
        self.panel = SystemsPanel()
        page = window.detail.page("checklist")
        split = QSplitter(Qt.Orientation.Vertical)         # the systems above, the steps at each processor below
        split.setObjectName("systemsSplit")
        page.layout().removeWidget(page.block)
        split.addWidget(self.panel)
        split.addWidget(page.block)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        page.layout().addWidget(split)
        self.panel.collect_requested.connect(self.collect)
        self.panel.import_requested.connect(self.import_file)
        self.panel.nothing_requested.connect(self.nothing_held)
        self.panel.erase_requested.connect(self.erase)
        self.panel.evidence_requested.connect(self.show_evidence)
        self.connectors = QAction(_("Systems and &connectors…"), window)
        self.connectors.setObjectName("systems_connectors")
        self.connectors.setStatusTip(_("Each system's API address, options, credential (keyring) and Test connection"))
        self.connectors.triggered.connect(self.open_connectors)
        self.connectors.setEnabled(roles.capabilities(window.ws).works_cases)
        window.add_action(self.connectors, "tools")
        self.busy = False
        window.detail_loaders["systems"] = lambda ws, detail: overview.case_systems(ws, detail.reference)
        window.case_shown.connect(self.update)
        self.update(window.current_detail())

    def update(self, detail: CaseDetail | None) -> None:
        if detail is None:
            self.panel.show_rows([], False)
            return
        ws = self.w.ws
        rows = self.w.preloaded("systems", detail.reference, lambda: overview.case_systems(ws, detail.reference))
        self.panel.show_rows(rows, bool(detail.checklist_editable) and not self.busy)

    def _ref(self) -> str | None:
        d = self.w.current_detail()
        return d.reference if d else None

    def _done(self, ref: str, system: str, message: str) -> None:
        self.busy = False
        self.w.show_changed_case(self.w.load_case_now(ref), message)
        self.panel.select(system)

    def _failed(self, ref: str, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, MegaCaseError):
            self.w.prompter.error(self.w, _("Systems"), str(exc))
        else:
            raise exc
        self.update(self.w.current_detail())

    def _run(self, ref: str, system: str, call, message) -> None:
        """A service call that may wait on the network: off the GUI thread, the case reloaded after."""
        self.busy = True
        self.panel.show_rows(self.panel.model._rows, False)
        run_task(call, lambda result: self._done(ref, system, message(result)), lambda exc: self._failed(ref, exc))

    def collect(self, system: str) -> None:
        ref = self._ref()
        if ref:
            self._run(ref, system, lambda: systems.collect_connector(self.w.ws, ref, system),
                      lambda f: f"{system}: {f.label_text.lower()} — {f.summary}")

    def import_file(self, system: str, path=None) -> None:
        ref = self._ref()
        if ref is None:
            return
        if path is None:
            path = self.w.prompter.open_file(self.w, _("Export file from {system}").format(system=system),
                                             _("Exports") + " (*.csv *.json *.xlsx *.pdf);;" + _("All files") + " (*)")
            if path is None:
                return
        try:
            f = systems.import_path(self.w.ws, ref, system, path)
        except MegaCaseError as exc:
            self.w.prompter.error(self.w, _("Import an export file"), str(exc))
            return
        self._done(ref, system, f"{system}: {f.summary}")

    def nothing_held(self, system: str) -> None:
        ref = self._ref()
        if ref is None:
            return
        how = self.w.prompter.ask_text(self.w, _("Nothing held at {system}").format(system=system),
                                       _("How was it searched? (e.g. customer search by e-mail address and name)"))
        if not how:
            return
        try:
            systems.record_nothing_held(self.w.ws, ref, system, how)
        except MegaCaseError as exc:
            self.w.prompter.error(self.w, _("Nothing held"), str(exc))
            return
        self._done(ref, system, _("{system}: searched, nothing held.").format(system=system))

    def erase(self, system: str) -> None:
        ref = self._ref()
        if ref is None:
            return
        identifier = None
        if system == "Google Analytics":
            identifier = self.w.prompter.ask_text(self.w, _("Erase at {system}").format(system=system),
                                                  _("The subject's client id (from the _ga cookie) or user id:"))
            if not identifier:
                return
        try:
            step = systems.dry_run(self.w.ws, ref, system, identifier)
        except MegaCaseError as exc:
            self.w.prompter.error(self.w, _("Erase at {system}").format(system=system), str(exc))
            return
        title = _("Erase at {system}").format(system=system)
        calls = "\n".join(f"• {a}" for a in step.plan.actions) or _("(no call to the system)")
        if step.plan.outcome == "task" and not step.plan.actions:
            self.w.prompter.info(self.w, title, f"{step.plan.summary}.")
            self.update(self.w.current_detail())
            return
        if not self.w.prompter.confirm(self.w, title,
                                       _("Dry run: {summary}.\n\n{calls}\n\nThe system's answer is kept as the "
                                         "receipt. This cannot be undone.").format(summary=step.plan.summary,
                                                                                   calls=calls),
                                       _("Keep") if step.plan.outcome == "kept" else _("Erase now")):
            self.update(self.w.current_detail())
            return
        self._run(ref, system, lambda: systems.erase(self.w.ws, ref, system, identifier),
                  lambda s: f"{system}: {s.finding.label_text.lower()} — {s.finding.summary}")

    def show_evidence(self, finding_id: int) -> None:
        try:
            f = overview.finding(self.w.ws, finding_id)
        except MegaCaseError as exc:
            self.w.prompter.error(self.w, _("Evidence"), str(exc))
            return
        detail = self.w.current_detail()
        dialog = EvidenceDialog(self.w.ws, f, self.w.prompter, self.w, detail.reference if detail else None,
                                bool(detail and detail.checklist_editable))
        self.w.prompter.run_dialog(dialog)
        if dialog.changed:
            self.w.show_changed_case(self.w.load_case_now(detail.reference), _("Withheld from the access package."))

    def open_connectors(self) -> None:
        self.w.prompter.run_dialog(ConnectorsDialog(self.w.ws, self.w.prompter, self.w))
        self.update(self.w.current_detail())


def install(window) -> None:
    window.systems_feature = SystemsFeature(window)
