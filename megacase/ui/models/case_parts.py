"""Table models of one case's parts: processor checklist, letters, timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor

from megacase import i18n
from megacase.i18n import N_, _
from megacase.services.integrity.audit import TimelineEntry
from megacase.services.records import ChecklistInfo, LetterInfo
from megacase.services.letters.outbox import STATUS_LABELS
from megacase.services.reports.audit_text import detail_lines, event_label
from megacase.ui.format import moment
from megacase.ui.models.records import Column, RecordTableModel

MUTED = QColor("#6b7280")


def _done(i: ChecklistInfo) -> str:
    return f"{i.done_by} · {moment(i.done_at)}" if i.done_at else _("to do")


class ChecklistModel(RecordTableModel):
    """Checking a box does not change the model: it asks (``toggle_requested``) and the
    controller records it through the service, then the case is reloaded."""

    toggle_requested = Signal(int, bool)   # checklist item id, done
    columns = (
        Column(N_("Processor"), lambda i: i.processor, lambda i: f"{i.processor}: {i.categories}"),
        Column(N_("Step"), lambda i: _(i.action)),
        Column(N_("Done"), _done),
        Column(N_("Note"), lambda i: i.note or ""),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.editable = False

    def set_items(self, items: tuple[ChecklistInfo, ...], editable: bool) -> None:
        self.editable = editable
        self.set_rows(items)

    def progress(self) -> tuple[int, int]:
        return sum(1 for i in self._rows if i.done_at), len(self._rows)

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() == 0 and self.editable:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def extra_data(self, record: ChecklistInfo, column: int, role):
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if record.done_at else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and not record.done_at:
            return QBrush(MUTED)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not (index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole and self.editable):
            return False
        done = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.toggle_requested.emit(self._rows[index.row()].id, done)
        return False


class LettersModel(RecordTableModel):
    columns = (
        Column(N_("Created"), lambda l: moment(l.created_at)),
        Column(N_("Letter"), lambda l: l.subject_line, lambda l: l.template_id),
        Column(N_("Lang."), lambda l: l.language.upper()),
        Column(N_("Status"), lambda l: _(STATUS_LABELS.get(l.status, l.status))
               + (f" {moment(l.sent_at)}" if l.sent_at else "")),
        Column(N_("To"), lambda l: l.recipient),
    )

    def letter_at(self, row: int) -> LetterInfo:
        return self.record_at(row)


def _event_text(e: TimelineEntry) -> str:
    # In the interface's language, as the case file words it in its own. The state after each event is plain
    # from the sequence itself: left out to keep the line short.
    t = i18n.for_language(i18n.current())
    details = " · ".join(f"{k}: {v}" for k, v in detail_lines(e, t) if k != t._("State"))
    label = event_label(e, t)
    return f"{label}\n{details}" if details else label


class TimelineModel(RecordTableModel):
    columns = (
        Column(N_("When"), lambda e: moment(e.at)),
        Column(N_("Who"), lambda e: e.actor),
        Column(N_("Event"), _event_text, lambda e: _event_text(e) + "\n\n"
               + _("Audit event #{seq} · hash {hash}…").format(seq=e.seq, hash=e.hash[:16])),
    )

    def entry_at(self, row: int) -> TimelineEntry:
        return self.record_at(row)

    def extra_data(self, record, column: int, role):
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.ForegroundRole and column < 2:
            return QBrush(MUTED)
        return None
