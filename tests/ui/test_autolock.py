"""Auto-lock: Ctrl+L, idle time and a suspended application lock the window; the lock screen takes the
recovery passphrase (no users) or the signed-in user's password (users)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from megacase.errors import RegisterLocked
from megacase.services import users
from megacase.services.cases import cases, queries
from megacase.services.cases.subjects import NewSubject
from megacase.ui.features.autolock import LockedEngine
from tests.conftest import PASSPHRASE
from tests.ui.conftest import wait_idle


def _case(ws):
    return cases.open_case(ws, cases.NewCase(("access",), "email", ws.now(), new_subject=NewSubject(
        "Anneleen Claes", "anneleen.claes@proximus.be", "nl", None, None))).reference


def _typed_in(secret):
    def handler(dialog):
        dialog.secret.setText(secret)
        return dialog.attempt()
    return handler


def test_ctrl_l_closes_dialogs_drops_data_and_key_then_the_passphrase_unlocks(qtbot, ws, make_window, prompter):
    ref = _case(ws)
    window = make_window()
    window.select_reference(ref)
    wait_idle(qtbot, window)
    assert window.current_detail() is not None
    window.show_view("dashboard")                # the dashboard holds what it read from the register too
    wait_idle(qtbot, window)
    assert window.findChild(QWidget, "dashboardView").board is not None
    window.show_view("cases")
    open_dialog = QDialog(window)
    open_dialog.show()
    seen = {}

    def at_the_lock_screen(dialog):
        seen["cases"] = len(window.case_list.cases())
        seen["detail"] = window.current_detail()
        seen["engine"] = window.ws.engine
        seen["dialog_open"] = open_dialog.isVisible()
        seen["views"] = window.views.isVisible()
        seen["dashboard"] = window.findChild(QWidget, "dashboardView").board
        with pytest.raises(RegisterLocked):
            queries.list_cases(window.ws)
        dialog.secret.setText("not the passphrase")
        assert not dialog.attempt() and "not correct" in dialog.error_text()
        return _typed_in(PASSPHRASE)(dialog)

    prompter.on_dialog("LockedDialog", at_the_lock_screen)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "engine" in seen and not window.autolock.locked, timeout=10000)
    assert seen == {"cases": 0, "detail": None, "engine": seen["engine"], "dialog_open": False, "views": False,
                    "dashboard": None}
    assert isinstance(seen["engine"], LockedEngine)
    wait_idle(qtbot, window)
    assert [c.reference for c in window.case_list.cases()] == [ref]      # back, with a fresh engine
    assert window.views.isVisible() and window.menuBar().isEnabled()


def test_idle_time_and_a_suspended_application_lock(qtbot, ws, make_window, prompter, ui_settings):
    ui_settings.set("security/lock_after_minutes", 10)
    window = make_window(settings=ui_settings)
    lock = window.autolock
    assert lock.idle.isActive() and lock.idle.interval() == 10 * 60_000
    prompter.on_dialog("LockedDialog", _typed_in(PASSPHRASE))
    lock.idle.timeout.emit()                  # ten idle minutes, without waiting for them
    qtbot.waitUntil(lambda: len(prompter.kinds("dialog")) == 1 and not lock.locked, timeout=10000)
    assert lock.idle.isActive()               # counting again after unlock
    lock._state_changed(Qt.ApplicationState.ApplicationSuspended)
    qtbot.waitUntil(lambda: len(prompter.kinds("dialog")) == 2 and not lock.locked, timeout=10000)
    lock._state_changed(Qt.ApplicationState.ApplicationActive)
    assert not lock.locked and len(prompter.kinds("dialog")) == 2


def test_with_users_the_lock_screen_wants_the_users_password_not_the_keyring(qtbot, ws, make_window, prompter):
    users.add_user(ws, "sophie", "officer", "sophie demo password")
    officer = ws.as_actor(users.authenticate(ws, "sophie", "sophie demo password"))
    window = make_window(workspace=officer)
    titles = []

    def handler(dialog):
        titles.append(dialog.form.labelForField(dialog.secret).text())
        dialog.secret.setText(PASSPHRASE)           # the recovery passphrase is not sophie's password
        assert not dialog.attempt()
        return _typed_in("sophie demo password")(dialog)

    prompter.on_dialog("LockedDialog", handler)
    window.autolock.lock()
    qtbot.waitUntil(lambda: not window.autolock.locked, timeout=10000)
    assert titles == ["Password"]
    assert window.ws.actor.name == "sophie"


def test_cancelling_the_lock_screen_closes_the_window(qtbot, make_window, prompter):
    window = make_window()
    window.autolock.lock()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert isinstance(window.ws.engine, LockedEngine)
