"""The home view: the counts that matter, each one click from the cases behind it, and a year in two charts."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QSizePolicy,
                               QSplitter, QToolButton, QVBoxLayout, QWidget)

from megacase.domain.capabilities import ROLE_LABELS
from megacase.i18n import _, format_date, ngettext
from megacase.services.review import dashboard
from megacase.services.workspace import Workspace
from megacase.ui.models.cases import (COL_DUE, COL_REF, COL_SUBJECT, READING_ORDER, CaseFilterProxy,
                                      CaseTableModel)
from megacase.ui.views.case_list import fitted_width
from megacase.ui.views.lazy import LazyView
from megacase.ui.widgets.charts import MonthlyChart, ShareChart
from megacase.ui.widgets.tables import make_table, show_in_order
from megacase.ui.workers import run_task

TONES = {"overdue": ("#b3261e", "#fdecea"), "due_soon": ("#8a5300", "#fff4e0"),
         "suspended": ("#2f5d8a", "#e8f0fa"), "normal": ("#1f2328", "#ffffff")}

STYLE = """
QWidget#dashboardView { background: #f5f6f8; }
QLabel#dashTitle { font-size: 15pt; font-weight: 700; color: #111827; }
QLabel#dashSubtitle, QLabel#dashSection { color: #6b7280; }
QLabel#dashSection { font-weight: 700; margin-top: 6px; }
QLabel#listTitle { font-weight: 700; color: #111827; font-size: 10.5pt; }
QToolButton#tile { background: white; border: 1px solid #dfe3e8; border-radius: 6px; padding: 8px 12px;
                   text-align: left; }
