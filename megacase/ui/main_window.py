"""The officer's main window: the case list with quick filters and a detail pane."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow,
                               QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget)

from megacase.domain.requests import RequestType
from megacase.services import queries
from megacase.services.workspace import Workspace
from megacase.ui.models.cases import COL_DUE, CaseFilterProxy, CaseTableModel

QUICK_FILTERS = [("open", "Open"), ("overdue", "Overdue"), ("due_7", "Due within 7 days"), ("suspended", "Suspended"),
                 ("extended", "Extended"), ("closed", "Closed"), ("all", "All cases")]


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace, settings: QSettings | None = None):
        super().__init__()
        self.ws = ws
        self.settings = settings or QSettings()
        self.setWindowTitle("MegaCase — data subject requests")
        self.model = CaseTableModel(self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.quick = QComboBox()
        self.quick.setObjectName("quickFilter")
        for key, label in QUICK_FILTERS:
            self.quick.addItem(label, key)
        self.quick.currentIndexChanged.connect(lambda: self.proxy.set_quick(self.quick.currentData()))
        self.type_filter = QComboBox()
        self.type_filter.addItem("All request types", None)
        for t in RequestType:
            self.type_filter.addItem(t.label, t.value)
        self.type_filter.currentIndexChanged.connect(lambda: self.proxy.set_request_type(self.type_filter.currentData()))
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search reference, name or e-mail  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)

        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)

        self.detail = QTextBrowser()
        self.detail.setObjectName("caseDetail")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.quick)
        bar.addWidget(self.type_filter)
        bar.addWidget(self.search, 1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(8, 8, 4, 8)
        lv.addLayout(bar)
        lv.addWidget(self.table)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.splitter)

        refresh = QAction("&Refresh", self, shortcut=QKeySequence.StandardKey.Refresh, triggered=self.refresh)
        find = QAction("&Find", self, shortcut=QKeySequence.StandardKey.Find, triggered=self.search.setFocus)
        quit_ = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        menu = self.menuBar().addMenu("&File")
        menu.addAction(refresh)
        menu.addAction(find)
        menu.addSeparator()
        menu.addAction(quit_)
        self.refresh()
        self._restore_geometry()

    def refresh(self) -> None:
        current = self.current_reference()
        cases = queries.list_cases(self.ws)
        self.model.set_cases(cases)
        overdue = sum(1 for c in cases if c.overdue)
        open_ = sum(1 for c in cases if c.is_open)
        self.statusBar().showMessage(f"{open_} open cases · {overdue} overdue · acting as {self.ws.actor.name}")
        if current:
            self.select_reference(current)

    def current_reference(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.case_at(self.proxy.mapToSource(index).row()).reference

    def select_reference(self, reference: str) -> bool:
        row = self.model.row_of(reference)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        return True

    def _show_current(self, current, _previous) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        c = self.model.case_at(self.proxy.mapToSource(current).row())
        d = queries.get_case(self.ws, c.reference)
        lines = [f"<h2>{c.reference}</h2>",
                 f"<p><b>{d.subject.display_name}</b> &lt;{d.subject.email or ''}&gt;</p>",
                 f"<p>{c.types_label} · {c.state.label} · due {c.due:%d/%m/%Y}</p>",
                 "<h3>Timeline</h3><ul>"]
        lines += [f"<li>{e.at:%d/%m/%Y %H:%M} — {e.label} ({e.actor})</li>" for e in d.timeline]
        self.detail.setHtml("".join(lines) + "</ul>")

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.value("window/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        super().closeEvent(event)
