"""The officer's main window: the case list beside the case, menus, toolbar, shortcuts, status bar.

Features plug in without editing this file: a module in ``megacase/ui/features/`` defines
``install(window)`` and uses the extension points below (``add_action``, ``add_view``,
``detail.add_page``, ``detail.overview.add_block``, ``case_shown``…).
"""

from __future__ import annotations

import gc
import logging
import sys
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFrame, QLabel, QMainWindow, QMenu, QScrollArea, QSizePolicy, QSplitter, QStackedWidget,
                               QToolBar, QWidget)

from megacase.errors import MegaCaseError
from megacase import i18n
from megacase.i18n import N_, _, format_number
from megacase.services import roles
from megacase.services.cases import queries
from megacase.services.records import CaseDetail
from megacase.services.workspace import Workspace
from megacase.ui.case_actions import CaseActions
from megacase.ui.format import ROLE_LABELS
from megacase.ui.models.cases import CaseRows, prepare
from megacase.ui.prompter import Prompter
from megacase.ui.settings import UiSettings
from megacase.ui.views.case_list import QUICK_FILTERS, CaseListView
from megacase.ui.widgets.case_detail import CaseDetailWidget
from megacase.ui.workers import run_task

log = logging.getLogger(__name__)

def _load_list(ws: Workspace, warm: bool) -> CaseRows:
    """The case list with its filter and sort keys (in a worker). With ``warm`` (the first load), one case
    is read too, so the officer's first click finds the statements compiled and the indexes cached."""
    rows = prepare(queries.list_cases(ws))
    if warm and rows.cases:
        queries.get_case(ws, rows.cases[0].reference)
    return rows


def _read_case(ws: Workspace, reference: str, loaders: dict) -> tuple[CaseDetail, dict]:
    """The case, and what the features' loaders read about it (in the worker, not on the window's thread)."""
    detail = queries.get_case(ws, reference)
    extras = {}
    for name, load in loaders.items():
        try:
            extras[name] = load(ws, detail)
        except Exception:  # noqa: BLE001 - the feature reads it itself when the case is shown
            log.debug("preloading %s failed; read when shown", name)
    return detail, extras


MENUS = (("file", N_("&File")), ("case", N_("&Case")), ("view", N_("&View")), ("tools", N_("&Tools")),
         ("help", N_("&Help")))


