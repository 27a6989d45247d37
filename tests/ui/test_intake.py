"""The intake dialog: finding the subject, the live e-mail check, the likely-duplicate warning."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt

from megacase.services.cases import cases, queries, subjects
from megacase.services.workspace import TZ
from megacase.ui.dialogs.intake import IntakeDialog, IntakeServices


def make_dialog(qtbot, ws) -> IntakeDialog:
    services = IntakeServices(find_subjects=lambda text: subjects.find_subjects(ws, text),
                              find_duplicates=lambda sid, types: cases.find_open_duplicates(ws, sid, types),
                              open_case=lambda new: cases.open_case(ws, new))
    dialog = IntakeDialog(services, ws.now().astimezone(TZ))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_existing_subject_with_the_keyboard_and_a_linked_duplicate(qtbot, ws, clock, open_access_case):
    first = open_access_case("2027-04-01 09:30")
    clock.set("2027-04-03 11:00")
    dialog = make_dialog(qtbot, ws)
    qtbot.keyClicks(dialog.find, "C-1042")                      # customer number
    assert dialog.matches.count() == 1
    qtbot.keyClick(dialog.find, Qt.Key.Key_Return)               # Enter picks, it does not submit
    assert dialog.isVisible() and dialog.focusWidget() is dialog.matches
    qtbot.keyClick(dialog.matches, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.channel
    assert dialog.chosen.id == first.subject.id
    assert dialog.duplicate.isHidden()
    dialog.type_boxes["access"].setChecked(True)                 # same right, case still open
    assert not dialog.duplicate.isHidden()
    assert dialog.duplicates() == [first.reference] and dialog.link.isChecked()
    assert first.reference in dialog.duplicate_text.text()
    assert dialog.attempt()
    new = dialog.result_value
    assert new.linked_reference == first.reference
    assert queries.get_case(ws, new.reference).subject.id == first.subject.id
    assert new.summary.received_at.strftime("%d/%m/%Y %H:%M") == "03/04/2027 11:00"   # defaults to now


def test_going_on_without_linking(qtbot, ws, clock, open_access_case):
    first = open_access_case("2027-04-01 09:30")
    dialog = make_dialog(qtbot, ws)
    dialog.choose_subject("dubois")
    dialog.type_boxes["access"].setChecked(True)
    dialog.link.setChecked(False)
    assert dialog.attempt()
    assert dialog.result_value.linked_reference is None
    assert dialog.result_value.reference != first.reference


def test_new_subject_checks_and_never_accepts_a_future_time(qtbot, ws, clock, open_access_case):
    open_access_case("2027-04-01 09:30")
    clock.set("2027-04-01 12:00")
    dialog = make_dialog(qtbot, ws)
    dialog.find.setText("someone@new.be")
    assert "No subject matches" in dialog.match_hint.text()
    dialog.new_radio.setChecked(True)
    assert dialog.email.text() == "someone@new.be"               # what was searched is carried over
    dialog.email.setText("helene.dubois@skynet.be")              # the known address of another subject
    assert "belongs to Hélène Dubois" in dialog.email_state.text()
    dialog.email.setText("someone@new.be")
    dialog.name.setText("Someone New")
    dialog.type_boxes["erasure"].setChecked(True)
    dialog.received.setDateTime(QDateTime(2027, 4, 2, 9, 0, 0))  # tomorrow: the field refuses
    assert dialog.received_at() == datetime(2027, 4, 1, 12, 0)
    assert dialog.attempt()
    d = dialog.result_value
    assert d.subject.name == "Someone New" and [t.value for t in d.summary.request_types] == ["erasure"]
    assert d.timeline[0].actor == "alice"


def test_nothing_chosen_is_refused_by_the_service_and_kept(qtbot, ws):
    dialog = make_dialog(qtbot, ws)
    dialog.summary.setPlainText("Phone call, wants to know what we hold")
    assert not dialog.attempt()
    assert "request type" in dialog.error_text() or "subject" in dialog.error_text()
    assert dialog.summary.toPlainText() == "Phone call, wants to know what we hold"
