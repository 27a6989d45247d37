"""The case list: quick-filter chips with counts, a request-type filter, search, and the table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QMenu,
                               QTableView, QToolButton, QVBoxLayout, QWidget)

from megacase.domain.requests import RequestType
from megacase.services.records import CaseSummary
from megacase.i18n import N_, _
from megacase.ui.widgets.flow import FlowLayout
from megacase.ui.models.cases import (COL_DUE, COL_REF, COL_STATE, COL_SUBJECT, COLUMNS, READING_ORDER,
                                      CaseFilterProxy, CaseRows, CaseTableModel, SummaryRole)
from megacase.ui.widgets.tables import show_in_order

QUICK_FILTERS = (("open", N_("Open")), ("overdue", N_("Overdue")), ("due_soon", N_("Due soon")),
                 ("suspended", N_("Suspended")), ("extended", N_("Extended")), ("closed", N_("Closed")),
                 ("all", N_("All")))


SUBJECT_MIN, SUBJECT_MAX = 130, 200   # pixels: the subject column's fitted width
STATE_MIN = 110                       # pixels: a long state is elided down to this, no further
SORT_ARROW = 16                       # pixels: the sort indicator beside a header's title


def fitted_width(table: QTableView, sample: list[CaseSummary], col: int) -> int:
    """A column as wide as its header and its widest text in ``sample``; the subject's name between
    SUBJECT_MIN and SUBJECT_MAX (readable; a very long one is elided, it does not widen the column)."""
    text, head = table.fontMetrics(), table.horizontalHeader().fontMetrics()
    widest = max((text.horizontalAdvance(CaseTableModel.display(c, col)) for c in sample), default=0)
    width = max(60, widest + 24, head.horizontalAdvance(_(COLUMNS[col])) + 28 + SORT_ARROW)
    if col == COL_SUBJECT:
        width = min(max(width, SUBJECT_MIN), SUBJECT_MAX)
    return width


class CaseListView(QWidget):
    current_changed = Signal(object)   # the reference now selected, or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("caseListView")
        self.model = CaseTableModel(self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._cases: list[CaseSummary] = []
        self._announced: str | None = None   # the reference last sent with current_changed

        self.chips: dict[str, QToolButton] = {}
        self._chip_group = QButtonGroup(self)
        self._chip_group.setExclusive(True)
        chips = FlowLayout(spacing=4)          # the chips wrap on a narrow window instead of widening it
        for key, label in QUICK_FILTERS:
            chip = QToolButton()
            chip.setObjectName("chip")
            chip.setProperty("filter", key)
            chip.setProperty("label", _(label))
            chip.setText(_(label))
            chip.setCheckable(True)
            chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            chip.clicked.connect(lambda _checked=False, k=key: self.set_quick(k))
            self._chip_group.addButton(chip)
            self.chips[key] = chip
            chips.addWidget(chip)

        self.type_filter = QComboBox()
        self.type_filter.setObjectName("typeFilter")
        self.type_filter.addItem(_("All request types"), "")
        for t in RequestType:
            self.type_filter.addItem(f"{_(t.label)} ({t.article})", t.value)
        self.type_filter.currentIndexChanged.connect(self._type_changed)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Search reference, name or e-mail   (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._text_changed)
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.type_filter)

        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        # Widths are fitted once per load from a sample (_fit_columns): ResizeToContents asked every
        # row's data again on each selection and filter change, 0.2 s a click at 10,000 cases.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)   # room to spare goes to the last column, never taken from a name
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(60)
        show_in_order(self.table, READING_ORDER)
        self._state_width = 0                # the state column's fitted width, before _fit_state
        self.table.viewport().installEventFilter(self)      # a narrower list: the state gives up its tail
        self.table.selectionModel().currentRowChanged.connect(self._sync_current)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 6, 8)
        layout.setSpacing(8)
        layout.addLayout(chips)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self.set_quick("open")

    # --- columns ----------------------------------------------------------------------------------
    def _column_menu(self, pos) -> None:
        menu = QMenu(self)
        for col, title in enumerate(COLUMNS):
            if col in (COL_REF, COL_SUBJECT):
                continue
            action = menu.addAction(_(title))   # the English title stays the settings key
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def hidden_columns(self) -> str:
        return ",".join(t for c, t in enumerate(COLUMNS) if self.table.isColumnHidden(c))

    def set_hidden_columns(self, titles: str) -> None:
        hidden = {t.strip() for t in titles.split(",")}
        for col, title in enumerate(COLUMNS):
            self.table.setColumnHidden(col, title in hidden and col not in (COL_REF, COL_SUBJECT))

    # --- filters ----------------------------------------------------------------------------------
    def set_quick(self, key: str) -> None:
        self.chips[key].setChecked(True)
        self.proxy.set_quick(key)
        self._sync_current()

    def quick(self) -> str:
        return next(k for k, chip in self.chips.items() if chip.isChecked())

    def set_request_type(self, value: str) -> None:
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(value or "")))

    def request_type(self) -> str:
        return self.type_filter.currentData() or ""

    def _type_changed(self) -> None:
        self.proxy.set_request_type(self.request_type() or None)
        self._update_counts()
        self._sync_current()

    def _text_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._sync_current()

    def _update_counts(self) -> None:
        counts = self.model.rows.counts(self.request_type() or None)
        for key, chip in self.chips.items():
            chip.setText(f"{chip.property('label')}  {counts[key]}")

    # --- rows -------------------------------------------------------------------------------------
    def set_cases(self, cases: list[CaseSummary] | CaseRows) -> None:
        """New rows (best prepared off the GUI thread), keeping the selected case selected when it is still shown."""
        current = self._announced
        self.table.selectionModel().blockSignals(True)
        self.model.set_cases(cases)
        self._cases = self.model.rows.cases
        if current:
            self.select_reference(current, reveal=False)
        self.table.selectionModel().blockSignals(False)
        self._fit_columns()
        self._update_counts()
        self._sync_current()

    def _fit_columns(self) -> None:
        """Each column as wide as its header and its widest text among the first and last 60 cases
        and the longest reference (so a reference is never cut)."""
        rows = self.model.rows
        sample = rows.cases[:60] + rows.cases[-60:] + ([rows.longest_reference] if rows.cases else [])
        for col in range(len(COLUMNS)):
            self.table.setColumnWidth(col, fitted_width(self.table, sample, col))
        self._state_width = self.table.columnWidth(COL_STATE)
        self._fit_state()

    def _fit_state(self) -> None:
        """Reference, subject, due date and state stay in view without scrolling (a laptop's list is about 620 px
        wide): a long state ("Decided, reply not sent" in French or Dutch) is elided rather than pushed past the
        edge; the row's tooltip says it whole. The columns after it are one scroll away."""
        if not self._state_width:
            return
        room = self.table.viewport().width() - self.table.horizontalHeader().sectionPosition(COL_STATE)
        width = max(STATE_MIN, min(self._state_width, room))
        if width != self.table.columnWidth(COL_STATE):
            self.table.setColumnWidth(COL_STATE, width)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize and obj is self.table.viewport() \
                and event.size().width() != event.oldSize().width():
            self._fit_state()
        return False

    def cases(self) -> list[CaseSummary]:
        return list(self._cases)

    def counts(self) -> dict[str, int]:
        """How many cases each quick filter shows, whatever the request type."""
        return self.model.rows.counts(None)

    def loaded_count(self) -> int:
        """How many cases the list holds (shown or filtered out)."""
        return len(self._cases)

    def shown_count(self) -> int:
        return self.proxy.rowCount()

    def reference_at(self, row: int) -> str:
        """The reference shown on ``row`` of the table."""
        return self.proxy.index(row, 0).data(SummaryRole).reference

    def visible_cases(self) -> list[CaseSummary]:
        """The cases the table shows, in its order."""
        return self.proxy.shown_cases()

    def visible_references(self) -> list[str]:
        return [self.proxy.index(r, 0).data(SummaryRole).reference for r in range(self.proxy.rowCount())]

    def current_reference(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        return index.data(SummaryRole).reference

    def select_reference(self, reference: str, reveal: bool = True) -> bool:
        """Select a case; with ``reveal``, a case hidden by the filters is shown by clearing them."""
        row = self.model.row_of(reference)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid() and reveal:
            self.search.clear()
            self.set_request_type("")
            self.set_quick("all")
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        self._sync_current()
        return True

    def _sync_current(self, *_args) -> None:
        """Announce the selected case whenever it changes, whatever changed it (click, filter, reload)."""
        reference = self.current_reference()
        if reference != self._announced:
            self._announced = reference
            self.current_changed.emit(reference)

    def focus_list(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)
