"""Auto-lock: after an idle time (preference ``security/lock_after_minutes``, 10 by default; 0 never),
on Ctrl+L, and when Qt says the application was suspended or hidden (a screen lock or a laptop lid
where the platform tells Qt), the window locks:

- every open dialog is closed (what was typed in it is discarded, not kept in memory);
- the case list, the case shown and the other views drop their data;
- the register's engine, which holds the key, is disposed and replaced by a stand-in that refuses
  every use (RegisterLocked), and the window's timers stop;
- the lock screen asks the signed-in user's password (a register with users) or the recovery
  passphrase (without users): the keyring alone never reopens a locked window, since whoever sits
  at an unlocked workstation has the keyring too.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog, QScrollArea

from megacase.errors import RegisterLocked
from megacase.services import users
from megacase.services.integrity.backup import data_dir_of
from megacase import app as composition
from megacase.i18n import _
from megacase.ui.dialogs.locked import LockedDialog

log = logging.getLogger(__name__)
PREF = "security/lock_after_minutes"
ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
            QEvent.Type.TouchBegin}
LOCKING_STATES = {Qt.ApplicationState.ApplicationSuspended, Qt.ApplicationState.ApplicationHidden}


def drop_view_data(view) -> None:
    """Empty a whole-window view's tables (the dashboard's, the review's, the outbox's, the inbox's): once
    locked, no decrypted row stays in the window; each view reloads from the register when it is shown again."""
    for name in ("model", "cases_model", "queue_model"):
        model = getattr(view, name, None)
        for setter in ("set_cases", "set_rows", "set_entries"):
            if model is not None and callable(getattr(model, setter, None)):
                getattr(model, setter)([])
                break
    if hasattr(view, "board"):
        view.board = None
    if hasattr(view, "list_rows"):      # the dashboard's copy of the case list
        view.list_rows = None


class LockedEngine:
    """Stands in for the engine while the window is locked: any use says so, nothing reaches the file."""

    url = None

    def __getattr__(self, name):
        raise RegisterLocked(_("MegaCase is locked: unlock it to go on."))


class AutoLock(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.locked = False
        self._stopped_timers: list[QTimer] = []
        self.idle = QTimer(self)
        self.idle.setObjectName("idleLockTimer")
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.lock)
        self.action = QAction(_("&Lock"), window)
        self.action.setObjectName("lockWindow")
        self.action.setShortcut(QKeySequence("Ctrl+L"))
        self.action.setStatusTip(_("Hide the cases and drop the key until you unlock again"))
        self.action.triggered.connect(self.lock)
        window.add_action(self.action, "file")
        self.set_idle_minutes(int(window.settings.get(PREF) or 0))
        app = QApplication.instance()
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._state_changed)
        window.destroyed.connect(lambda *_: app.removeEventFilter(self))

    def set_idle_minutes(self, minutes: int) -> None:
        self.idle.stop()
        self.idle_ms = max(0, minutes) * 60_000
        if self.idle_ms and not self.locked:
            self.idle.start(self.idle_ms)

    def eventFilter(self, obj, event) -> bool:
        if self.idle_ms and not self.locked and event.type() in ACTIVITY:
            self.idle.start(self.idle_ms)       # any activity starts the count again
        return False

    def _state_changed(self, state) -> None:
        if state in LOCKING_STATES and not self.locked:
            self.lock()

    # --- locking --------------------------------------------------------------------------------
    def lock(self) -> None:
        if self.locked:
            return
        w = self.w
        self.locked = True
        w.locked = True
        self.idle.stop()
        self._who = w.ws.actor.name if users.has_users(w.ws) else None
        self._data_dir = data_dir_of(w.ws)
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QDialog) and dialog.isVisible() and not isinstance(dialog, QProgressDialog):
                dialog.reject()
        self._stopped_timers = [t for t in w.findChildren(QTimer) if t.isActive() and t is not self.idle]
        for timer in self._stopped_timers:
            timer.stop()
        w._list_generation += 1          # a load still in flight is dropped when it lands
        w._detail_generation += 1
        w.case_list.set_cases([])
        w.detail.clear()
        w.case_actions.update(None)
        for i in range(w.views.count()):
            page = w.views.widget(i)
            view = page.widget() if isinstance(page, QScrollArea) else page     # each view scrolls in its page
            if hasattr(view, "mark_dirty"):
                view._dirty = True
            drop_view_data(view)
        w.views.hide()
        w.menuBar().setEnabled(False)
        w.toolbar.setEnabled(False)
        engine, w.ws.engine = w.ws.engine, LockedEngine()
        engine.dispose()
        log.info("window locked")
        QTimer.singleShot(0, self.ask_unlock)     # after the closed dialogs' own loops have ended

    def _unlock(self, secret: str):
        ws = composition.reopen(self._data_dir, self.w.ws.actor, None if self._who else secret)
        if self._who:
            try:
                users.authenticate(ws, self._who, secret, via="unlock")
            except Exception:
                ws.engine.dispose()
                raise
        return ws.engine

    def ask_unlock(self) -> bool:
        dialog = LockedDialog(self._who, self._unlock, self.w)
        if not self.w.prompter.run_dialog(dialog) or dialog.result_value is None:
            log.info("lock screen closed: MegaCase quits")
            self.w.close()
            return False
        self.unlocked(dialog.result_value)
        return True

    def unlocked(self, engine) -> None:
        w = self.w
        w.ws.engine = engine
        self.locked = False
        w.locked = False
        w.views.show()
        w.menuBar().setEnabled(True)
        w.toolbar.setEnabled(True)
        for timer in self._stopped_timers:
            timer.start()
        self._stopped_timers = []
        if self.idle_ms:
            self.idle.start(self.idle_ms)
        w.refresh()
        log.info("window unlocked")


def install(window) -> None:
    window.locked = False
    window.autolock = AutoLock(window)
