"""A fake clock walks across deadlines: reminders come once, on the right working day."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from megacase.errors import PermissionDenied
from megacase.services import settings
from megacase.services.cases import cases
from megacase.services.review import reminders
from megacase.services.workspace import Actor
from megacase.store.orm import AuditEvent, ReminderAck


@pytest.fixture
def leads(ws):
    settings.set_value(ws, settings.REMINDER_DUE_SOON_DAYS.key, 3)
    settings.set_value(ws, settings.REMINDER_EXTENSION_DAYS.key, 5)


def _walk(ws, clock, first: date, last: date, ack=True):
    """Each morning: what is shown; the officer acknowledges it. Returns {(kind, reference): [days shown]}."""
    shown: dict = {}
    day = first
    while day <= last:
        clock.set(f"{day.isoformat()} 09:00")
        pending = reminders.pending(ws)
        for r in pending:
            shown.setdefault((r.kind, r.reference), []).append(day)
        if ack and pending:
            reminders.acknowledge(ws, pending)
        day += timedelta(days=1)
    return shown


def test_reminders_come_once_on_the_right_working_days(ws, clock, leads, open_access_case):
    # Received Tue 6 April 2027: one month ends Thursday 6 May 2027, Ascension Day, so the case is due Friday 7 May.
    ref = open_access_case("2027-04-06 09:30").reference
    cases.start_work(ws, ref)
    shown = _walk(ws, clock, date(2027, 4, 20), date(2027, 5, 20))
    # 5 working days before Fri 7 May: 29 Apr -> 30 Apr, 3, 4, 5, 7 May (Sat 1 May is Labour Day, 6 May Ascension)
    assert shown[("extension_window", ref)] == [date(2027, 4, 29)]
    # 3 working days before: Monday 3 May (not Friday 30 April: the weekend and the holiday do not count)
    assert shown[("due_soon", ref)] == [date(2027, 5, 3)]
    assert shown[("overdue", ref)] == [date(2027, 5, 8)]
    assert len(shown) == 3
    with ws.reading() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.kind == "reminder.acknowledged")).all()
        assert [e.actor for e in events] == ["alice"] * 3
        assert {e.details for e in events} >= {'{"kind": "overdue", "reference": "%s", "situation": "due 2027-05-07"}'
                                               % ref}


def test_an_unacknowledged_reminder_stays_until_seen(ws, clock, leads, open_access_case):
    ref = open_access_case("2027-04-06 09:30").reference
    shown = _walk(ws, clock, date(2027, 5, 3), date(2027, 5, 5), ack=False)
    assert shown[("due_soon", ref)] == [date(2027, 5, 3), date(2027, 5, 4), date(2027, 5, 5)]
    # what the command line prints does not depend on acknowledgements
    reminders.acknowledge(ws, reminders.pending(ws))
    assert reminders.pending(ws) == []
    assert {r.kind for r in reminders.current(ws)} == {"due_soon", "extension_window"}


def test_a_changed_situation_brings_the_reminder_back(ws, clock, leads, open_access_case):
    ref = open_access_case("2027-04-06 09:30").reference
    cases.start_work(ws, ref)
    clock.set("2027-05-03 09:00")
    first = reminders.pending(ws)
    assert {r.kind for r in first} == {"due_soon", "extension_window"}
    reminders.acknowledge(ws, first)
    # identity asked on Monday 3 May: the clock stands still, no reminders while waiting
    cases.ask_subject(ws, ref, "additional_info", "Order number")
    clock.set("2027-05-10 09:00")
    assert reminders.pending(ws) == []
    # answered Monday 10 May: 7 days of suspension; 6 May + 7 = Thursday 13 May, a working day
    cases.record_answer(ws, ref, "Order 1187", "verified")
    again = reminders.pending(ws)
    assert [(r.kind, r.date) for r in again] == [("extension_window", date(2027, 5, 13)),
                                                 ("due_soon", date(2027, 5, 13))]
    assert again[1].working_days_left == 3
    reminders.acknowledge(ws, again)
    assert reminders.pending(ws) == []
    # the officer extends: the extension reminder is gone, and the new due date is far away
    cases.extend(ws, ref, "Six processors over six years of orders")
    assert reminders.current(ws) == []
    with ws.reading() as s:
        assert len(s.scalars(select(ReminderAck)).all()) == 4


def test_closed_and_decided_cases_give_no_reminders(ws, clock, leads, open_access_case):
    ref = open_access_case("2027-04-06 09:30").reference
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "granted", None, "Copy sent")
    clock.set("2027-05-20 09:00")
    assert reminders.current(ws) == []


def test_lead_times_come_from_settings_and_only_officers_acknowledge(ws, clock, open_access_case):
    ref = open_access_case("2027-04-06 09:30").reference
    clock.set("2027-04-29 09:00")      # 5 working days before Friday 7 May
    assert [r.kind for r in reminders.current(ws)] == ["extension_window", "due_soon"]   # defaults: 5 and 10
    settings.set_value(ws, settings.REMINDER_DUE_SOON_DAYS.key, 4)
    settings.set_value(ws, settings.REMINDER_EXTENSION_DAYS.key, 4)
    assert reminders.current(ws) == []
    assert [r.working_days_left for r in reminders.current(ws, due_soon_days=5)] == [5]
    manager = ws.as_actor(Actor("marc", "manager"))
    with pytest.raises(PermissionDenied):
        reminders.acknowledge(manager, reminders.current(ws, due_soon_days=5))
    assert ref
