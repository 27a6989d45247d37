"""The case list: a table model over frozen CaseSummary records, and its filter proxy."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from megacase.domain.references import reference_sort_key
from megacase.i18n import N_, _, format_date, ngettext
from megacase.services.records import CaseSummary
from megacase.ui.models.privacy import PROCESSING, processing_flags, processing_icon

# marked N_(): the English titles are also the keys of the hidden-columns setting
COLUMNS = (N_("Reference"), N_("Subject"), N_("Requests"), N_("State"), N_("Received"), N_("Due"),
           N_("Days left"))
COL_REF, COL_SUBJECT, COL_TYPES, COL_STATE, COL_RECEIVED, COL_DUE, COL_LEFT = range(len(COLUMNS))

OVERDUE = QColor("#b3261e")
DUE_SOON = QColor("#8a5300")
SUSPENDED = QColor("#2f5d8a")
COLOURS = {"overdue": OVERDUE, "due_soon": DUE_SOON, "suspended": SUSPENDED}
SummaryRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


class CaseTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[CaseSummary] = []

    def set_cases(self, rows: list[CaseSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def case_at(self, row: int) -> CaseSummary:
        return self._rows[row]

    def row_of(self, reference: str) -> int:
        for i, c in enumerate(self._rows):
            if c.reference == reference:
                return i
        return -1

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        c = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(c, col)
        if role == SortRole:
            return self._sort_key(c, col)
        if role == SummaryRole:
            return c
        if col == COL_SUBJECT and role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole) \
                and processing_flags(c):    # a restricted or objecting subject is marked wherever it appears
            return processing_icon() if role == Qt.ItemDataRole.DecorationRole else QBrush(PROCESSING)
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_STATE, COL_DUE, COL_LEFT):
            colour = COLOURS.get(c.urgency)
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.FontRole and col == COL_LEFT and c.urgency == "overdue":
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_LEFT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(c)
        return None

    @staticmethod
    def _display(c: CaseSummary, col: int) -> str:
        if col == COL_REF:
            return c.reference
        if col == COL_SUBJECT:
            return c.subject_name
        if col == COL_TYPES:
            return c.types_text
        if col == COL_STATE:
            if c.decided_not_sent:
                return c.state_text
            label = _(c.state.label)
            if c.outcome:
                label += f" · {_(c.outcome.label).lower()}"
            if c.extended and c.is_open:
                label += " · " + _("extended")
            return label
        if col == COL_RECEIVED:
            return format_date(c.received_at, "short")
        if col == COL_DUE:
            return format_date(c.due, "short")
        if col == COL_LEFT:
            if not c.is_open or (c.state.value == "decided" and not c.decided_not_sent):
                return "—"
            if c.overdue:
                return _("{n} late").format(n=-c.days_left)
            return _("paused") if c.suspended else str(c.days_left)
        return ""

    @staticmethod
    def _sort_key(c: CaseSummary, col: int):
        return {COL_REF: reference_sort_key(c.reference), COL_SUBJECT: c.subject_name.lower(), COL_TYPES: c.types_text,
                COL_STATE: c.state.value, COL_RECEIVED: c.received_at.isoformat(), COL_DUE: c.due.isoformat(),
                COL_LEFT: c.days_left if c.is_open and c.state.value != "decided" else 10**6}.get(col, "")

    @staticmethod
    def _tooltip(c: CaseSummary) -> str:
        parts = [f"{c.reference}: {c.types_text}", _("Due {date}").format(date=format_date(c.due, "short"))]
        if c.overdue:
            parts.append(ngettext("Overdue by {n} day", "Overdue by {n} days", -c.days_left).format(n=-c.days_left))
        if c.suspended:
            parts.append(_("Clock suspended: waiting for the subject"))
        if c.extension_possible:
            parts.append(_("Extension notice possible until {date}").format(
                date=format_date(c.extension_last_day, "short")))
        parts.extend(processing_flags(c))
        return "\n".join(parts)


class CaseFilterProxy(QSortFilterProxyModel):
    """Quick filter (open, overdue, …), request type and free-text search."""

    QUICK = ("all", "open", "overdue", "due_soon", "suspended", "extended", "closed")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._quick = "open"
        self._type: str | None = None
        self._text = ""
        self.setSortRole(SortRole)

    def set_quick(self, quick: str) -> None:
        self._refilter(lambda: setattr(self, "_quick", quick))

    def set_request_type(self, rtype: str | None) -> None:
        self._refilter(lambda: setattr(self, "_type", rtype))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().lower()))

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):      # Qt 6.9+
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        c: CaseSummary = self.sourceModel().case_at(source_row)
        return matches(c, self._quick, self._type, self._text)


def matches(c: CaseSummary, quick: str, rtype: str | None, text: str) -> bool:
    ok = {
        "all": True,
        "open": c.is_open,
        "overdue": c.overdue,
        "due_soon": c.due_soon,
        "suspended": c.suspended,
        "extended": c.extended and c.is_open,
        "closed": not c.is_open,
    }.get(quick, True)
    if ok and rtype:
        ok = any(t.value == rtype for t in c.request_types)
    if ok and text:
        ok = text in c.reference.lower() or text in c.subject_name.lower() or text in c.subject_email.lower()
    return ok


def quick_counts(cases: list[CaseSummary], rtype: str | None = None) -> dict[str, int]:
    """How many cases each quick filter shows (within the chosen request type)."""
    return {key: sum(1 for c in cases if matches(c, key, rtype, "")) for key in CaseFilterProxy.QUICK}
