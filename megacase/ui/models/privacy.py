"""Table models of the processor register, a case's processor steps and the invoices kept after erasure."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from megacase.i18n import N_, _
from megacase.services.privacy.invoice_retention import RetainedInvoices
from megacase.services.privacy.processor_steps import ProcessorSteps, Step, ground_text
from megacase.services.privacy.processors import ProcessorInfo
from megacase.ui.format import short_day
from megacase.ui.models.records import Column, RecordTableModel

MUTED = QColor("#6b7280")
KEPT = QColor("#8a5300")
DONE = QColor("#1b6e3a")
PROCESSING = QColor("#6b3fa0")     # restriction / objection: a colour no deadline state uses
_ICON: list[QIcon] = []


def processing_flags(c) -> list[str]:
    """What the case list says about a subject whose processing is held (a CaseSummary)."""
    flags = []
    if c.restricted:
        flags.append(_("Processing restricted (Art. 18): data only stored"))
    if c.processing_suspended:
        flags.append(_("Processing suspended (Art. 21 objection)"))
    return flags


def processing_icon() -> QIcon:
    """A small purple 'pause' badge beside the subject's name (made once, after the QApplication exists)."""
    if not _ICON:
        pixmap = QPixmap(14, 14)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PROCESSING)
        painter.drawRoundedRect(QRectF(0, 0, 14, 14), 3, 3)
        painter.setBrush(QColor("white"))
        painter.drawRect(QRectF(4, 3.5, 2, 7))
        painter.drawRect(QRectF(8, 3.5, 2, 7))
        painter.end()
        _ICON.append(QIcon(pixmap))
    return _ICON[0]


class ProcessorTableModel(RecordTableModel):
    columns = (
        Column(N_("Processor"), lambda p: p.name, lambda p: f"{p.name}: {p.role}"),
        Column(N_("Role"), lambda p: p.role),
        Column(N_("Categories of personal data"), lambda p: p.categories),
        Column(N_("Location and transfers"), lambda p: p.location or "—"),
        Column(N_("Art. 19 notice"), lambda p: p.notice_channel or "—"),
    )

    def extra_data(self, record: ProcessorInfo, column: int, role):
        if role == Qt.ItemDataRole.ForegroundRole and not record.active:
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and not record.active:
            return _("{name} is no longer used: it is left out of new cases' checklists.").format(name=record.name)
        return None


def step_text(step: Step | None) -> str:
    if step is None:
        return "—"
    text = step.label_text
    if step.ground:
        text += f" — {ground_text(step.ground)}"
    return text


def _step_colour(step: Step | None):
    if step is None or not step.done:
        return QBrush(MUTED)
    return QBrush(KEPT if step.status in ("kept", "not_notified") else DONE)


class StepsModel(RecordTableModel):
    """One row per processor: what was done there, and the Art. 19 notice."""

    columns = (
        Column(N_("Processor"), lambda r: r.processor, lambda r: f"{r.processor}: {r.categories}"),
        Column(N_("At the processor"), lambda r: step_text(r.act)),
        Column(N_("Art. 19 notice"), lambda r: step_text(r.notify)),
        Column(N_("How to reach them"), lambda r: r.notice_channel or _("not recorded in the register")),
    )

    def extra_data(self, record: ProcessorSteps, column: int, role):
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, 2):
            return _step_colour(record.act if column == 1 else record.notify)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and not record.notice_channel:
            return QBrush(MUTED)
        return None


class RetainedInvoicesModel(RecordTableModel):
    columns = (
        Column(N_("Kept until"), lambda r: short_day(r.retain_until)),
        Column(N_("Case"), lambda r: r.case_reference or "—"),
        Column(N_("Subject"), lambda r: r.subject_reference),
        Column(N_("Holder"), lambda r: _("[purged]") if r.purged else (r.holder_name or "")),
        Column(N_("Address"), lambda r: "" if r.purged else (r.holder_address or "")),
        Column(N_("Invoices"), lambda r: r.invoice_refs),
        Column(N_("Legal ground"), lambda r: r.legal_ground),
    )

    def extra_data(self, record: RetainedInvoices, column: int, role):
        if role == Qt.ItemDataRole.ForegroundRole and record.purged:
            return QBrush(MUTED)
        return None
