"""Issue 5 in the window: roles (a manager sees no action that changes a case), the manager's review and
its approvals queue, the dashboard's counts and lists, reminders in a banner or the tray, sign-in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.answering import answer_and_close
from megacase.services import settings, users
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.review import approvals, reminders
from megacase.services.workspace import Actor
from megacase.store.orm import AuditEvent, ReminderAck
from tests.ui.conftest import wait_idle

MANAGER = Actor("marc", "manager")
OFFICER_ACTIONS = ("new_case", "importEml", "writeLetter", "start_work", "ask_subject", "record_answer", "identity_check", "extend", "decide",
                   "close_case", "reopen", "add_note")


@pytest.fixture
def register(ws, clock, open_access_case):
    """An overdue case in progress, a case due soon, and a refusal awaiting approval (four-eyes on)."""
    first = open_access_case("2027-04-01 09:30")                    # due Monday 3 May 2027
    late, subject = first.reference, first.subject.id
    cases.start_work(ws, late)
    soon = open_access_case("2027-04-06 09:30", subject=subject).reference   # due Friday 7 May (Ascension 6 May)
    refused = open_access_case("2027-04-07 10:00", subject=subject).reference
    cases.start_work(ws, refused)
    settings.set_value(ws.as_actor(MANAGER), settings.FOUR_EYES.key, True)
    cases.decide(ws, refused, "refused", "Art. 15(4) GDPR: rights and freedoms of others",
                 "Fourth request this quarter", reasons="Your request also concerns other customers.")
    clock.set("2027-05-04 09:00")
    return late, soon, refused


def _action(window, name):
    return next(a for a in window.actions() if a.objectName() == name)


def test_a_manager_sees_no_action_that_changes_a_case(qtbot, make_window, ws, register, prompter):
    late, _soon, _refused = register
    before = audit.event_count(ws)
    w = make_window(ws.as_actor(MANAGER))
    w.show_view("cases")
    w.case_list.set_quick("all")
    assert w.select_reference(late)
    wait_idle(qtbot, w)
    assert w.current_detail().reference == late
    for name in OFFICER_ACTIONS:
        action = _action(w, name)
        assert not action.isVisible() and not action.isEnabled(), name
    assert w.detail.next_steps() == []
    assert not w.current_detail().checklist_editable and w.current_detail().allowed_actions == ()
    assert _action(w, "reviewComment").isVisible() and _action(w, "reviewComment").isEnabled()
    # the shortcuts of hidden actions do nothing
    w.activateWindow()
    w.case_list.focus_list()
    qtbot.keyClick(w.case_list, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(w.case_list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert prompter.shown == []
    # even forced, the service refuses and nothing changes
    w.case_actions.start_work()
    assert prompter.errors and "manager" in prompter.errors[-1].text
    assert audit.event_count(ws) == before
    # the manager's comment goes through
    prompter.text_answers.append("Please prioritise this one.")
    _action(w, "reviewComment").trigger()
    wait_idle(qtbot, w)
    assert queries.get_case(ws, late).notes[-1].author == "marc"


def test_the_manager_approves_from_the_review_queue(qtbot, make_window, ws, register, prompter):
    late, _soon, refused = register
    w = make_window(ws.as_actor(MANAGER))
    w.show_view("review")
    view = w.review_feature.review
    wait_idle(qtbot, w)
    assert [i.reference for i in view.cases_model.rows()][:1] == [late]
    assert view.cases_model.rows()[0].lateness == "1 day late"
    queue = view.queue_model.rows()
    assert [(a.reference, a.kind) for a in queue] == [(refused, "refusal")]
    assert view.approve_button.isVisible() and not view.approve_button.isEnabled()
    assert view.select_request(queue[0].id) and view.approve_button.isEnabled()
    prompter.text_answers.append("Agreed.")
    view.approve_button.click()
    assert not prompter.errors
    assert approvals.history(ws, refused)[0].status == "approved"
    assert view.queue_model.rows() == []
    # the officer may now close the refused case
    assert answer_and_close(ws, refused).summary.state.value == "closed"


def test_an_officer_cannot_review_and_is_held_by_four_eyes(qtbot, make_window, ws, register, prompter):
    late, _soon, refused = register
    w = make_window()
    w.show_view("review")
    view = w.review_feature.review
    wait_idle(qtbot, w)
    assert not view.approve_button.isVisible() and not view.send_back_button.isVisible()
    with pytest.raises(Exception):
        approvals.approve(ws, view.queue_model.rows()[0].id)
    # closing the refusal awaiting approval is refused, with the reason shown
    w.show_view("cases")
    w.case_list.set_quick("all")
    w.select_reference(refused)
    wait_idle(qtbot, w)
    w.case_actions.close_case()
    assert "awaiting a manager's approval" in prompter.errors[-1].text
    assert queries.get_case(ws, refused).summary.state.value == "decided"


def test_the_officer_asks_for_an_extension_approval_in_the_window(qtbot, make_window, ws, clock, open_access_case,
                                                                  prompter):
    settings.set_value(ws.as_actor(MANAGER), settings.FOUR_EYES.key, True)
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(ws, ref)
    w = make_window()
    w.show_view("cases")
    w.select_reference(ref)
    wait_idle(qtbot, w)
    prompter.text_answers.append("Six processors over six years of orders")
    _action(w, "askApproval").trigger()
    wait_idle(qtbot, w)
    assert not prompter.errors
    (request,) = approvals.pending(ws)
    assert (request.reference, request.kind, request.note) == (ref, "extension", "Six processors over six years "
                                                                                 "of orders")


def test_dashboard_counts_open_their_lists(qtbot, make_window, ws, register):
    late, soon, refused = register
    w = make_window()
    w.show_view("dashboard")
    board = w.review_feature.dashboard
    wait_idle(qtbot, w)
    assert board.tiles["overdue"].count == 1
    assert board.shown_references() == [late]
    board.tiles["due_soon"].click()
    assert board.shown_references() == [soon, refused]     # the refusal is decided but its reply has not left
    board.tiles["decided_not_sent"].click()
    assert board.shown_references() == [refused]
    board.tiles["type:access"].click()
    assert sorted(board.shown_references()) == sorted([late, soon, refused])
    board.tiles["overdue"].click()
    board.table.doubleClicked.emit(board.proxy.index(0, 0))
    wait_idle(qtbot, w)
    assert w.current_view() == "cases" and w.case_list.current_reference() == late
    assert sum(m.received for m in board.board.months) == 3


class FakeTray:
    def __init__(self):
        self.messages = []

    def showMessage(self, title, text, *args):
        self.messages.append((title, text))


def test_reminders_show_in_the_banner_and_are_acknowledged_once(qtbot, make_window, ws, register, clock):
    late, soon, _refused = register
    w = make_window()
    qtbot.waitUntil(lambda: w.review_feature.banner_bar.isVisible(), timeout=5000)
    banner = w.review_feature.banner
    assert "1 overdue" in banner.headline.text() and late in banner.text.text()
    banner.ack_button.click()
    assert not w.review_feature.banner_bar.isVisible()
    with ws.reading() as s:
        acks = s.scalar(select(func.count()).select_from(ReminderAck))
    assert acks == len(reminders.current(ws))
    # the next periodic check shows nothing new; a new situation comes back
    w.review_feature.center.timer.timeout.emit()
    assert not w.review_feature.banner_bar.isVisible()
    clock.set("2027-05-08 09:00")          # Saturday: the case due Friday 7 May is now overdue
    w.review_feature.center.check()
    assert w.review_feature.banner_bar.isVisible() and soon in banner.text.text()


def test_the_tray_notifies_each_reminder_once_per_session(qtbot, monkeypatch, make_window, ws, register):
    from megacase.ui.features import review as feature
    tray = FakeTray()
    monkeypatch.setattr(feature.ReviewFeature, "tray_factory", staticmethod(lambda parent: tray))
    w = make_window()
    qtbot.waitUntil(lambda: bool(tray.messages), timeout=5000)
    w.review_feature.center.check()
    assert len(tray.messages) == 1
    title, text = tray.messages[0]
    assert title.startswith("MegaCase: ") and "is overdue" in text


def test_a_manager_gets_no_reminders(qtbot, make_window, ws, register):
    w = make_window(ws.as_actor(MANAGER))
    assert w.review_feature.center.check() == []
    assert not w.review_feature.banner_bar.isVisible()


def test_sign_in_builds_the_actor_from_the_password(qtbot, ws, monkeypatch):
    from megacase.ui.dialogs.sign_in import SignInDialog, sign_in_interactively
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    assert sign_in_interactively(ws, environ={}) is ws            # no users: as before
    users.add_user(ws, "sophie", "officer", "sophie's long password")
    users.add_user(ws, "marc", "manager", "marc's long password")
    seen = []

    def fill(dialog: SignInDialog) -> bool:
        seen.append(dialog)
        dialog.user.setCurrentIndex(dialog.user.findText("marc"))
        dialog.password.setText("wrong password")
        dialog.attempt()
        assert dialog.error.isVisibleTo(dialog) and "not correct" in dialog.error.text()
        dialog.password.setText("marc's long password")
        dialog.attempt()
        return dialog.result() == dialog.DialogCode.Accepted

    signed = sign_in_interactively(ws, run_dialog=fill, environ={})
    assert signed.actor == Actor("marc", "manager")
    assert [seen[0].user.itemText(i) for i in range(seen[0].user.count())] == ["marc", "sophie"]
    cancelled = sign_in_interactively(ws, run_dialog=lambda d: False, environ={})
    assert cancelled is None
    scripted = sign_in_interactively(ws, environ={"MEGACASE_USER": "sophie",
                                                  "MEGACASE_USER_PASSWORD": "sophie's long password"})
    assert scripted.actor == Actor("sophie", "officer")


def test_users_are_added_from_the_window_by_whoever_may(qtbot, make_window, ws, prompter, monkeypatch):
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users.add_user(ws, "marc", "manager", "marc's long password")
    errors = []

    def add(dialog) -> bool:
        dialog.name.setText("lea")
        dialog.password.setText("lea's long password")
        dialog.repeat.setText("lea's long passwordX")
        dialog.attempt()
        assert "differ" in dialog.error.text()
        dialog.repeat.setText("lea's long password")
        dialog.attempt()
        errors.append(dialog.error.text() if dialog.error.isVisibleTo(dialog) else "")
        return dialog.result() == dialog.DialogCode.Accepted

    prompter.on_dialog("UsersDialog", add)
    officer = make_window()
    _action(officer, "users").trigger()
    assert "Only a manager" in errors[-1]
    assert [u.name for u in users.list_users(ws)] == ["marc"]
    manager = make_window(ws.as_actor(MANAGER))
    _action(manager, "users").trigger()
    assert [u.name for u in users.list_users(ws)] == ["lea", "marc"]


def test_the_manager_chooses_the_digests_language_in_the_review_settings(qtbot, make_window, ws, prompter):
    seen = []

    def choose_dutch(dialog):
        box = dialog.digest_language
        seen.append([box.itemData(i) for i in range(box.count())])
        seen.append(box.currentData())
        box.setCurrentIndex(box.findData("nl"))
        dialog.attempt()
        return dialog.result() == dialog.DialogCode.Accepted

    prompter.on_dialog("ReviewSettingsDialog", choose_dutch)
    manager = make_window(ws.as_actor(MANAGER))
    _action(manager, "reviewSettings").trigger()
    assert seen == [["", "fr", "nl", "en"], ""]          # unset: the interface language of whoever sends it
    assert settings.get(ws, settings.DIGEST_LANGUAGE.key) == "nl"
    with ws.reading() as session:
        event = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event.kind == "settings.changed" and '"new": "nl"' in event.details
