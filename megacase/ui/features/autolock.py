"""Auto-lock: after an idle time (preference ``security/lock_after_minutes``, 10 by default; 0 never),
on Ctrl+L, and when Qt says the application was suspended or hidden (a screen lock or a laptop lid
where the platform tells Qt), the window locks:

- every open dialog stays open with what was typed in it, but covered: its contents are hidden behind a
  "locked" page, its title neutral, the dialog disabled (``CoveredDialog``); after the unlock it comes back as
  it was and its OK works on the reopened register. If the lock screen is closed instead (MegaCase quits), the
  dialogs are closed and what they held is discarded. Progress dialogs (work running) are left as they are;
- the case list, the case shown and the other views drop their data;
- the register's engine, which holds the key, is disposed and replaced by a stand-in that refuses
  every use (RegisterLocked), and the window's timers stop;
- the lock screen asks the signed-in user's password (a register with users) or the recovery
  passphrase (without users): the keyring alone never reopens a locked window, since whoever sits
  at an unlocked workstation has the keyring too.

Why a dialog survives the lock: dialogs hold no session and no ORM object, only plain records (``CaseDetail``,
a retention plan...) and the window's ``Workspace``, whose ``engine`` is swapped in place on unlock, so their
OK reaches the reopened register. A service that acts on a record shown before the lock checks the register's
state in its own transaction (a decision on a case decided meanwhile, a retention plan that changed) and
refuses with a clear message in the dialog. The old engine itself is made to refuse every connection once
locked (``_refuse_old_engine``): anything that kept it fails with "MegaCase is locked" instead of writing
past the lock. Work already running in the background when the lock came (a test message, a preview) is not
stopped; its result lands in the covered dialog and stays hidden until the unlock.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QProgressDialog, QScrollArea, QWidget
from shiboken6 import Shiboken
from sqlalchemy import event as sa_event

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


def _refuse_old_engine(*_args) -> None:
    raise RegisterLocked(_("MegaCase is locked: unlock it to go on."))


def _alive(widget) -> bool:
    return widget is not None and Shiboken.isValid(widget)


class CoveredDialog:
    """An open dialog kept through a lock: what was typed stays in its widgets, but none of it is readable.

    The dialog itself stays shown: hiding or closing a dialog that runs ``exec()`` ends its loop (and the
    feature that opened it would take that for a cancel). Its visible direct children are hidden instead, a
    cover page takes their place, its title says only that MegaCase is locked, and it is disabled."""

    def __init__(self, dialog: QDialog):
        self.dialog = dialog
        self.title = dialog.windowTitle()
        self.was_enabled = dialog.isEnabled()
        self.focus = dialog.focusWidget()
        self.hidden = [child for child in dialog.children()
                       if isinstance(child, QWidget) and not child.isWindow() and not child.isHidden()]
        for child in self.hidden:
            child.hide()
        self.cover = QLabel(_("MegaCase is locked. What you typed here is kept: it comes back when you unlock."),
                            dialog)
        self.cover.setObjectName("lockCover")
        self.cover.setWordWrap(True)
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover.setMargin(24)
        self.cover.setGeometry(dialog.rect())
        self.cover.show()
        dialog.setWindowTitle(_("MegaCase is locked"))
        dialog.setEnabled(False)

    def keep_hidden(self, widget: QWidget) -> None:
        """A child shown while locked (a background result, an error line) is hidden again until the unlock."""
        if widget is not self.cover and not widget.isWindow():
            widget.hide()
            if widget not in self.hidden:
                self.hidden.append(widget)

    def uncover(self) -> None:
        if not _alive(self.dialog):
            return
        if _alive(self.cover):
            self.cover.hide()
            self.cover.deleteLater()
        for child in self.hidden:
            if _alive(child):
                child.show()
        self.dialog.setWindowTitle(self.title)
        self.dialog.setEnabled(self.was_enabled)
        if _alive(self.focus):
            self.focus.setFocus()

    def discard(self) -> None:
        """The lock screen was closed: the dialog closes as cancelled, its contents never shown again."""
        if _alive(self.dialog):
            self.dialog.reject()


class AutoLock(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.locked = False
        self._stopped_timers: list[QTimer] = []
        self._covered: list[CoveredDialog] = []
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
        if self.locked:
            if self._covered and event.type() == QEvent.Type.ShowToParent:
                parent = obj.parent()
                for covered in self._covered:
                    if covered.dialog is parent:
                        covered.keep_hidden(obj)
        elif self.idle_ms and event.type() in ACTIVITY:
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
        self._covered = [CoveredDialog(dialog) for dialog in QApplication.topLevelWidgets()
                         if isinstance(dialog, QDialog) and dialog.isVisible()
                         and not isinstance(dialog, QProgressDialog)]
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
        if not isinstance(engine, LockedEngine):
            sa_event.listen(engine, "engine_connect", _refuse_old_engine)
            engine.dispose()
        log.info("window locked")
        QTimer.singleShot(0, self.ask_unlock)     # from the event loop (a covered dialog's, when one is open)

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
            covered, self._covered = self._covered, []
            for dialog in covered:                 # each ends its own exec() loop as cancelled
                dialog.discard()
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
        covered, self._covered = self._covered, []
        for dialog in covered:
            dialog.uncover()
        for timer in self._stopped_timers:
            if _alive(timer):
                timer.start()
        self._stopped_timers = []
        if self.idle_ms:
            self.idle.start(self.idle_ms)
        w.refresh()
        log.info("window unlocked")


def install(window) -> None:
    window.locked = False
    window.autolock = AutoLock(window)
