"""The manager's review: overdue and at-risk cases (how late, owner, what they wait on, extensions),
the approvals queue with approve / send back, comments, and the overdue report.

What a user may do here comes from ``roles.capabilities``; the services enforce the same rules.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

from megacase.errors import MegaCaseError
from megacase.i18n import _, format_date
from megacase.services import roles
from megacase.services.reports import overdue_report
from megacase.services.review import approvals, review
from megacase.services.workspace import Workspace
from megacase.ui.models.review import ApprovalTableModel, RecordRole, ReviewTableModel
from megacase.ui.prompter import Prompter
from megacase.ui.views.lazy import LazyView
from megacase.ui.workers import run_task

STYLE = """
QWidget#reviewView { background: #f5f6f8; }
QLabel#reviewTitle { font-size: 15pt; font-weight: 700; color: #111827; }
QLabel#reviewSubtitle { color: #6b7280; }
QLabel#sectionTitle { font-weight: 700; color: #111827; font-size: 10.5pt; }
QTableView#reviewTable::item, QTableView#approvalsTable::item { padding: 4px 6px; }
"""


def _table(name: str, model) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class ReviewView(LazyView):
    open_case = Signal(str)
    changed = Signal()               # an approval or a comment changed the register
    busy_changed = Signal(bool)      # a background read started (True) or ended (False)

    def __init__(self, ws: Workspace, prompter: Prompter, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.prompter = prompter
        self.can = roles.capabilities(ws)
        self.loading = False
        self._again = False
        self.setObjectName("reviewView")
        self.setStyleSheet(STYLE)

        self.title = QLabel(_("Manager's review"))
        self.title.setObjectName("reviewTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("reviewSubtitle")
        self.subtitle.setWordWrap(True)
        self.at_risk_days = QSpinBox()
        self.at_risk_days.setObjectName("atRiskDays")
        self.at_risk_days.setRange(0, 40)
        self.at_risk_days.setSuffix(_(" working days"))
        self.at_risk_days.setValue(review.default_filter(ws).at_risk_working_days)
        self.at_risk_days.valueChanged.connect(lambda _v: self.reload())
        self.report_button = QPushButton(_("Overdue report…"))
        self.report_button.setObjectName("overdueReport")
        self.report_button.setToolTip(_("Save these cases as a PDF for a meeting and a CSV for a spreadsheet"))
        self.report_button.clicked.connect(self.export_report)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("At risk: due within")))
        bar.addWidget(self.at_risk_days)
        bar.addStretch(1)
        bar.addWidget(self.report_button)

        self.cases_title = QLabel()
        self.cases_title.setObjectName("sectionTitle")
        self.cases_model = ReviewTableModel(self)
        self.cases_table = _table("reviewTable", self.cases_model)
        header = self.cases_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.cases_table.doubleClicked.connect(self._open_case_row)
        self.cases_table.activated.connect(self._open_case_row)
        self.comment_button = QPushButton(_("Comment…"))
        self.comment_button.setObjectName("reviewComment")
        self.comment_button.setToolTip(_("A reviewer's comment on the selected case (kept with its notes)"))
        self.comment_button.clicked.connect(self.comment)
        self.open_button = QPushButton(_("Open case"))
        self.open_button.clicked.connect(lambda: self._open_case_row(self.cases_table.currentIndex()))
        case_bar = QHBoxLayout()
        case_bar.addWidget(self.cases_title)
        case_bar.addStretch(1)
        case_bar.addWidget(self.open_button)
        case_bar.addWidget(self.comment_button)

        self.queue_title = QLabel()
        self.queue_title.setObjectName("sectionTitle")
        self.queue_model = ApprovalTableModel(self)
        self.queue_table = _table("approvalsTable", self.queue_model)
        qh = self.queue_table.horizontalHeader()
        qh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        qh.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.queue_table.doubleClicked.connect(lambda index: self._open_reference(
            self.queue_model.row_at(index.row()).reference if index.isValid() else None))
        self.approve_button = QPushButton(_("Approve…"))
        self.approve_button.setObjectName("approve")
        self.approve_button.clicked.connect(self.approve)
        self.send_back_button = QPushButton(_("Send back…"))
        self.send_back_button.setObjectName("sendBack")
        self.send_back_button.clicked.connect(self.send_back)
        for button in (self.approve_button, self.send_back_button):
            button.setVisible(self.can.reviews)
        self.comment_button.setVisible(self.can.comments)
        queue_bar = QHBoxLayout()
        queue_bar.addWidget(self.queue_title)
        queue_bar.addStretch(1)
        queue_bar.addWidget(self.approve_button)
        queue_bar.addWidget(self.send_back_button)
        self.queue_hint = QLabel()
        self.queue_hint.setObjectName("reviewSubtitle")
        self.queue_hint.setWordWrap(True)

        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addLayout(case_bar)
        tv.addWidget(self.cases_table, 1)
        bottom = QWidget()
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addLayout(queue_bar)
        bv.addWidget(self.queue_table, 1)
        bv.addWidget(self.queue_hint)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.queue_table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.cases_table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

    # --- loading ----------------------------------------------------------------------------------
    def current_filter(self) -> review.ReviewFilter:
        return review.ReviewFilter(self.at_risk_days.value())

    def reload(self) -> None:
        """Read the review in a worker (a second at 100,000 cases); the view says it is loading meanwhile."""
        self._dirty = False
        if self.loading:                 # one read at a time; the latest change is read after it
            self._again = True
            return
        self.loading = True
        self.busy_changed.emit(True)
        self.subtitle.setText(_("Loading the review…"))
        f, ws = self.current_filter(), self.ws

        def arrived(result) -> None:
            self.loading = False
            self.busy_changed.emit(False)
            if self._again:
                self._again = False
                self.reload()
            self._show(f, *result)

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.busy_changed.emit(False)
            if not isinstance(exc, MegaCaseError):      # a locked register says so itself
                sys.excepthook(type(exc), exc, exc.__traceback__)
        run_task(lambda: (review.items(ws, f), approvals.pending(ws)), arrived, failed, context=self,
                 quiet_gc=True)

    def reload_now(self) -> None:
        """The same, at once (after the manager's own action, whose result is shown straight away)."""
        self._dirty = False
        f = self.current_filter()
        self._show(f, review.items(self.ws, f), approvals.pending(self.ws))

    def _show(self, f, items, queue) -> None:
        overdue = sum(1 for i in items if i.status == review.OVERDUE)
        self.subtitle.setText(_("{date}  ·  {filter}  ·  acting as {name} ({role})").format(
            date=format_date(self.ws.today(), "full"), filter=f.describe(), name=self.ws.actor.name,
            role=_(roles.ROLE_LABELS.get(self.ws.actor.role, self.ws.actor.role))))
        self.cases_title.setText(_("{overdue} overdue, {at_risk} at risk").format(overdue=overdue,
                                                                                  at_risk=len(items) - overdue))
        self.cases_model.set_rows(items)
        self.queue_title.setText(_("Approvals waiting — {n}").format(n=len(queue)))
        self.queue_model.set_rows(queue)
        if self.can.reviews:
            self.queue_hint.setText(_("Approve lets the officer send the letter or record the extension; send back "
                                      "holds it with your comment. Every review is in the case's audit trail."))
        else:
            self.queue_hint.setText(_("Only a manager approves or sends back. With four-eyes review on, these "
                                      "refusals, fees and extensions wait here before they can go out."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_request = self.queue_table.currentIndex().isValid()
        self.approve_button.setEnabled(self.can.reviews and has_request)
        self.send_back_button.setEnabled(self.can.reviews and has_request)
        has_case = self.cases_table.currentIndex().isValid()
        self.comment_button.setEnabled(self.can.comments and has_case)
        self.open_button.setEnabled(has_case)

    # --- acting ---------------------------------------------------------------------------------
    def selected_request(self) -> approvals.ApprovalInfo | None:
        index = self.queue_table.currentIndex()
        return self.queue_model.data(index, RecordRole) if index.isValid() else None

    def selected_case(self) -> str | None:
        index = self.cases_table.currentIndex()
        return self.cases_model.data(index, RecordRole).reference if index.isValid() else None

    def select_request(self, approval_id: int) -> bool:
        for row, a in enumerate(self.queue_model.rows()):
            if a.id == approval_id:
                self.queue_table.setCurrentIndex(self.queue_model.index(row, 0))
                return True
        return False

    def select_case(self, reference: str) -> bool:
        for row, i in enumerate(self.cases_model.rows()):
            if i.reference == reference:
                self.cases_table.setCurrentIndex(self.cases_model.index(row, 0))
                return True
        return False

    def _run(self, title: str, call) -> bool:
        try:
            call()
        except MegaCaseError as exc:
            self.prompter.error(self, title, str(exc))
            return False
        self.reload_now()
        self.changed.emit()
        return True

    def approve(self) -> None:
        a = self.selected_request()
        if a is None:
            return
        text = (_("Approve the {kind} on {reference}?").format(kind=_(a.kind_label).lower(), reference=a.reference)
                + "\n\n"
                + (_("Ground: {ground}").format(ground=a.legal_ground) + "\n" if a.legal_ground else "")
                + (_("Officer's note: {note}").format(note=a.note) + "\n" if a.note else "")
                + "\n" + _("A comment for the officer (optional):"))
        comment = self.prompter.ask_text(self, _("Approve"), text)
        if comment is not None:
            self._run(_("Approve"), lambda: approvals.approve(self.ws, a.id, comment))

    def send_back(self) -> None:
        a = self.selected_request()
        if a is None:
            return
        comment = self.prompter.ask_text(self, _("Send back"), _(
            "Send the {kind} on {reference} back to the officer. What should be reconsidered?").format(
            kind=_(a.kind_label).lower(), reference=a.reference))
        if comment is not None:
            self._run(_("Send back"), lambda: approvals.send_back(self.ws, a.id, comment))

    def comment(self) -> None:
        reference = self.selected_case()
        if reference is None:
            return
        text = self.prompter.ask_text(self, _("Comment"), _("Your comment on {reference} (kept with its notes):").format(
            reference=reference))
        if text is not None:
            self._run(_("Comment"), lambda: approvals.add_comment(self.ws, reference, text))

    def export_report(self) -> None:
        f = self.current_filter()
        suggested = f"overdue-{self.ws.today().isoformat()}.pdf"
        pdf = self.prompter.save_file(self, _("Save the overdue report"), suggested, _("PDF files (*.pdf)"))
        if pdf is None:
            return
        pdf = pdf if pdf.suffix.lower() == ".pdf" else pdf.with_suffix(".pdf")
        csv_path = pdf.with_suffix(".csv")
        try:
            report = overdue_report.export(self.ws, pdf, csv_path, f)
        except MegaCaseError as exc:
            self.prompter.error(self, _("Overdue report"), str(exc))
            return
        self.prompter.info(self, _("Overdue report"), _(
            "{overdue} overdue and {at_risk} at-risk cases: the report is in {pdf}, the same rows for a "
            "spreadsheet in {csv}.").format(overdue=len(report.overdue), at_risk=len(report.at_risk), pdf=pdf.name,
                                           csv=csv_path.name))

    def _open_case_row(self, index) -> None:
        if index.isValid():
            self._open_reference(self.cases_model.row_at(index.row()).reference)

    def _open_reference(self, reference: str | None) -> None:
        if reference:
            self.open_case.emit(reference)