QToolButton#tile:hover { border-color: #8d97a5; }
QToolButton#tile:checked { border: 2px solid #1f2937; }
QToolButton#tile:focus { border-color: #4a6fa5; }
QFrame#chartFrame { background: white; border: 1px solid #dfe3e8; border-radius: 6px; }
"""


class Tile(QToolButton):
    """A count and its label; checked when its list is the one shown."""

    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("tile")
        self.setCheckable(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # Ignored: a long label never widens the window (it is clipped; the tooltip says it all)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(80, 64)
        self.count = 0
        self._label = ""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_text()

    def _fit_text(self) -> None:
        # A label wider than the tile goes on two lines, cut at the space nearest its middle (French and
        # Dutch labels run long); only what still does not fit is clipped.
        label = self._label
        if self.fontMetrics().horizontalAdvance(label) > self.width() - 16 and " " in label:
            spaces = [i for i, ch in enumerate(label) if ch == " "]
            cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
            label = label[:cut] + "\n" + label[cut + 1:]
        self.setText(f"{self.count}\n{label}")

    def show_count(self, count: dashboard.Count) -> None:
        self.count = count.count
        ink, background = TONES[count.tone if count.count else "normal"]
        label = _(count.label)
        self._label = label
        self._fit_text()
        self.setAccessibleName(f"{label}: {count.count}")
        self.setToolTip(ngettext("Show the {n} case: {what}", "Show the {n} cases: {what}", count.count).format(
            n=count.count, what=label.lower()))
        self.setStyleSheet(f"QToolButton#tile {{ color: {ink}; background: {background}; font-size: 10pt; }}")


class DashboardView(LazyView):
    open_case = Signal(str)          # a reference the user wants to open in the cases view
    busy_changed = Signal(bool)      # a build started (True) or ended (False)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.setObjectName("dashboardView")
        self.setStyleSheet(STYLE)
        self.board: dashboard.Dashboard | None = None
        self.selected = "overdue"
        self.list_rows: list | None = None   # the window's latest case list, when it has handed one over
        self.follows_list = False        # True: wait for the window's list rather than read the register
        self.loading = False
        self._again = False

        self.title = QLabel(_("Dashboard"))
        self.title.setObjectName("dashTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("dashSubtitle")

        self.tiles: dict[str, Tile] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        grid = QGridLayout()
        grid.setSpacing(8)
        # widths in proportion to the labels (the tiles themselves never force the window wider)
        for n, (key, stretch) in enumerate((("overdue", 3), ("due_today", 3), ("due_soon", 5),
                                            ("decided_not_sent", 5), ("suspended", 5), ("extended", 3),
                                            ("extension_window", 6))):
            grid.addWidget(self._tile(key), 0, n)
            grid.setColumnStretch(n, stretch)
        self.type_row = QHBoxLayout()
        self.type_row.setSpacing(6)

        self.list_title = QLabel()
        self.list_title.setObjectName("listTitle")
        self.model = CaseTableModel(self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.set_quick("all")
        # The subject's name gets a fitted, readable width: stretched, it had only what the other columns
        # spared (20 px in Dutch). The others fit their contents; none stretches (a stretched last column is
        # squeezed below its dates when the row is wider than the list). Columns in the case list's order.
        self.table = make_table(self.proxy, "dashboardCases")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_SUBJECT, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        show_in_order(self.table, READING_ORDER)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        hint = QLabel(_("Double-click or press Enter to open a case."))
        hint.setObjectName("dashSubtitle")

        lists = QWidget()
        lv = QVBoxLayout(lists)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.list_title)
        lv.addWidget(self.table, 1)
        lv.addWidget(hint)

        self.monthly = MonthlyChart()
        self.shares = ShareChart()
        charts = QWidget()
        cv = QVBoxLayout(charts)
        cv.setContentsMargins(0, 0, 0, 0)
        for chart in (self.monthly, self.shares):
            frame = QFrame()
            frame.setObjectName("chartFrame")
            fl = QVBoxLayout(frame)
            fl.setContentsMargins(1, 1, 1, 1)
            fl.addWidget(chart)
            cv.addWidget(frame, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(lists)
        self.splitter.addWidget(charts)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([780, 600])

        section = QLabel(_("Open cases by request type"))
        section.setObjectName("dashSection")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(grid)
        layout.addWidget(section)
        layout.addLayout(self.type_row)
        layout.addWidget(self.splitter, 1)

    def _tile(self, key: str) -> Tile:
        tile = Tile(key)
        tile.clicked.connect(lambda _c=False, k=key: self.select(k))
        self._group.addButton(tile)
        self.tiles[key] = tile
        return tile

    # --- loading ----------------------------------------------------------------------------------
    def set_cases(self, rows: list | None) -> None:
        """The window's case list has just been read: the figures follow it (now if shown, else when shown)."""
        if rows is not None:
            self.list_rows = rows
        self.mark_dirty()

    def reload(self) -> None:
        """Build the figures in a worker (from the window's list when it handed one over)."""
        self._dirty = False
        if self.list_rows is None and self.follows_list:    # the window is reading the list: build from it
            self._dirty = True
            self.subtitle.setText(_("Loading the figures…"))
            return
        if self.loading:                   # one build at a time; the latest change is built after it
            self._again = True
            return
        self._set_loading(True)
        ws, rows = self.ws, self.list_rows
        run_task(lambda: dashboard.build(ws, rows), self._arrived, self._failed, context=self, quiet_gc=True)

    def _set_loading(self, on: bool) -> None:
        self.loading = on
        if on:
            self.subtitle.setText(_("Loading the figures…"))
        self.busy_changed.emit(on)

    def _failed(self, exc: BaseException) -> None:
        self._set_loading(False)
        sys.excepthook(type(exc), exc, exc.__traceback__)

    def _arrived(self, board: dashboard.Dashboard) -> None:
        self._set_loading(False)
        if self._again:
            self._again = False
            self.reload()
            if self.board is not None:
                return
        if self.list_rows is None and self.follows_list:    # locked meanwhile: nothing decrypted stays shown
            return
        self.show_board(board)

    def show_board(self, board: dashboard.Dashboard) -> None:
        self.board = board
        b = self.board
        self.subtitle.setText(_("{date}  ·  {n} open cases  ·  acting as {name} ({role})").format(
            date=format_date(b.today, "full"), n=b.count("open").count, name=self.ws.actor.name,
            role=_(ROLE_LABELS.get(self.ws.actor.role, self.ws.actor.role)).lower()))
        for c in b.counts:
            if c.key in self.tiles:
                self.tiles[c.key].show_count(c)
        for c in b.by_type:
            if c.key not in self.tiles:
                tile = self._tile(c.key)
                tile.setMinimumHeight(48)
                self.type_row.addWidget(tile)
            self.tiles[c.key].show_count(c)
        self.monthly.set_months(b.months)
        self.shares.set_months(b.months)
        self.select(self.selected)

    # --- the list behind a count ----------------------------------------------------------------
    def select(self, key: str) -> None:
        """Show the cases behind one count."""
        self.selected = key
        if self.board is None:
            return
        count = self.board.count(key)
        self.tiles[key].setChecked(True)
        label = _(count.label) if not key.startswith("type:") else \
            _("Open {type} requests").format(type=_(count.label).lower())
        self.list_title.setText(ngettext("{what} — {n} case", "{what} — {n} cases", count.count).format(
            what=label, n=count.count))
        cases = self.board.cases(key)
        self.model.set_cases(cases)
        self.table.setColumnWidth(COL_SUBJECT, fitted_width(self.table, cases[:60] + cases[-60:], COL_SUBJECT))

    def shown_references(self) -> list[str]:
        return [self.model.case_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row()).reference
                for r in range(self.proxy.rowCount())]

    def _open_index(self, index) -> None:
        if index.isValid():
            self.open_case.emit(self.proxy.index(index.row(), COL_REF).data())
