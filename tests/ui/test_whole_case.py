"""A whole case in the real window on the real encrypted register: intake, identity asked and answered,
extension, decision, closure; checked in the window and in the database."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtTest import QTest

from megacase.services.cases import queries
from megacase.services.integrity import audit
from megacase.ui.models.cases import COL_STATE
from tests.ui.conftest import wait_idle


def press(qtbot, window, keys: str) -> None:
    """Type a shortcut into the window as a person would."""
    from PySide6.QtGui import QKeySequence
    combo = QKeySequence(keys)[0]
    window.activateWindow()
    QTest.keyClick(window.case_list.table, combo.key(), combo.keyboardModifiers())
    wait_idle(qtbot, window)


def list_row_text(window, reference: str, column: int) -> str:
    model = window.case_list.model
    return model.index(model.row_of(reference), column).data()


def test_intake_to_closure_with_the_keyboard(qtbot, window, prompter, ws, clock):
    clock.set("2027-04-01 10:00")
    seen = {}

    def intake(dialog):
        assert dialog.received.maximumDateTime().toPython() == datetime(2027, 4, 1, 10, 0)   # never in the future
        dialog.new_radio.setChecked(True)
        dialog.name.setText("Hélène Dubois")
        dialog.email.setText("helene.dubois@skynet")          # not valid yet: said at once
        seen["live"] = dialog.email_state.text()
        dialog.type_boxes["access"].setChecked(True)
        dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
        dialog.set_received(datetime(2027, 4, 1, 9, 30))
        dialog.summary.setPlainText("Wants a copy of everything we hold.")
        assert not dialog.attempt()                            # the service refuses; the dialog stays
        seen["error"] = dialog.error_text()
        assert dialog.name.text() == "Hélène Dubois"           # nothing typed is lost
        dialog.email.setText("helene.dubois@skynet.be")
        seen["valid"] = dialog.email_state.text()
        return dialog.attempt()

    prompter.on_dialog("IntakeDialog", intake)
    press(qtbot, window, "Ctrl+N")
    assert "Not a valid" in seen["live"] and "valid address" in seen["valid"]
    assert "not a valid e-mail address" in seen["error"]
    ref = "DSR-2027-0001"
    qtbot.waitUntil(lambda: window.case_list.current_reference() == ref)
    wait_idle(qtbot, window)
    assert window.detail.reference.text() == ref
    assert window.detail.banner.headline.text() == "Due Mon 3 May 2027 · 32 days left"
    assert "extension notice can still be sent until Mon 3 May 2027" in window.detail.banner.text()
    assert window.detail.next_steps() == ["Start work", "Ask the subject…", "Identity checked…", "Extend…",
                                          "Decide…"]

    clock.set("2027-04-02 10:00")
    press(qtbot, window, "Ctrl+Shift+S")
    assert prompter.kinds("confirm")[-1].title == "Start work"
    assert list_row_text(window, ref, COL_STATE) == "In progress"

    clock.set("2027-05-03 09:00")

    def ask(dialog):
        dialog.set_method("id_card")
        assert not dialog.guidance.isHidden()                    # the DOMAIN.md guidance is shown
        assert not dialog.attempt()                              # an ID copy needs its reason
        seen["id_reason"] = dialog.error_text()
        dialog.set_method("additional_info")
        dialog.asked.setPlainText("The order number of your last purchase.")
        return dialog.attempt()

    prompter.on_dialog("AskSubjectDialog", ask)
    press(qtbot, window, "Ctrl+Shift+A")
    assert "give the reason" in seen["id_reason"]
    assert window.detail.banner.level == "suspended"
    assert window.detail.banner.headline.text() == "Clock suspended · due Mon 3 May 2027 so far"
    assert "Waiting for the subject since Mon 3 May 2027" in window.detail.banner.text()
    assert list_row_text(window, ref, COL_STATE) == "Awaiting subject"

    clock.set("2027-05-10 15:00")

    def answer(dialog):
        dialog.answer.setPlainText("Order 2027-1187, matches the account.")
        dialog.set_result("verified")
        return dialog.attempt()

    prompter.on_dialog("RecordAnswerDialog", answer)
    press(qtbot, window, "Ctrl+Shift+R")
    # asked 3 May, answered 10 May: 7 days; 1 May + 7 = Saturday 8 May -> Monday 10 May
    assert window.detail.banner.headline.text() == "Due today, Mon 10 May 2027"
    assert "stood still for 7 days" in window.detail.banner.text()
    assert "Verified" in window.detail.overview.identity_text()

    def extend(dialog):
        assert "Thu 8 Jul 2027" in dialog.intro.text()
        dialog.reason.setPlainText("Six processors to search across six years of orders")
        return dialog.attempt()

    prompter.on_dialog("ExtendDialog", extend)
    press(qtbot, window, "Ctrl+Shift+E")
    assert window.detail.banner.headline.text() == "Due Thu 8 Jul 2027 · 59 days left"
    assert list_row_text(window, ref, COL_STATE) == "In progress · extended"

    def decide(dialog):
        dialog.set_outcome("refused")
        assert not dialog.attempt()                              # a refusal needs its legal ground
        seen["ground"] = dialog.error_text()
        dialog.set_outcome("granted")
        dialog.note.setPlainText("Copy sent to the known address.")
        return dialog.attempt()

    prompter.on_dialog("DecideDialog", decide)
    press(qtbot, window, "Ctrl+Shift+D")
    assert "legal ground" in seen["ground"]
    assert window.detail.next_steps() == ["Close case", "Reopen…"]

    press(qtbot, window, "Ctrl+Shift+C")
    assert list_row_text(window, ref, COL_STATE) == "Closed · granted"
    assert window.detail.banner.headline.text() == "Closed (granted) on Mon 10 May 2027"
    assert window.detail.next_steps() == ["Reopen…"]
    assert not prompter.errors

    # The database holds the same story, every step with its actor.
    d = queries.get_case(ws, ref)
    assert d.summary.state.value == "closed" and d.summary.outcome.value == "granted"
    assert d.summary.due == date(2027, 7, 8) and d.deadline.suspended_days == 7
    assert d.subject.email == "helene.dubois@skynet.be" and d.summary.channel.value == "email"
    assert d.summary.received_at.strftime("%Y-%m-%d %H:%M") == "2027-04-01 09:30"
    assert [e.kind for e in d.timeline] == ["case.opened", "case.work_started", "identity.asked",
                                            "identity.answered", "case.extended", "case.decided", "case.closed"]
    assert {e.actor for e in d.timeline} == {"alice"}
    assert audit.verify(ws).ok
    assert window.detail.tabs.tabText(window.detail.tabs.indexOf(window.detail.timeline)) == "Timeline 7"
