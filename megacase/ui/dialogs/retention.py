"""Retention of case records (dry run, then apply after asking) and the manager's view of invoices kept."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QPushButton, QSpinBox,
                               QVBoxLayout)

from megacase.errors import MegaCaseError
from megacase.i18n import _, ngettext
from megacase.services.privacy import invoice_retention, retention
from megacase.services.privacy.retention import RetentionPlan
from megacase.services.workspace import Workspace
from megacase.ui.models.privacy import RetainedInvoicesModel
from megacase.ui.prompter import Prompter
from megacase.ui.dialogs.base import FittingDialog, error_line
from megacase.ui.widgets.tables import make_table


def years_suffix(n: int) -> str:
    return ngettext(" year after closure", " years after closure", n)


class RetentionDialog(FittingDialog):
    """Shows the dry run; Apply asks first and then carries out exactly the plan that was shown."""

    preferred = QSize(820, 520)

    def __init__(self, ws: Workspace, prompter: Prompter, parent=None):
        super().__init__(parent)
        self.ws, self.prompter = ws, prompter
        self.result_value: RetentionPlan | None = None
        self.setWindowTitle(_("Retention of case records"))
        intro = QLabel(_("Closed cases are kept whole for the period below (accountability, Art. 5(2) GDPR), then "
                       "reduced to their anonymous skeleton: reference, request types, dates and outcome stay; the "
                       "notes, letter texts, attachments and the person's words go, and a subject none of whose "
                       "cases is left whole is anonymised. Invoice data kept after an erasure are purged when their "
                       "legal term ends. Nothing changes until you apply."))
        intro.setObjectName("dialogIntro")
        intro.setWordWrap(True)
        self.years = QSpinBox()
        self.years.setObjectName("retentionYears")
        self.years.setRange(retention.CASE_YEARS.minimum, retention.CASE_YEARS.maximum)
        self.years.setSuffix(years_suffix(2))
        self.years.valueChanged.connect(lambda n: self.years.setSuffix(years_suffix(n)))
        self.save_years = QPushButton(_("Save and show again"))
        self.save_years.setObjectName("saveRetentionYears")
        self.save_years.clicked.connect(self.change_years)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Keep closed cases whole for")))
        row.addWidget(self.years)
        row.addWidget(self.save_years)
        row.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("retentionSummary")
        self.summary.setWordWrap(True)
        self.items = QListWidget()
        self.items.setObjectName("retentionPlan")
        self.items.setWordWrap(True)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.error = error_line()
        self.apply_button = QPushButton(_("Apply…"))
        self.apply_button.setObjectName("applyRetention")
        self.apply_button.clicked.connect(self.apply)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.items, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.plan: RetentionPlan | None = None
        self.show_plan()

    def show_plan(self) -> None:
        self.plan = retention.plan(self.ws)
        self.years.setValue(self.plan.years)
        lines = self.plan.lines()
        self.summary.setText(lines[0])
        self.items.clear()
        self.items.addItems(lines[1:])
        self.apply_button.setEnabled(not self.plan.empty)

    def plan_lines(self) -> list[str]:
        return [self.items.item(i).text() for i in range(self.items.count())]

    def change_years(self) -> bool:
        try:
            retention.set_years(self.ws, self.years.value())
        except MegaCaseError as exc:
            self._fail(exc)
            return False
        self.show_plan()
        return True

    def _fail(self, exc: MegaCaseError) -> None:
        self.show_error_line(self.error, str(exc))

    def apply(self) -> bool:
        plan = self.plan
        count = _("{cases} case(s) and {invoices} invoice record(s)").format(cases=len(plan.cases),
                                                                             invoices=len(plan.invoices))
        if not self.prompter.confirm(self, _("Apply retention"), _("Carry out what is listed for {count}? The removed "
                                     "contents cannot be brought back.").format(count=count), _("Apply")):
            return False
        try:
            self.result_value = retention.apply(self.ws, plan)
        except MegaCaseError as exc:
            self._fail(exc)
            self.show_plan()
            return False
        self.prompter.info(self, _("Retention applied"),
                           _("Done: {count}. Each change is in the audit trail.").format(count=count))
        self.accept()
        return True


class InvoiceRetentionDialog(FittingDialog):
    """Manager only: the invoice data kept after erasures, with their end date. Opening it is audited."""

    preferred = QSize(900, 420)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Invoice data kept after erasure (Art. 17(3)(b))"))
        self.rows = invoice_retention.list_retained(ws, include_purged=True)   # refused for anyone but a manager
        intro = QLabel(_("Kept only because Belgian tax and VAT law requires invoices for 10 years. Not for any other "
                       "use; every look at this list is recorded in the audit trail. Each row is purged by the "
                       "retention run once its date has passed."))
        intro.setObjectName("dialogIntro")
        intro.setWordWrap(True)
        self.model = RetainedInvoicesModel(self)
        self.model.set_rows(self.rows)
        self.table = make_table(self.model, "invoiceRetentionTable")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