class MainWindow(QMainWindow):
    case_shown = Signal(object)      # the CaseDetail now shown, or None
    cases_loaded = Signal(object)    # the CaseSummary list after each refresh (object: 100,000 rows not copied)

    def __init__(self, ws: Workspace, settings: UiSettings | None = None, prompter: Prompter | None = None,
                 install_features: bool = True):
        super().__init__()
        self.ws = ws
        self.settings = settings or UiSettings.default()
        self.prompter = prompter or Prompter()
        self.pending = 0                 # background loads in flight
        self._list_generation = 0
        self._detail_generation = 0
        self._select_after_refresh: str | None = None
        self._reloading_list = False
        # name -> fn(ws, detail): what a feature shows beside a case, read in the worker with the case
        self.detail_loaders: dict[str, Callable[[Workspace, CaseDetail], object]] = {}
        self._preloaded: tuple[str, dict] | None = None
        self.setWindowTitle(_("MegaCase — data subject requests"))
        self.setObjectName("mainWindow")

        self.case_list = CaseListView()
        self.detail = CaseDetailWidget(ws.today)
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.case_list)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)
        self.views = QStackedWidget()
        self.views.setObjectName("views")
        self.view_actions: dict[str, QAction] = {}

        self.menus: dict[str, QMenu] = {key: self.menuBar().addMenu(_(title)) for key, title in MENUS}
        self.toolbar = QToolBar(_("Main"))
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self._toolbar_groups: dict[str, QAction] = {}   # group -> separator that ends it

        self.case_actions = CaseActions(self)
        self._build_actions()
        self.add_view("cases", _("&Cases"), self.splitter, "Ctrl+Shift+L")
        self.setCentralWidget(self.views)

        self.counts = QLabel()
        self.counts.setObjectName("statusCounts")
        self.who = QLabel(_("{name} ({role})").format(name=ws.actor.name, role=_(ROLE_LABELS.get(ws.actor.role, ws.actor.role))))
        self.who.setObjectName("statusWho")
        self.statusBar().addPermanentWidget(self.counts)
        self.statusBar().addPermanentWidget(self.who)

        self.case_list.current_changed.connect(self._load_detail)
        self.detail.checklist.toggle_requested.connect(self.case_actions.toggle_checklist)
        self.detail.set_next_step_actions(self.case_actions.workflow)
        self.detail.notes.add_header_action(self.case_actions.note)

        self._restore()
        # The holiday calendar loads its modules on first use: here, before the window shows, not in the
        # first background load, where the import would hold the interpreter and freeze the shown window.
        queries.cached_deadline(ws.today(), (), False, ws.today())
        if install_features:
            from megacase.ui.features import install_all
            install_all(self)
        gc.freeze()           # the modules and widgets just built live as long as the window (workers._quiet_gc)
        self.refresh()

    # --- actions, menus, toolbar --------------------------------------------------------------
    def _build_actions(self) -> None:
        ca = self.case_actions
        self.refresh_action = self._make("refresh", _("&Refresh"), QKeySequence(Qt.Key.Key_F5), self.refresh,
                                         _("Reload the cases from the register"))
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._toolbar_spacer = self.toolbar.addWidget(spacer)
        self.toolbar.addAction(self.refresh_action)
        quit_ = self._make("quit", _("&Quit"), QKeySequence.StandardKey.Quit, self.close, _("Close MegaCase"))
        self.add_action(ca.new_case, "file", toolbar="new", needs=roles.WORK_CASES)
        self.add_action(self.refresh_action, "file")
        self._file_tail = self.menus["file"].addSeparator()   # features' file actions go above it
        self.menus["file"].addAction(quit_)

        for action in ca.workflow:
            self.add_action(action, "case", toolbar="workflow", needs=roles.WORK_CASES)
        self.menus["case"].addSeparator()
        self.add_action(ca.note, "case", toolbar="notes", needs=roles.WORK_CASES)

        view = self.menus["view"]
        self.find_action = self._make("find", _("&Find"), QKeySequence.StandardKey.Find, self.focus_search,
                                      _("Search by reference, name or e-mail"))
        self.list_action = self._make("focus_list", _("Go to the case &list"), QKeySequence(Qt.Key.Key_F6),
                                      self.case_list.focus_list, _("Move the keyboard focus to the case list"))
        view.addAction(self.find_action)
        view.addAction(self.list_action)
        view.addSeparator()
        filters = view.addMenu(_("&Show"))
        self.quick_actions: dict[str, QAction] = {}
        for n, (key, label) in enumerate(QUICK_FILTERS, start=1):
            action = self._make(f"quick_{key}", _(label), QKeySequence(f"Ctrl+{n}"),
                                lambda _c=False, k=key: self.case_list.set_quick(k),
                                _("Show the cases: {filter}").format(filter=_(label).lower()))
            filters.addAction(action)
            self.quick_actions[key] = action
        view.addSeparator()
        self._views_menu_anchor = view.addSeparator()

        self.shortcuts_action = self._make("shortcuts", _("&Keyboard shortcuts"), QKeySequence(Qt.Key.Key_F1),
                                           self.show_shortcuts, _("Every shortcut of the window"))
        languages = view.addMenu(_("&Language"))
        chosen = i18n.current()
        for code in i18n.LANGUAGES:
            action = languages.addAction(i18n.LANGUAGE_NAMES[code])
            action.setObjectName(f"language_{code}")
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.triggered.connect(lambda _c=False, c=code: self.choose_language(c))
        self.menus["help"].addAction(self.shortcuts_action)
        self.menus["help"].addAction(self._make("about", _("&About MegaCase"), QKeySequence(), self.show_about, ""))

    def _make(self, name: str, text: str, shortcut, slot: Callable, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)          # shortcuts work even when the menu bar is hidden
        return action

    def add_action(self, action: QAction, menu: str = "case", toolbar: str | None = None,
                   needs: str = roles.READ) -> QAction:
        """Put a feature's action in a menu ("file", "case", "view", "tools", "help") and, when ``toolbar``
        names a group, in that group of the toolbar (groups are separated, in the order first used).

        ``needs`` is the capability the action needs (``services.roles``): without it the action is
        hidden and stays disabled, its shortcut dead, whatever the feature enables later."""
        action.setProperty("capability", needs)
        if not roles.can(self.ws, needs):
            action.setVisible(False)
            action.setEnabled(False)
            action.changed.connect(lambda a=action: a.setEnabled(False) if a.isEnabled() else None)
        if menu == "file" and hasattr(self, "_file_tail"):
            self.menus["file"].insertAction(self._file_tail, action)
        else:
            self.menus[menu].addAction(action)
        if action not in self.actions():
            self.addAction(action)
        if toolbar:
            end = self._toolbar_groups.get(toolbar)
            if end is None:   # a new group: it ends with a separator, before the spacer and Refresh
                end = QAction(self)
                end.setSeparator(True)
                self.toolbar.insertAction(self._toolbar_spacer, end)
                self._toolbar_groups[toolbar] = end
            self.toolbar.insertAction(end, action)
            self._tidy_toolbar()
        return action

    def _tidy_toolbar(self) -> None:
        """A toolbar group whose actions are all hidden keeps no separator."""
        group_has_visible = False
        for action in self.toolbar.actions():
            if action.isSeparator():
                action.setVisible(group_has_visible)
                group_has_visible = False
            elif action.isVisible():
                group_has_visible = True

    def add_view(self, key: str, title: str, widget: QWidget, shortcut: str | None = None) -> QAction:
        """A whole-window view (the cases, a dashboard, the outbox…), chosen in the View menu.

        Each view scrolls inside the window rather than setting its minimum size: a laptop's 1366×768 fits."""
        page = QScrollArea()
        page.setObjectName(f"viewPage_{key}")
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setWidget(widget)
        self.views.addWidget(page)
        action = QAction(title, self)
        action.setObjectName(f"view_{key}")
        action.setCheckable(True)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _c=False, k=key: self.show_view(k))
        action.setProperty("view_widget", page)
        self.view_actions[key] = action
        self.menus["view"].insertAction(self._views_menu_anchor, action)
        self.addAction(action)
        if len(self.view_actions) == 1:
            action.setChecked(True)
        return action

    def show_view(self, key: str) -> None:
        for k, action in self.view_actions.items():
            action.setChecked(k == key)
        self.views.setCurrentWidget(self.view_actions[key].property("view_widget"))

    def current_view(self) -> str:
        return next(k for k, a in self.view_actions.items() if a.isChecked())

    def shortcut_list(self) -> list[tuple[str, str]]:
        """(action, shortcut) for every action of the window that has one, in menu order."""
        out, seen = [], set()
        for action in self.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and action not in seen:
                seen.add(action)
                out.append((action.text().replace("&", "").replace("…", ""), keys))
        return out

    # --- loading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list off the GUI thread; the shown case is reloaded with it."""
        self._list_generation += 1
        generation = self._list_generation
        self.pending += 1
        ws = self.ws
        # the rows' filter and sort keys are computed in the worker too: the GUI thread only shows them
        run_task(lambda: _load_list(ws, warm=generation == 1), lambda rows: self._cases_arrived(generation, rows),
                 lambda exc: self._load_failed(exc), context=self, quiet_gc=True)

    def _cases_arrived(self, generation: int, prepared: CaseRows) -> None:
        self.pending -= 1
        if generation != self._list_generation:
            return
        before = self.case_list.current_reference()
        kept = self.current_detail().reference if self.current_detail() else None
        self._reloading_list = True
        try:
            self.case_list.set_cases(prepared)    # announces a changed selection itself
        finally:
            self._reloading_list = False
        wanted, self._select_after_refresh = self._select_after_refresh, None
        if wanted:
            self.case_list.select_reference(wanted)
        now = self.case_list.current_reference()
        if now and now == before:                 # same case: show what may have changed in it
            self._load_detail(now)
        elif now is None and kept and not wanted:  # still shown though the filters now hide it
            self._load_detail(kept)
        counts = self.case_list.counts()
        self.counts.setText(_("{open} open · {overdue} overdue").format(open=format_number(counts["open"]),
                                                                         overdue=format_number(counts["overdue"])))
        self.cases_loaded.emit(prepared.cases)

    def _load_detail(self, reference: str | None) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        if reference is None:
            # A case the officer just changed (e.g. closed) may leave the filtered list: keep showing it.
            if not self._reloading_list:
                self._show_detail(None)
            return
        self.pending += 1
        ws, loaders = self.ws, dict(self.detail_loaders)
        run_task(lambda: _read_case(ws, reference, loaders), lambda got: self._detail_arrived(generation, *got),
                 lambda exc: self._load_failed(exc), context=self, quiet_gc=True)

    def _detail_arrived(self, generation: int, detail: CaseDetail, extras: dict) -> None:
        self.pending -= 1
        if generation == self._detail_generation:
            self._preloaded = (detail.reference, extras)
            try:
                self._show_detail(detail)
            finally:
                self._preloaded = None

    def preloaded(self, name: str, reference: str, read: Callable[[], object]):
        """What the loader ``name`` read in the worker with the case now being shown; else ``read()`` now
        (a case shown straight after an action)."""
        if self._preloaded is not None and self._preloaded[0] == reference and name in self._preloaded[1]:
            return self._preloaded[1][name]
        return read()

    def _load_failed(self, exc: BaseException) -> None:
        self.pending -= 1
        if isinstance(exc, MegaCaseError):
            self.prompter.error(self, "MegaCase", str(exc))
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _show_detail(self, detail: CaseDetail | None) -> None:
        if detail is None:
            self.detail.clear()
        else:
            self.detail.show_case(detail)
        self.case_actions.update(detail)
        self.case_shown.emit(detail)

    def load_case_now(self, reference: str) -> CaseDetail:
        """The case as the register holds it now (on the GUI thread: for just after a change)."""
        return queries.get_case(self.ws, reference)

    def show_changed_case(self, detail: CaseDetail, message: str = "", select: bool = False) -> None:
        """After an action: show the case the service returned at once, then reload the list."""
        self._detail_generation += 1      # a slower load of the old state must not overwrite this
        if select:
            self._select_after_refresh = detail.reference
        self._show_detail(detail)
        if message:
            self.statusBar().showMessage(message, 8000)
        self.refresh()

    def current_detail(self) -> CaseDetail | None:
        return self.detail.detail

    def select_reference(self, reference: str) -> bool:
        return self.case_list.select_reference(reference)

    def focus_search(self) -> None:
        self.show_view("cases")
        self.case_list.search.setFocus()
        self.case_list.search.selectAll()

    def choose_language(self, code: str) -> None:
        """The officer's interface language, kept as a preference; letters keep the subject's language."""
        self.settings.set("ui/language", code)
        self.settings.sync()
        for c in i18n.LANGUAGES:
            self.findChild(QAction, f"language_{c}").setChecked(c == code)
        if code != i18n.current():
            self.prompter.info(self, _("Language"),
                               _("MegaCase will speak {language} from its next start. Letters and case files "
                                 "keep following each subject's language.").format(language=i18n.LANGUAGE_NAMES[code]))

    # --- help -----------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        from megacase.ui.dialogs.shortcuts import ShortcutsDialog
        self.prompter.run_dialog(ShortcutsDialog(self.shortcut_list(), self))

    def about_text(self) -> tuple[str, str]:
        from megacase import __version__
        return _("About MegaCase"), _("MegaCase {version}\nData subject requests for Mega Security's privacy "
                                      "officer.").format(version=__version__)

    def show_about(self) -> None:
        self.prompter.info(self, *self.about_text())

    # --- window state -----------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.restore_bytes("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1440, 860)
        state = self.settings.restore_bytes("main/state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.restore_bytes("main/splitter")
        if splitter is None or not self.splitter.restoreState(splitter):
            self.splitter.setSizes([680, 760])     # names readable in the list, the case pane its pages' room
        quick = self.settings.get("cases/quick_filter")
        self.case_list.set_quick(quick if quick in self.case_list.chips else "open")
        self.case_list.set_request_type(self.settings.get("cases/request_type"))
        self.case_list.set_hidden_columns(self.settings.get("cases/hidden_columns"))

    def save_state(self) -> None:
        self.settings.save_bytes("main/geometry", self.saveGeometry())
        self.settings.save_bytes("main/state", self.saveState())
        self.settings.save_bytes("main/splitter", self.splitter.saveState())
        self.settings.set("cases/quick_filter", self.case_list.quick())
        self.settings.set("cases/request_type", self.case_list.request_type())
        self.settings.set("cases/hidden_columns", self.case_list.hidden_columns())
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.save_state()
        super().closeEvent(event)
