from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from megacase.errors import IllegalTransition, InputError, PermissionDenied, RuleViolation
from megacase.services.cases import cases, checklist, queries
from megacase.services.integrity import audit
from megacase.services.cases.subjects import NewSubject, find_subjects
from megacase.services.workspace import Actor
from megacase.store.orm import AuditEvent, Case


def _events(ws):
    with ws.reading() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_a_whole_case_with_suspension_and_extension(ws, clock, open_access_case):
    d = open_access_case("2027-04-01 09:30")
    ref = d.reference
    assert ref == "DSR-2027-0001"
    assert d.summary.due == date(2027, 5, 3)
    assert d.deadline.extension_notice_last_day == date(2027, 5, 3)
    assert [i.processor for i in d.checklist][:2] == ["Lightspeed", "MailChimp"]
    assert {i.action for i in d.checklist} == {"Search"}

    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    clock.set("2027-05-03 09:00")
    d = cases.ask_subject(ws, ref, "additional_info", "The order number of your last purchase")
    assert d.summary.suspended and d.summary.state.value == "awaiting_identity"
    clock.set("2027-05-10 15:00")
    d = cases.record_answer(ws, ref, "Order 2027-1187, matches", "verified")
    # asked 3 May, answered 10 May: 7 days; 1 May + 7 = Saturday 8 May -> Monday 10 May
    assert d.deadline.suspended_days == 7 and d.summary.due == date(2027, 5, 10)
    assert not d.summary.suspended
    d = cases.extend(ws, ref, "Six processors to search across six years of orders")
    # three months from receipt: 1 July 2027 (Thursday) + 7 suspended days = Thursday 8 July
    assert d.summary.extended and d.summary.due == date(2027, 7, 8)
    with pytest.raises(RuleViolation, match="already"):
        cases.extend(ws, ref, "again")
    with pytest.raises(RuleViolation, match="legal ground"):
        cases.decide(ws, ref, "refused")
    d = cases.decide(ws, ref, "granted", None, "Copy sent")
    d = cases.close(ws, ref)
    assert d.summary.state.value == "closed" and not d.summary.overdue
    kinds = [e.kind for e in d.timeline]
    assert kinds == ["case.opened", "case.work_started", "identity.asked", "identity.answered", "case.extended",
                     "case.decided", "case.closed"]
    assert {e.actor for e in d.timeline} == {"alice"}
    assert audit.verify(ws).ok


def test_extension_after_the_first_month_is_refused(ws, clock, open_access_case):
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(ws, ref)
    clock.set("2027-05-04 09:00")
    with pytest.raises(RuleViolation, match="first month"):
        cases.extend(ws, ref, "too late now")
    assert not queries.get_case(ws, ref).summary.extended


def test_failed_action_leaves_no_trace(ws, open_access_case):
    ref = open_access_case().reference
    before = len(_events(ws))
    with pytest.raises(IllegalTransition):
        cases.close(ws, ref)
    with pytest.raises(RuleViolation):
        cases.ask_subject(ws, ref, "id_card", "A copy of your identity card", reason="")
    assert len(_events(ws)) == before
    assert queries.get_case(ws, ref).summary.state.value == "received"


def test_id_card_is_never_stored(ws, clock, open_access_case):
    ref = open_access_case().reference
    cases.ask_subject(ws, ref, "id_card", "A copy of your identity card, photo and number may be blacked out",
                      reason="Request asks for delivery to a new address")
    clock.set("2027-04-05 10:00")
    d = cases.record_answer(ws, ref, "card number 591-1234567-89, born 1980", "verified")
    assert d.identity_steps[0].answer == "ID document checked and deleted"
    assert "591-1234567" not in repr(d)


def test_received_in_the_future_is_refused(ws, clock, new_subject):
    with pytest.raises(InputError, match="future"):
        cases.open_case(ws, cases.NewCase(("access",), "email", clock.now + timedelta(hours=2),
                                          new_subject=new_subject))


def test_subject_search_and_duplicates(ws, clock, open_access_case):
    d = open_access_case()
    assert [s.reference for s in find_subjects(ws, "dubois")] == [d.subject.reference]
    assert find_subjects(ws, "C-1042")[0].id == d.subject.id
    assert cases.find_open_duplicates(ws, d.subject.id, ["access", "erasure"]) == [d.reference]
    assert cases.find_open_duplicates(ws, d.subject.id, ["erasure"]) == []
    with pytest.raises(InputError, match="already belongs"):
        cases.open_case(ws, cases.NewCase(("erasure",), "post", clock.now,
                                          new_subject=NewSubject("Other", "Helene.Dubois@SKYNET.be")))


def test_objection_suspends_processing_and_erasure_checklist_notifies(ws, open_access_case):
    d = open_access_case(types=("erasure", "objection"))
    assert d.subject.processing_suspended
    actions = {i.action for i in d.checklist}
    assert actions == {"Act on", "Notify (Art. 19)"}
    assert len(d.checklist) == 14


def test_manager_cannot_change_a_case(ws, open_access_case):
    ref = open_access_case().reference
    manager = ws.as_actor(Actor("bob", "manager"))
    with pytest.raises(PermissionDenied):
        cases.start_work(manager, ref)
    item = queries.get_case(ws, ref).checklist[0]
    with pytest.raises(PermissionDenied):
        checklist.mark_item(manager, item.id, True)


def test_notes_and_checklist_are_audited_without_personal_data_in_clear(ws, open_access_case):
    ref = open_access_case().reference
    cases.add_note(ws, ref, "Mme Dubois called: prefers a reply in French")
    item = queries.get_case(ws, ref).checklist[0]
    checklist.mark_item(ws, item.id, True, "Searched by customer number")
    d = queries.get_case(ws, ref)
    assert d.notes[0].text.startswith("Mme Dubois")
    assert d.checklist[0].done_by == "alice"
    for e in _events(ws):
        assert "Dubois" not in e.details and "skynet" not in e.details
    assert audit.verify(ws).ok


def test_references_number_per_year(ws, clock, open_access_case):
    a = open_access_case("2027-03-31 23:30").reference
    assert a == "DSR-2027-0001"
    with ws.reading() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
    # received late on 31 December in Brussels is still that year's case
    clock.now = datetime(2028, 1, 2, tzinfo=timezone.utc)
    d = cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2027, 12, 31, 23, 30),
                                          subject_id=queries.get_case(ws, a).subject.id))
    assert d.reference == "DSR-2027-0002"
    assert d.summary.received_at.date() == date(2027, 12, 31)
