"""The item models under pytest-qt's model tester, and the background-work helper."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from megacase.errors import RuleViolation
from megacase.services.cases import cases, checklist, queries
from megacase.ui.models.case_parts import ChecklistModel, LettersModel, TimelineModel
from megacase.ui.models.cases import CaseFilterProxy, CaseTableModel
from megacase.ui.workers import run_task


def _register(ws, clock, open_access_case):
    first = open_access_case("2027-04-01 09:30", types=("access", "erasure"))
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, first.reference)
    checklist.mark_item(ws, first.checklist[0].id, True, "Searched")
    cases.ask_subject(ws, first.reference, "additional_info", "Order number")
    open_access_case("2027-04-02 11:00", types=("portability",), subject=first.subject.id)
    return queries.get_case(ws, first.reference)


def test_case_models_pass_the_model_tester(qtmodeltester, ws, clock, open_access_case):
    _register(ws, clock, open_access_case)
    model = CaseTableModel()
    model.set_cases(queries.list_cases(ws))
    qtmodeltester.check(model, force_py=True)
    proxy = CaseFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_quick("all")
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    assert proxy.rowCount() == 2


def test_case_part_models_pass_the_model_tester(qtmodeltester, ws, clock, open_access_case):
    d = _register(ws, clock, open_access_case)
    items = ChecklistModel()
    items.set_items(d.checklist, d.checklist_editable)
    qtmodeltester.check(items, force_py=True)
    assert items.progress() == (1, len(d.checklist))
    assert items.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    timeline = TimelineModel()
    timeline.set_rows(d.timeline)
    qtmodeltester.check(timeline, force_py=True)
    assert timeline.index(0, 2).data().startswith("Case opened")
    from datetime import datetime

    from megacase.services.records import LetterInfo
    sent = LetterInfo(1, "acknowledgement", "fr", "sent", "helene.dubois@skynet.be", "Accusé de réception",
                      "Madame, …", datetime(2027, 4, 1, 10, 0), datetime(2027, 4, 1, 10, 5), "<m1@megasecurity.eu>")
    letters = LettersModel()
    letters.set_rows([*d.letters, sent])
    qtmodeltester.check(letters, force_py=True)
    assert letters.index(0, 3).data() == "Sent 01/04/2027 10:05"


def test_ticking_a_box_asks_and_does_not_change_the_model_by_itself(qtbot, ws, clock, open_access_case):
    d = _register(ws, clock, open_access_case)
    model = ChecklistModel()
    model.set_items(d.checklist, True)
    with qtbot.waitSignal(model.toggle_requested) as signal:
        assert not model.setData(model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert signal.args == [d.checklist[1].id, True]
    assert model.record_at(1).done_at is None
    model.set_items(d.checklist, False)          # e.g. a closed case: no box to tick
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsUserCheckable


def test_run_task_delivers_on_the_gui_thread(qtbot):
    gui = threading.get_ident()
    got = {}

    def work():
        got["worker"] = threading.get_ident()
        return 42

    run_task(work, lambda value: got.update(value=value, delivered=threading.get_ident()))
    qtbot.waitUntil(lambda: "value" in got)
    assert got["value"] == 42 and got["delivered"] == gui and got["worker"] != gui


def test_run_task_hands_errors_to_the_gui_thread(qtbot, monkeypatch):
    import sys
    errors = []

    def fail():
        raise RuleViolation("not now")

    run_task(fail, lambda _v: None, lambda exc: errors.append((exc, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0][0], RuleViolation) and errors[0][1] == threading.get_ident()
    hooked = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: hooked.append(args[0]))
    run_task(lambda: 1 / 0, lambda _v: None)      # no on_error: the central hook gets it
    qtbot.waitUntil(lambda: bool(hooked))
    assert hooked == [ZeroDivisionError]


def test_nothing_is_delivered_to_a_context_that_is_gone(qtbot):
    import time

    from PySide6.QtCore import QObject, QThreadPool
    context = QObject()
    got = []
    run_task(lambda: time.sleep(0.1) or 1, got.append, context=context)
    context.deleteLater()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    qtbot.wait(50)
    assert got == []


def test_a_result_for_a_deleted_widget_is_dropped(qtbot):
    from PySide6.QtWidgets import QLabel
    label = QLabel()
    done = []

    def show(value):
        done.append(value)
        label.setText(value)

    import time
    run_task(lambda: time.sleep(0.05) or "late", show)
    label.deleteLater()
    qtbot.waitUntil(lambda: bool(done))           # delivered, and no error although the label is gone


def test_loads_run_in_the_background_and_keep_the_newest(qtbot, window, ws, open_access_case):
    first = open_access_case("2027-04-01 09:30")
    a = first.reference
    b = open_access_case("2027-04-01 09:40", types=("erasure",), subject=first.subject.id).reference
    window.refresh()
    qtbot.waitUntil(lambda: window.pending == 0)
    window.select_reference(a)
    window.select_reference(b)                    # before a's load lands: b wins
    qtbot.waitUntil(lambda: window.pending == 0)
    assert window.current_detail().reference == b
