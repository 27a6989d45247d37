"""Table models of the manager's review: overdue and at-risk cases, and the approvals queue."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from megacase.i18n import N_, _
from megacase.services.review.approvals import ApprovalInfo
from megacase.services.review.review import OVERDUE, ReviewItem
from megacase.ui.format import moment, short_day

OVERDUE_INK = QColor("#b3261e")
DUE_SOON_INK = QColor("#8a5300")
RecordRole = Qt.ItemDataRole.UserRole + 1


class _RecordModel(QAbstractTableModel):
    COLUMNS: tuple[str, ...] = ()      # marked N_(): translated where the header is shown

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
            return _(self.COLUMNS[section])
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
    COLUMNS = (N_("Reference"), N_("Subject"), N_("Requests"), N_("Owner"), N_("Due"), N_("How late"),
               N_("Waiting on"), N_("Extension"))
    COL_LATE = 5

    def display(self, i: ReviewItem, col: int) -> str:
        s = i.summary
        if col == 0:
            return s.reference
        if col == 1:
            return s.subject_name
        if col == 2:
            return s.types_text
        if col == 3:
            return s.owner or "—"
        if col == 4:
            return short_day(s.due)
        if col == 5:
            return i.lateness
        if col == 6:
            return "\n".join(i.waiting_on)
        if col == 7:
            if s.extended:
                return _("Extended")
            if s.extension_possible:
                return _("Possible until {date}").format(date=short_day(s.extension_last_day))
            return _("No longer possible")
        return ""

    def extra(self, i: ReviewItem, col: int, role):
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_LATE:
            return QBrush(OVERDUE_INK if i.status == OVERDUE else DUE_SOON_INK)
        if role == Qt.ItemDataRole.FontRole and col in (0, self.COL_LATE) and i.status == OVERDUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == 7:
            return "\n".join(f"{short_day(e.at)} {e.what}" for e in i.extension_history) or None
        return None


class ApprovalTableModel(_RecordModel):
    COLUMNS = ("#", N_("Reference"), N_("What"), N_("Asked by"), N_("Asked on"), N_("Grounds / reason"), N_("Due"),
               N_("Officer's note"))

    def display(self, a: ApprovalInfo, col: int) -> str:
        if col == 0:
            return str(a.id)
        if col == 1:
            return a.reference
        if col == 2:
            return _(a.kind_label) if a.status == "pending" else f"{_(a.kind_label)} ({_(a.status_label).lower()})"
        if col == 3:
            return a.requested_by
        if col == 4:
            return moment(a.requested_at)
        if col == 5:
            if a.kind == "extension":
                return _("Extension notice possible until {date}").format(date=short_day(a.extension_last_day))
            return a.legal_ground or "—"
        if col == 6:
            return short_day(a.due)
        if col == 7:
            return a.note or ""
        return ""
