"""Auto-lock: Ctrl+L, idle time and a suspended application lock the window; the lock screen takes the
recovery passphrase (no users) or the signed-in user's password (users); open dialogs keep what was typed,
hidden while locked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget

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


def test_ctrl_l_covers_dialogs_drops_data_and_key_then_the_passphrase_unlocks(qtbot, ws, make_window, prompter):
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
    old_engine = window.ws.engine
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
    assert seen == {"cases": 0, "detail": None, "engine": seen["engine"], "dialog_open": True, "views": False,
                    "dashboard": None}
    assert isinstance(seen["engine"], LockedEngine)
    wait_idle(qtbot, window)
    assert [c.reference for c in window.case_list.cases()] == [ref]      # back, with a fresh engine
    assert window.views.isVisible() and window.menuBar().isEnabled()
    assert window.ws.engine is not old_engine
    with pytest.raises(RegisterLocked):          # whatever kept the engine of before the lock cannot use it
        old_engine.connect()


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


def _locked_while_open(qtbot, window, prompter, dialog, at_lock_screen, secret=PASSPHRASE):
    """Lock the window while ``dialog`` is open (as exec() shows it) and wait until the lock screen is done."""
    def lock_screen(locked):
        at_lock_screen(locked)
        return _typed_in(secret)(locked)
    prompter.on_dialog("LockedDialog", lock_screen)
    dialog.show()
    window.autolock.idle.timeout.emit()         # ten idle minutes, without waiting for them
    qtbot.waitUntil(lambda: len(prompter.kinds("dialog")) >= 2 and not window.autolock.locked, timeout=10000)


def test_a_decision_typed_before_the_lock_comes_back_and_is_recorded(qtbot, ws, make_window, prompter, ui_settings):
    ref = _case(ws)
    cases.start_work(ws, ref)
    ui_settings.set("security/lock_after_minutes", 10)
    window = make_window(settings=ui_settings)
    window.select_reference(ref)
    wait_idle(qtbot, window)
    note = "Searched Lightspeed, PayPal and Silvasoft: the copy goes out today."
    seen = {}

    def at_lock_screen(locked):
        dialog = seen["dialog"]
        seen["while_locked"] = {
            "open": dialog.isVisible(), "enabled": dialog.isEnabled(), "title": dialog.windowTitle(),
            "note_visible": dialog.note.isVisible(), "buttons_visible": dialog.ok_button.isVisible(),
            "readable": [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]}
        dialog.show_error("shown by work that ended while locked")      # a child shown now stays hidden
        seen["error_visible"] = dialog.error.isVisible()
        assert isinstance(window.ws.engine, LockedEngine)

    def decide(dialog):
        seen["dialog"] = dialog
        dialog.set_outcome("granted")
        dialog.note.setPlainText(note)
        title = dialog.windowTitle()
        _locked_while_open(qtbot, window, prompter, dialog, at_lock_screen)
        seen["after"] = {"title": dialog.windowTitle(), "note": dialog.note.toPlainText(),
                         "note_visible": dialog.note.isVisible(), "enabled": dialog.isEnabled()}
        assert seen["after"]["title"] == title
        dialog.error.hide()
        return dialog.attempt()

    prompter.on_dialog("DecideDialog", decide)
    window.case_actions.decide.trigger()
    assert seen["while_locked"] == {"open": True, "enabled": False, "title": "MegaCase is locked",
                                    "note_visible": False, "buttons_visible": False,
                                    "readable": ["MegaCase is locked. What you typed here is kept: it comes back "
                                                 "when you unlock."]}
    assert seen["error_visible"] is False
    assert seen["after"] == {"title": seen["after"]["title"], "note": note, "note_visible": True, "enabled": True}
    detail = queries.get_case(ws, ref)
    assert detail.summary.outcome.value == "granted"
    assert detail.timeline[-1].kind == "case.decided"          # written through the reopened register
    assert detail.decision_note == note


def test_an_intake_typed_before_the_lock_opens_its_case_after_the_users_password(qtbot, ws, make_window, prompter):
    users.add_user(ws, "sophie", "officer", "sophie demo password")
    officer = ws.as_actor(users.authenticate(ws, "sophie", "sophie demo password"))
    window = make_window(workspace=officer)
    seen = {}

    def at_lock_screen(locked):
        dialog = seen["dialog"]
        seen["name_visible"] = dialog.name.isVisible()
        seen["typed"] = dialog.name.text()

    def intake(dialog):
        seen["dialog"] = dialog
        dialog.new_radio.setChecked(True)
        dialog.name.setText("Wouter Peeters")
        dialog.email.setText("wouter.peeters@telenet.be")
        dialog.type_boxes["erasure"].setChecked(True)
        dialog.summary.setPlainText("Phone call: wants his account and the newsletter gone")
        _locked_while_open(qtbot, window, prompter, dialog, at_lock_screen, secret="sophie demo password")
        seen["after"] = (dialog.name.isVisible(), dialog.name.text(), dialog.email.text(),
                         dialog.summary.toPlainText())
        return dialog.attempt()

    prompter.on_dialog("IntakeDialog", intake)
    window.case_actions.new_case.trigger()
    assert seen["name_visible"] is False and seen["typed"] == "Wouter Peeters"
    assert seen["after"] == (True, "Wouter Peeters", "wouter.peeters@telenet.be",
                             "Phone call: wants his account and the newsletter gone")
    wait_idle(qtbot, window)
    assert window.ws is officer
    with pytest.raises(RegisterLocked):     # ws: a copy made before the lock, with the engine of before
        queries.list_cases(ws)
    [summary] = queries.list_cases(window.ws)
    detail = queries.get_case(window.ws, summary.reference)
    assert detail.subject.display_name == "Wouter Peeters"
    assert detail.timeline[0].kind == "case.opened" and detail.timeline[0].actor == "sophie"


def test_closing_the_lock_screen_discards_the_open_dialog_and_writes_nothing(qtbot, ws, make_window, prompter):
    ref = _case(ws)
    window = make_window()
    window.select_reference(ref)
    wait_idle(qtbot, window)
    seen = {}

    def note(dialog):
        dialog.text.setPlainText("Called the subject back.")
        dialog.show()
        window.autolock.lock()                   # the lock screen has no handler: it is closed
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
        seen["open"] = dialog.isVisible()
        return dialog.result() == QDialog.DialogCode.Accepted

    prompter.on_dialog("NoteDialog", note)
    window.case_actions.note.trigger()
    assert seen == {"open": False}
    assert [s.text for s in prompter.kinds("dialog")] == ["NoteDialog", "LockedDialog"]
    assert isinstance(window.ws.engine, LockedEngine)            # nothing could be written after the lock


def test_with_real_modal_loops_the_decision_survives_the_lock(qtbot, ws, make_window):
    """The window's real prompter: the decide dialog runs exec(), the lock comes inside its loop, the lock screen
    runs its own exec() on top; covering the dialog must not end its loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from megacase.ui.dialogs.locked import LockedDialog
    from megacase.ui.prompter import Prompter

    ref = _case(ws)
    cases.start_work(ws, ref)
    window = make_window()
    window.select_reference(ref)
    wait_idle(qtbot, window)
    window.prompter = Prompter()
    note = "Checked with the shop: nothing held beyond the account."
    seen = {}

    def when(ready, then):
        """Run ``then(widget)`` once the active modal widget passes ``ready`` (polled from the event loop)."""
        def poll():
            widget = QApplication.activeModalWidget()
            if widget is not None and ready(widget):
                then(widget)
            else:
                QTimer.singleShot(10, poll)
        QTimer.singleShot(0, poll)

    def in_decide(dialog):
        dialog.set_outcome("granted")
        dialog.note.setPlainText(note)
        seen["decide"] = dialog
        window.autolock.idle.timeout.emit()
        when(lambda w: isinstance(w, LockedDialog), at_lock_screen)

    def at_lock_screen(locked):
        seen["hidden"] = not seen["decide"].note.isVisible() and seen["decide"].isVisible()
        locked.secret.setText(PASSPHRASE)
        locked.attempt()
        when(lambda w: w is seen["decide"] and w.isEnabled(), back_in_decide)

    def back_in_decide(dialog):
        seen["note"] = dialog.note.toPlainText()
        dialog.attempt()

    when(lambda w: type(w).__name__ == "DecideDialog", in_decide)
    window.case_actions.decide.trigger()           # returns when the decide dialog's exec() ends
    assert seen["hidden"] and seen["note"] == note
    assert not window.autolock.locked
    detail = queries.get_case(window.ws, ref)
    assert detail.timeline[-1].kind == "case.decided" and detail.decision_note == note
