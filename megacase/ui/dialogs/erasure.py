"""The erasure of a case: what was done at each processor, the Art. 19 notices, then forgetting the subject.

The dialog records each processor's step through the services as the officer
goes (each is its own audited action) and shows what still stands in the way
of the erasure; the service decides, the dialog only shows its answer. The
last button, after a confirmation, erases the subject in MegaCase itself.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout)

from megacase.errors import MegaCaseError
from megacase.i18n import _, format_date
from megacase.services.privacy import erasure, processor_steps
from megacase.services.privacy.erasure import ErasureResult, InvoiceKeep
from megacase.services.privacy.processor_steps import (CLAIMS_GROUND, INVOICE_GROUND, NOTICE_EXEMPTIONS, ProcessorSteps,
                                                       ground_text)
from megacase.services.workspace import Workspace
from megacase.ui.models.privacy import StepsModel
from megacase.ui.prompter import Prompter
from megacase.ui.widgets.tables import make_table
from megacase.ui.dialogs.base import FittingDialog, WrappedLabel


def _offer(combo: QComboBox, choices) -> None:
    """The officer reads each fixed ground or reason in the interface language; the English is what is recorded."""
    for text in choices:
        combo.addItem(ground_text(text), text)


def _chosen(combo: QComboBox) -> str:
    """The English of an offered choice, or what the officer typed (a ground of their own, kept as written)."""
    typed = combo.currentText().strip()
    index = combo.findText(typed)
    return combo.itemData(index) if index >= 0 and combo.itemData(index) else typed


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class ErasureDialog(FittingDialog):
    preferred = QSize(900, 640)

    def __init__(self, ws: Workspace, reference: str, prompter: Prompter, parent=None):
        super().__init__(parent)
        self.ws, self.reference, self.prompter = ws, reference, prompter
        self.result_value: ErasureResult | None = None
        self.changed = False             # a step was recorded: the window reloads the case
        self.setWindowTitle(_("Erasure — {reference}").format(reference=reference))

        self.intro = QLabel()
        self.intro.setObjectName("dialogIntro")
        self.intro.setWordWrap(True)
        self.model = StepsModel(self)
        self.table = make_table(self.model, "erasureSteps", stretch_column=1)

        # What was done at the selected processor.
        self.ground = QComboBox()
        self.ground.setObjectName("keepGround")
        self.ground.setEditable(True)
        _offer(self.ground, (INVOICE_GROUND, CLAIMS_GROUND))
        self.ground.setToolTip(ground_text(INVOICE_GROUND))
        self.erased_button = QPushButton(_("Erased there"))
        self.erased_button.setObjectName("markErased")
        self.erased_button.setToolTip(_("The data at this processor were erased (or it held none: say so in a note)."))
        self.kept_button = QPushButton(_("Kept under this ground"))
        self.kept_button.setObjectName("markKept")
        self.sent_on = QDateEdit()
        self.sent_on.setObjectName("noticeDate")
        self.sent_on.setCalendarPopup(True)
        self.sent_on.setDisplayFormat("dd/MM/yyyy")
        self.notified_button = QPushButton(_("Notice sent on this day"))
        self.notified_button.setObjectName("markNotified")
        # A notice is recorded by its letter leaving the outbox (Compose → Art. 19 notice), never by hand.
        self.sent_on.hide()
        self.notified_button.hide()
        self.notice_hint = QLabel(_("Sent: recorded when the Art. 19 notice letter leaves the outbox."))
        self.notice_hint.setObjectName("muted")
        self.reason = QComboBox()
        self.reason.setObjectName("noNoticeReason")
        self.reason.setEditable(True)
        _offer(self.reason, NOTICE_EXEMPTIONS)
        for combo in (self.ground, self.reason):   # long texts must not squeeze the labels out of the form
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
            combo.lineEdit().setCursorPosition(0)   # a long ground shows its beginning, not its end
        self.no_notice_button = QPushButton(_("No notice, because"))
        self.no_notice_button.setObjectName("markNoNotice")
        self.erased_button.clicked.connect(lambda: self._record("erased"))
        self.kept_button.clicked.connect(lambda: self._record("kept"))
        self.notified_button.clicked.connect(lambda: self._record("notified"))
        self.no_notice_button.clicked.connect(lambda: self._record("no_notice"))

        step_box = QGroupBox(_("Selected processor"))
        grid = QFormLayout(step_box)
        act_row = QHBoxLayout()
        act_row.addWidget(self.erased_button)
        act_row.addSpacing(12)
        act_row.addWidget(self.kept_button)
        act_row.addWidget(self.ground, 1)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice_hint)
        notice_row.addSpacing(12)
        notice_row.addWidget(self.no_notice_button)
        notice_row.addWidget(self.reason, 1)
        grid.addRow(_("At the processor"), act_row)
        grid.addRow(_("Art. 19 notice"), notice_row)

        # Invoice references kept apart (manager only) under Art. 17(3)(b).
        invoice_box = QGroupBox(_("Invoice references kept under Art. 17(3)(b) (optional)"))
        inv = QFormLayout(invoice_box)
        self.invoices = QLineEdit()
        self.invoices.setObjectName("invoiceRefs")
        self.invoices.setPlaceholderText(_("e.g. F-2026-0042, F-2026-0107 (as in the accounting system)"))
        self.last_invoice = QDateEdit()
        self.last_invoice.setObjectName("lastInvoice")
        self.last_invoice.setCalendarPopup(True)
        self.last_invoice.setDisplayFormat("dd/MM/yyyy")
        self.until = WrappedLabel()          # one line at the form's width, not two at the label's smallest
        self.until.setObjectName("muted")
        self.until.setWordWrap(True)
        self.last_invoice.dateChanged.connect(self._show_until)
        inv.addRow(_("Invoices"), self.invoices)
        inv.addRow(_("Date of the last invoice"), self.last_invoice)
        inv.addRow("", self.until)

        self.blockers = QLabel()
        self.blockers.setObjectName("erasureBlockers")
        self.blockers.setWordWrap(True)
        self.blockers.setTextFormat(Qt.TextFormat.RichText)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.erase_button = QPushButton(_("Erase the subject…"))
        self.erase_button.setObjectName("eraseSubject")
        self.erase_button.clicked.connect(self.erase)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(step_box)
        layout.addWidget(invoice_box)
        layout.addWidget(self.blockers)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        today = _qdate(ws.today())
        self.sent_on.setDate(today)
        self.sent_on.setMaximumDate(today)
        self.last_invoice.setDate(today)
        self.last_invoice.setMaximumDate(today)
        self._show_until()
        self.reload()
        if self.model.rowCount():
            self.table.selectRow(0)

    # --- showing -------------------------------------------------------------------------------
    def reload(self) -> None:
        ready = erasure.readiness(self.ws, self.reference)
        self.readiness = ready
        current = self.table.currentIndex().row()
        self.model.set_rows(ready.steps)
        if 0 <= current < self.model.rowCount():
            self.table.selectRow(current)
        self.intro.setText(
            _("<b>{reference}</b>, subject <b>{subject}</b>. Record for each processor whether "
              "the data were erased there or kept under a named legal ground, and the Art. 19 notice (with its date) "
              "or why none is sent. Erasing the subject in MegaCase comes last: the notices and the confirmation "
              "letter need the person's name and address. Cases that become anonymous skeletons: "
              "{cases}.").format(reference=ready.reference, subject=ready.subject_reference,
                                 cases=", ".join(ready.cases)))
        if ready.already_erased:
            text = _("<b>The subject was erased.</b> Only the anonymous case skeleton remains.")
        elif ready.blockers:
            text = _("<b>Not yet:</b>") + "<ul>" + "".join(f"<li>{b}</li>" for b in ready.blockers) + "</ul>"
        else:
            text = _("<b>Ready.</b> Everything is recorded and the confirmation letter was sent.")
        self.blockers.setText(text)
        self.erase_button.setEnabled(ready.ready)
        editable = not ready.already_erased
        for w in (self.erased_button, self.kept_button, self.notified_button, self.no_notice_button):
            w.setEnabled(editable)

    def _show_until(self) -> None:
        d = self.last_invoice.date()
        until = erasure.retain_until(_day(d))
        self.until.setText(_("Kept, visible to a manager only, until {date} (10 years from 1 January after "
                             "the last invoice, Belgian VAT Code); then purged by the retention run.").format(
            date=format_date(until, "short")))

    def selected(self) -> ProcessorSteps | None:
        row = self.table.currentIndex().row()
        return self.model.record_at(row) if 0 <= row < self.model.rowCount() else None

    def select_processor(self, name: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.record_at(row).processor == name:
                self.table.selectRow(row)
                return True
        return False

    def _fail(self, exc: MegaCaseError) -> None:
        self.error.setText(str(exc))
        self.error.show()

    # --- acting --------------------------------------------------------------------------------
    def _record(self, what: str) -> bool:
        row = self.selected()
        if row is None:
            self._fail(MegaCaseError(_("Select a processor in the list first.")))
            return False
        d = self.sent_on.date()
        try:
            if what == "erased":
                processor_steps.record_done(self.ws, self.reference, row.processor_id)
            elif what == "kept":
                processor_steps.record_kept(self.ws, self.reference, row.processor_id, _chosen(self.ground))
            elif what == "notified":
                processor_steps.record_notice(self.ws, self.reference, row.processor_id, _day(d))
            else:
                processor_steps.record_no_notice(self.ws, self.reference, row.processor_id, _chosen(self.reason))
        except MegaCaseError as exc:
            self._fail(exc)
            return False
        self.error.hide()
        self.changed = True
        self.reload()
        return True

    def invoice_keep(self) -> InvoiceKeep | None:
        refs = self.invoices.text().strip()
        if not refs:
            return None
        d = self.last_invoice.date()
        return InvoiceKeep(refs, _day(d))

    def erase(self) -> bool:
        keep = self.invoice_keep()
        kept = (" " + _("The invoice references {invoices} are kept apart, for a manager only, until {date}.").format(
            invoices=keep.refs, date=format_date(erasure.retain_until(keep.last_invoice_on), "short"))
                if keep else "")
        text = (_("Erase subject {subject} everywhere in MegaCase? Their name, e-mail "
                  "address, postal address and customer number are removed, their key is destroyed (notes, letters "
                  "and the personal parts of the audit trail become unreadable), and cases "
                  "{cases} become anonymous skeletons.").format(subject=self.readiness.subject_reference,
                                                                cases=", ".join(self.readiness.cases))
                + kept + "\n\n" + _("This cannot be undone."))
        if not self.prompter.confirm(self, _("Erase the subject"), text, _("Erase for good")):
            return False
        try:
            result = erasure.erase(self.ws, self.reference, keep)
        except MegaCaseError as exc:
            self._fail(exc)
            self.reload()
            return False
        self.result_value = result
        self.changed = True
        done = _("Subject {subject} erased; cases {cases} are anonymous skeletons.").format(
            subject=result.subject_reference, cases=", ".join(result.cases))
        if result.retain_until:
            done += " " + _("Invoice references kept until {date} (manager only).").format(
                date=format_date(result.retain_until, "short"))
        self.prompter.info(self, _("Subject erased"), f"{done}\n\n{_(result.outside)}")
        self.accept()
        return True
