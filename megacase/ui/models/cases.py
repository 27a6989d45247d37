"""The case list: a table model over frozen CaseSummary records, and its filter proxy.

What filtering and sorting need is computed once per load, in the worker that read the list
(``prepare``): a keystroke, a quick filter or a sort is then one pass over plain lists, never a
``data()`` call per row (at 100,000 cases Qt's sort proxy called it 2.6 million times a sort).
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QAbstractProxyModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from megacase.domain.references import reference_sort_key
from megacase.domain.requests import RequestType
from megacase.i18n import N_, _, format_date, ngettext
from megacase.services.records import CaseSummary
from megacase.ui.models.privacy import PROCESSING, processing_flags, processing_icon

# marked N_(): the English titles are also the keys of the hidden-columns setting
COLUMNS = (N_("Reference"), N_("Subject"), N_("Requests"), N_("State"), N_("Received"), N_("Due"),
           N_("Days left"))
COL_REF, COL_SUBJECT, COL_TYPES, COL_STATE, COL_RECEIVED, COL_DUE, COL_LEFT = range(len(COLUMNS))
# The order the columns are shown in: who, when it is due (the deadline is what the officer watches), where it
# stands, then the rest. At a laptop's width the first four are in view without scrolling sideways. Only the
# header's visual order: the model's column numbers (sorting, the hidden-columns setting) stay as above.
READING_ORDER = (COL_REF, COL_SUBJECT, COL_DUE, COL_STATE, COL_LEFT, COL_TYPES, COL_RECEIVED)

OVERDUE = QColor("#b3261e")
DUE_SOON = QColor("#8a5300")
SUSPENDED = QColor("#2f5d8a")
COLOURS = {"overdue": OVERDUE, "due_soon": DUE_SOON, "suspended": SUSPENDED}
SummaryRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
QUICK = ("all", "open", "overdue", "due_soon", "suspended", "extended", "closed")
QUICK_BIT = {key: 1 << n for n, key in enumerate(QUICK)}
QUICK_BIT["all"] = 0          # no test: every case passes
TYPE_BIT = {t.value: 1 << n for n, t in enumerate(RequestType)}


class CaseRows:
    """The cases of a list with what filtering and sorting need, computed once (off the GUI thread when
    built by ``prepare``): a lower-case search text, the quick filters each case passes (one bit each),
    its request types (one bit each), and sort orders per column (the due-date order up front, the others
    on first use)."""

    def __init__(self, cases: list[CaseSummary]):
        self.cases = list(cases)
        self.search = [f"{c.reference}\n{c.subject_name}\n{c.subject_email}".lower() for c in self.cases]
        self.quick = [quick_bits(c) for c in self.cases]
        self.types = [_type_bits(c.request_types) for c in self.cases]
        self._keys: dict[int, list] = {}
        self._orders: dict[tuple[int, bool], list[int]] = {}
        self._rows_by_reference: dict[str, int] | None = None
        self.longest_reference = max(self.cases, key=lambda c: len(c.reference), default=None)
        self.order(COL_DUE)
        self.row_of("")

    def __len__(self) -> int:
        return len(self.cases)

    def order(self, column: int, descending: bool = False) -> list[int]:
        """Row numbers in order of ``column`` (a stable sort: ties keep the list's order, as in Qt)."""
        if (column, descending) not in self._orders:
            if column not in self._keys:
                self._keys[column] = [_sort_key(c, column) for c in self.cases]
            keys = self._keys[column]
            self._orders[column, descending] = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
        return self._orders[column, descending]

    def row_of(self, reference: str) -> int:
        if self._rows_by_reference is None:
            self._rows_by_reference = {c.reference: i for i, c in enumerate(self.cases)}
        return self._rows_by_reference.get(reference, -1)

    def counts(self, rtype: str | None) -> dict[str, int]:
        """How many cases each quick filter shows, within request type ``rtype``."""
        combos = Counter(zip(self.quick, self.types))
        tbit = TYPE_BIT.get(rtype, -1) if rtype else 0
        return {key: sum(n for (bits, types), n in combos.items()
                         if (key == "all" or bits & QUICK_BIT[key]) and (not tbit or types & tbit > 0))
                for key in QUICK}


def prepare(cases: list[CaseSummary]) -> CaseRows:
    """The list's rows with their filter and sort keys: call it in the worker that read the cases."""
    return CaseRows(cases)


class CaseTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows = CaseRows([])
        self._rows: list[CaseSummary] = []

    def set_cases(self, rows: list[CaseSummary] | CaseRows) -> None:
        prepared = rows if isinstance(rows, CaseRows) else CaseRows(rows)
        self.beginResetModel()
        self.rows = prepared
        self._rows = prepared.cases
        self.endResetModel()

    def case_at(self, row: int) -> CaseSummary:
        return self._rows[row]

    def row_of(self, reference: str) -> int:
        return self.rows.row_of(reference)

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
            return self.display(c, col)
        if role == SortRole:
            return _sort_key(c, col)
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
    def display(c: CaseSummary, col: int) -> str:
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
    def _tooltip(c: CaseSummary) -> str:
        # the state whole: on a narrow list its column elides a long one
        parts = [f"{c.reference}: {c.types_text}", CaseTableModel.display(c, COL_STATE),
                 _("Due {date}").format(date=format_date(c.due, "short"))]
        if c.overdue:
            parts.append(ngettext("Overdue by {n} day", "Overdue by {n} days", -c.days_left).format(n=-c.days_left))
        if c.suspended:
            parts.append(_("Clock suspended: waiting for the subject"))
        if c.extension_possible:
            parts.append(_("Extension notice possible until {date}").format(
                date=format_date(c.extension_last_day, "short")))
        parts.extend(processing_flags(c))
        return "\n".join(parts)


def _sort_key(c: CaseSummary, col: int):
    if col == COL_REF:
        return reference_sort_key(c.reference)
    if col == COL_SUBJECT:
        return c.subject_name.lower()
    if col == COL_TYPES:
        return c.types_text
    if col == COL_STATE:
        return c.state.value
    if col == COL_RECEIVED:
        return c.received_at.isoformat()
    if col == COL_DUE:
        return c.due.isoformat()
    if col == COL_LEFT:
        return c.days_left if c.is_open and c.state.value != "decided" else 10**6
    return ""


class CaseFilterProxy(QAbstractProxyModel):
    """Quick filter (open, overdue, …), request type and free-text search, and the sort order.

    Works on the keys ``CaseRows`` computed once per load: a keystroke or a quick filter is one pass
    over plain Python lists, and a sort a precomputed order, never a call of ``data()`` per row.
    """

    QUICK = QUICK

    def __init__(self, parent=None):
        super().__init__(parent)
        self._quick = "open"
        self._type: str | None = None
        self._text = ""
        self._column = -1
        self._order = Qt.SortOrder.AscendingOrder
        self._shown: list[int] = []            # source rows shown, in display order
        self._position: dict[int, int] | None = None

    # --- the API of the filters ------------------------------------------------------------------
    def set_quick(self, quick: str) -> None:
        self._quick = quick
        self._relayout()

    def set_request_type(self, rtype: str | None) -> None:
        self._type = rtype
        self._relayout()

    def set_text(self, text: str) -> None:
        self._text = text.strip().lower()
        self._relayout()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self._column, self._order = column, order
        self._relayout()

    def shown_cases(self) -> list[CaseSummary]:
        cases = self.sourceModel().rows.cases if self.sourceModel() is not None else []
        return [cases[r] for r in self._shown]

    def sortColumn(self) -> int:
        return self._column

    def sortOrder(self):
        return self._order

    # --- computing the rows shown ------------------------------------------------------------------
    def _compute(self) -> list[int]:
        model = self.sourceModel()
        if model is None:
            return []
        rows: CaseRows = model.rows
        if 0 <= self._column < len(COLUMNS):
            order = rows.order(self._column, self._order == Qt.SortOrder.DescendingOrder)
        else:
            order = range(len(rows))
        bit, text = QUICK_BIT.get(self._quick, 0), self._text
        tbit = TYPE_BIT.get(self._type, 0) if self._type else 0
        if self._type and not tbit:        # an unknown request type: no case has it
            return []
        quick, types, search = rows.quick, rows.types, rows.search
        return [r for r in order if (not bit or quick[r] & bit) and (not tbit or types[r] & tbit)
                and (not text or text in search[r])]

    def _relayout(self) -> None:
        """New rows shown; selected and current rows follow their case (like QSortFilterProxyModel)."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [(self._shown[i.row()], i.column()) for i in before]
        self._shown = self._compute()
        self._position = None
        if before:
            pos = self._positions()
            after = [self.index(pos[r], c) if r in pos else QModelIndex() for r, c in held]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _positions(self) -> dict[int, int]:
        if self._position is None:
            self._position = {r: i for i, r in enumerate(self._shown)}
        return self._position

    def _source_about_to_reset(self) -> None:
        self.beginResetModel()

    def _source_reset(self) -> None:
        self._shown = self._compute()
        self._position = None
        self.endResetModel()

    # --- QAbstractProxyModel -----------------------------------------------------------------------
    def setSourceModel(self, model) -> None:
        self.beginResetModel()
        old = self.sourceModel()
        if old is not None:
            old.modelAboutToBeReset.disconnect(self._source_about_to_reset)
            old.modelReset.disconnect(self._source_reset)
        super().setSourceModel(model)
        model.modelAboutToBeReset.connect(self._source_about_to_reset)
        model.modelReset.connect(self._source_reset)
        self._shown = self._compute()
        self._position = None
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def hasChildren(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and bool(self._shown)

    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._shown)) or not (0 <= column < len(COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index=None):
        if index is None:              # QObject.parent()
            return super().parent()
        return QModelIndex()

    def sibling(self, row: int, column: int, index) -> QModelIndex:
        return self.index(row, column)

    def mapToSource(self, index) -> QModelIndex:
        if not index.isValid() or not (0 <= index.row() < len(self._shown)) or self.sourceModel() is None:
            return QModelIndex()
        return self.sourceModel().index(self._shown[index.row()], index.column())

    def mapFromSource(self, index) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        row = self._positions().get(index.row())
        return QModelIndex() if row is None else self.index(row, index.column())

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and self.sourceModel() is not None:
            return self.sourceModel().headerData(section, orientation, role)
        return None


def _type_bits(types) -> int:
    bits = 0
    for t in types:
        bits |= TYPE_BIT[t.value]
    return bits


def quick_bits(c: CaseSummary) -> int:
    """The quick filters ``c`` passes, one bit each: the rule of every quick filter, in one place
    (what each means is the summary's, from domain.case_status)."""
    bits = 0
    if c.is_open:
        bits |= QUICK_BIT["open"]
        if c.extended:
            bits |= QUICK_BIT["extended"]
    else:
        bits |= QUICK_BIT["closed"]
    if c.overdue:
        bits |= QUICK_BIT["overdue"]
    if c.due_soon:
        bits |= QUICK_BIT["due_soon"]
    if c.suspended:
        bits |= QUICK_BIT["suspended"]
    return bits


def matches(c: CaseSummary, quick: str, rtype: str | None, text: str) -> bool:
    ok = quick not in QUICK_BIT or quick == "all" or bool(quick_bits(c) & QUICK_BIT[quick])
    if ok and rtype:
        ok = any(t.value == rtype for t in c.request_types)
    if ok and text:
        ok = text in c.reference.lower() or text in c.subject_name.lower() or text in c.subject_email.lower()
    return ok


def quick_counts(cases: list[CaseSummary], rtype: str | None = None) -> dict[str, int]:
    """How many cases each quick filter shows (within the chosen request type)."""
    return CaseRows(cases).counts(rtype) if not isinstance(cases, CaseRows) else cases.counts(rtype)
