"""The main window's parts on the real register: filters, actions and their refusals, checklist, notes,
shortcuts, remembered state, the exception hook."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt

from megacase.services.cases import cases, queries
from megacase.ui.models.cases import COL_REF
from tests.ui.conftest import wait_idle


def make_cases(ws, clock, open_access_case, new_subject):
    """Four cases: overdue, suspended, extended, closed."""
    from megacase.services.cases.subjects import NewSubject
    late = open_access_case("2027-04-01 09:30")
    clock.set("2027-04-02 09:00")
    cases.start_work(ws, late.reference)
    other = NewSubject("Jeroen Peeters", "jeroen.peeters@gmail.com", "nl", None, "C-100310")
    from datetime import datetime
    from zoneinfo import ZoneInfo
    clock.set("2027-05-20 09:00")
    at = datetime(2027, 5, 20, 8, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    waiting = cases.open_case(ws, cases.NewCase(("erasure",), "web_form", at, new_subject=other))
    cases.start_work(ws, waiting.reference)
    cases.ask_subject(ws, waiting.reference, "additional_info", "Order number")
    extended = open_access_case("2027-05-20 08:30", types=("portability",), subject=late.subject.id)
    cases.extend(ws, extended.reference, "Six years of orders")
    done = open_access_case("2027-05-20 08:40", types=("rectification",), subject=late.subject.id)
    cases.start_work(ws, done.reference)
    cases.decide(ws, done.reference, "granted", None, "Corrected")
    cases.close(ws, done.reference)
    clock.set("2027-05-25 10:00")
    return late.reference, waiting.reference, extended.reference, done.reference


def test_quick_filters_search_and_type(qtbot, make_window, ws, clock, open_access_case, new_subject):
    late, waiting, extended, done = make_cases(ws, clock, open_access_case, new_subject)
    w = make_window()
    view = w.case_list
    assert sorted(view.visible_references()) == sorted([late, waiting, extended])   # opens on "Open"
    expected = {"overdue": [late], "suspended": [waiting], "extended": [extended], "closed": [done],
                "all": sorted([late, waiting, extended, done])}
    for key, refs in expected.items():
        w.quick_actions[key].trigger()
        assert sorted(view.visible_references()) == refs, key
        assert view.chips[key].isChecked() and view.chips[key].text().endswith(str(len(refs)))
    view.set_request_type("portability")
    assert view.visible_references() == [extended]
    view.set_request_type("")
    view.search.setText("peeters")                 # subject name
    assert view.visible_references() == [waiting]
    view.search.setText("skynet.be")               # e-mail
    assert sorted(view.visible_references()) == sorted([late, extended, done])
    view.search.setText(done.lower())              # reference
    assert view.visible_references() == [done]


def test_list_is_sorted_by_due_date_and_sortable(qtbot, make_window, ws, clock, open_access_case, new_subject):
    make_cases(ws, clock, open_access_case, new_subject)
    w = make_window()
    view = w.case_list
    view.set_quick("all")
    dues = [view.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1).due for r in range(view.proxy.rowCount())]
    assert dues == sorted(dues)
    view.table.sortByColumn(COL_REF, Qt.SortOrder.DescendingOrder)
    refs = view.visible_references()
    assert refs == sorted(refs, reverse=True)
    # The reference column is never cut short.
    width = view.table.columnWidth(COL_REF)
    assert width >= view.table.fontMetrics().horizontalAdvance("DSR-2027-0004")


def test_a_refused_action_shows_the_services_message_and_changes_nothing(qtbot, make_window, ws, clock,
                                                                         open_access_case, prompter):
    ref = open_access_case("2027-04-01 09:30").reference
    clock.set("2027-05-04 09:00")                  # the first month ended on 3 May
    w = make_window()
    assert w.select_reference(ref)
    wait_idle(qtbot, w)
    # The first month is over: the service says no extension is possible, so none is offered.
    assert not w.case_actions.extend.isEnabled() and "Extend…" not in w.detail.next_steps()
    assert "can no longer be extended" in w.detail.banner.text()
    # A refusal inside a dialog is shown there, and what was typed stays.
    kept = {}

    def decide(dialog):
        dialog.set_outcome("withdrawn")
        dialog.note.setPlainText("Subject withdrew by phone")
        cases.start_work(ws, ref)                 # meanwhile someone else started the case…
        cases.decide(ws, ref, "granted", None, None)   # …and decided it
        assert not dialog.attempt()
        kept["error"], kept["note"] = dialog.error_text(), dialog.note.toPlainText()
        return False

    prompter.on_dialog("DecideDialog", decide)
    w.case_actions.decide.trigger()
    assert "cannot be given the action 'Decide'" in kept["error"] and kept["note"] == "Subject withdrew by phone"
    assert queries.get_case(ws, ref).summary.outcome.value == "granted"
    cases.reopen(ws, ref, "Decided by mistake")
    w.refresh()
    wait_idle(qtbot, w)
    assert w.detail.state.text() == "In progress"
    cases.decide(ws, ref, "withdrawn", None, None)
    w.refresh()
    wait_idle(qtbot, w)
    # Someone else closed the case meanwhile (e.g. from the command line): the service refuses, the window
    # says why in a message and shows the case as it now is.
    assert w.detail.next_steps() == ["Close case", "Reopen…"]
    cases.close(ws, ref)
    w.case_actions.close.trigger()
    assert prompter.errors and "cannot be given the action 'Close'" in prompter.errors[-1].text
    wait_idle(qtbot, w)
    assert w.detail.state.text() == "Closed · withdrawn"


def test_checklist_notes_and_reopen(qtbot, window, ws, clock, open_access_case, prompter):
    ref = open_access_case("2027-04-01 09:30", types=("erasure",)).reference
    window.refresh()
    wait_idle(qtbot, window)
    window.select_reference(ref)
    wait_idle(qtbot, window)
    model = window.detail.checklist.model
    assert model.rowCount() == 14                  # 7 processors: act, then notify (Art. 19)
    first = model.record_at(0)
    prompter.text_answers.append("Account deleted in Lightspeed")
    model.setData(model.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    item = next(i for i in queries.get_case(ws, ref).checklist if i.id == first.id)
    assert item.done_by == "alice" and item.note == "Account deleted in Lightspeed"
    assert model.record_at(0).done_at is not None
    assert window.detail.tabs.tabText(1) == "Processors 1/14"

    prompter.on_dialog("NoteDialog", lambda d: (d.text.setPlainText("Called the subject back."), d.attempt())[1])
    window.case_actions.note.trigger()
    assert "Called the subject back." in window.detail.notes.text.text()

    cases.start_work(ws, ref)
    cases.decide(ws, ref, "granted", None, None)
    cases.close(ws, ref)
    window.refresh()
    wait_idle(qtbot, window)
    window.case_list.set_quick("all")
    window.select_reference(ref)
    wait_idle(qtbot, window)
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsUserCheckable   # closed: read only
    prompter.on_dialog("ReopenDialog", lambda d: (d.reason.setPlainText("Subject found more data"), d.attempt())[1])
    window.case_actions.reopen.trigger()
    d = queries.get_case(ws, ref)
    assert d.summary.state.value == "in_progress"
    assert [e.kind for e in d.timeline][-1] == "case.reopened" and d.timeline[-1].actor == "alice"
    assert window.detail.state.text() == "In progress"


EXPECTED_SHORTCUTS = {
    "new_case": "Ctrl+N", "start_work": "Ctrl+Shift+S", "ask_subject": "Ctrl+Shift+A",
    "record_answer": "Ctrl+Shift+R", "identity_check": "Ctrl+Shift+I", "extend": "Ctrl+Shift+E",
    "decide": "Ctrl+Shift+D", "close_case": "Ctrl+Shift+C", "reopen": "Ctrl+Shift+O", "add_note": "Ctrl+Shift+N",
    "refresh": "F5", "find": "Ctrl+F", "focus_list": "Ctrl+L", "shortcuts": "F1", "quick_open": "Ctrl+1",
    "quick_overdue": "Ctrl+2", "quick_all": "Ctrl+7",
}


def test_every_frequent_action_has_its_shortcut(qtbot, window, prompter):
    from PySide6.QtGui import QAction
    found = {a.objectName(): a.shortcut().toString() for a in window.findChildren(QAction) if a.objectName()}
    for name, keys in EXPECTED_SHORTCUTS.items():
        assert found.get(name) == keys, name
    shortcuts = [k for _, k in window.shortcut_list()]
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"
    window.activateWindow()
    qtbot.keyClick(window.case_list.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.case_list.search.hasFocus() or window.focusWidget() is window.case_list.search
    qtbot.keyClick(window.case_list.search, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.case_list.quick() == "overdue"
    qtbot.keyClick(window.case_list.search, Qt.Key.Key_F1)
    assert prompter.kinds("dialog")[-1].text == "ShortcutsDialog"


def test_window_state_and_preferences_are_remembered_apart(qtbot, make_window, ui_settings, tmp_path, prompter):
    w = make_window()
    w.resize(900, 720)
    w.splitter.setSizes([300, 700])
    w.case_list.set_quick("overdue")
    assert w.splitter.sizes() != [840, 600]
    w.close()
    ui_settings.sync()
    state = (tmp_path / "ui-settings" / "window-state.ini").read_text()
    prefs = (tmp_path / "ui-settings" / "preferences.ini").read_text()
    assert "geometry" in state and "splitter" in state and "overdue" not in state
    assert "quick_filter=overdue" in prefs and "geometry" not in prefs
    again = make_window()
    assert again.case_list.quick() == "overdue"
    assert again.size() == w.size()
    assert again.splitter.sizes() == w.splitter.sizes()


@pytest.fixture
def hook(monkeypatch):
    from megacase.ui.app import install_exception_hook
    shown: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_exception_hook(shown.append)
    return shown


def test_unexpected_errors_reach_the_central_hook_with_copyable_details(qtbot, window, open_access_case, hook,
                                                                        monkeypatch, prompter):
    from PySide6.QtGui import QGuiApplication

    from megacase.ui.dialogs.exception import ExceptionDialog
    ref = open_access_case().reference
    window.refresh()
    wait_idle(qtbot, window)
    window.select_reference(ref)
    wait_idle(qtbot, window)

    personal = "helene.dubois@skynet.be"

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"{personal} broke it")

    monkeypatch.setattr(cases, "start_work", broken)
    window.case_actions.start.trigger()
    assert len(hook) == 1 and "RuntimeError" in hook[0] and "broken" in hook[0]
    assert "helene" not in hook[0]                 # messages may carry personal data: never in the details
    assert not prompter.errors                     # not a MegaCaseError: not a plain message box
    dialog = ExceptionDialog(hook[0])
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == hook[0]


def test_keyboard_only_ticks_a_processor_and_submits_a_dialog(qtbot, window, ws, open_access_case, prompter):
    from PySide6.QtWidgets import QApplication
    ref = open_access_case().reference
    window.refresh()
    wait_idle(qtbot, window)
    window.select_reference(ref)
    wait_idle(qtbot, window)
    table = window.detail.checklist.table
    table.setCurrentIndex(table.model().index(2, 0))
    prompter.text_answers.append("")                     # no note
    qtbot.keyClick(table, Qt.Key.Key_Space)              # Space ticks the current step
    item = queries.get_case(ws, ref).checklist[2]
    assert item.done_by == "alice" and item.note is None

    def note(dialog):
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        qtbot.keyClicks(dialog.text, "Rang back; will send the order number.")
        qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        return dialog.result() == dialog.DialogCode.Accepted

    prompter.on_dialog("NoteDialog", note)
    qtbot.keyClick(window.case_list.table, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_idle(qtbot, window)
    assert queries.get_case(ws, ref).notes[-1].text == "Rang back; will send the order number."
