"""Table models of the manager's review: overdue and at-risk cases, and the approvals queue."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from megacase.services.review.approvals import ApprovalInfo
from megacase.services.review.review import OVERDUE, ReviewItem

OVERDUE_INK = QColor("#b3261e")
DUE_SOON_INK = QColor("#8a5300")
RecordRole = Qt.ItemDataRole.UserRole + 1


class _RecordModel(QAbstractTableModel):
    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    def rows(self) -> list:
        return list(self._rows)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        record = self._rows[index.row()]
        if role == RecordRole:
            return record
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.display(record, index.column())
        return self.extra(record, index.column(), role)

    def display(self, record, col: int) -> str:
        raise NotImplementedError

    def extra(self, record, col: int, role):
        return None


class ReviewTableModel(_RecordModel):
    COLUMNS = ("Reference", "Subject", "Requests", "Owner", "Due", "How late", "Waiting on", "Extension")
    COL_LATE = 5

    def display(self, i: ReviewItem, col: int) -> str:
        s = i.summary
        if col == 0:
            return s.reference
        if col == 1:
            return s.subject_name
        if col == 2:
            return s.types_label
        if col == 3:
            return s.owner or "—"
        if col == 4:
            return f"{s.due:%d/%m/%Y}"
        if col == 5:
            return i.lateness
        if col == 6:
            return "\n".join(i.waiting_on)
        if col == 7:
            if s.extended:
                return "Extended"
            if s.extension_possible:
                return f"Possible until {s.extension_last_day:%d/%m/%Y}"
            return "No longer possible"
        return ""

    def extra(self, i: ReviewItem, col: int, role):
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_LATE:
            return QBrush(OVERDUE_INK if i.status == OVERDUE else DUE_SOON_INK)
        if role == Qt.ItemDataRole.FontRole and col in (0, self.COL_LATE) and i.status == OVERDUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == 7:
            return "\n".join(f"{e.at:%d/%m/%Y} {e.what}" for e in i.extension_history) or None
        return None


class ApprovalTableModel(_RecordModel):
    COLUMNS = ("#", "Reference", "What", "Asked by", "Asked on", "Grounds / reason", "Due", "Officer's note")

    def display(self, a: ApprovalInfo, col: int) -> str:
        if col == 0:
            return str(a.id)
        if col == 1:
            return a.reference
        if col == 2:
            return a.kind_label if a.status == "pending" else f"{a.kind_label} ({a.status_label.lower()})"
        if col == 3:
            return a.requested_by
        if col == 4:
            return f"{a.requested_at:%d/%m/%Y %H:%M}"
        if col == 5:
            if a.kind == "extension":
                return f"Extension notice possible until {a.extension_last_day:%d/%m/%Y}"
            return a.legal_ground or "—"
        if col == 6:
            return f"{a.due:%d/%m/%Y}"
        if col == 7:
            return a.note or ""
        return ""
