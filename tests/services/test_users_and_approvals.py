"""Users with Argon2 passwords, roles enforced in services, four-eyes approvals."""

import pytest

from tests.answering import answer, answer_and_close
from argon2 import PasswordHasher
from sqlalchemy import select

from megacase.errors import InputError, PermissionDenied, RuleViolation
from megacase.services import settings, users
from megacase.services.cases import cases, checklist, queries
from megacase.services.integrity import audit
from megacase.services.review import approvals
from megacase.services.cases.subjects import NewSubject, create_subject
from megacase.services.demo import demo_letters
from megacase.services.workspace import Actor
from megacase.store.orm import AuditEvent, User


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch):
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(users, "_dummy_hash", None)


@pytest.fixture
def team(ws):
    """An officer (sophie) and a manager (marc), as they are after signing in."""
    users.add_user(ws, "sophie", "officer", "sophie's long password")
    users.add_user(ws, "marc", "manager", "marc's long password")
    officer = ws.as_actor(users.authenticate(ws, "sophie", "sophie's long password"))
    manager = ws.as_actor(users.authenticate(ws, "marc", "marc's long password"))
    demo_letters.prepare(officer, manager)   # the sender address: where mail goes, so the manager approves it
    return officer, manager


def _kinds(ws):
    with ws.reading() as s:
        return [e.kind for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_passwords_are_argon2_and_sign_in_is_audited(ws):
    users.add_user(ws, "sophie", "officer", "sophie's long password")
    with ws.reading() as s:
        stored = s.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and "sophie" not in stored
    actor = users.authenticate(ws, "Sophie", "sophie's long password")
    assert actor == Actor("sophie", "officer")
    with pytest.raises(users.AuthenticationFailed, match="not correct") as wrong:
        users.authenticate(ws, "sophie", "not the password")
    with pytest.raises(users.AuthenticationFailed, match="not correct") as unknown:
        users.authenticate(ws, "nobody", "whatever password")
    assert str(wrong.value) == str(unknown.value)   # says nothing about which names exist
    assert _kinds(ws)[-3:] == ["user.signed_in", "user.sign_in_failed", "user.sign_in_failed"]
    assert [u.name for u in users.list_users(ws)] == ["sophie"]
    with pytest.raises(InputError, match="at least"):
        users.add_user(ws, "short", "officer", "short")
    with pytest.raises(InputError, match="role"):
        users.add_user(ws, "boss", "admin", "a long enough password")
    with pytest.raises(InputError, match="already"):
        users.add_user(ws, "SOPHIE", "officer", "a long enough password")


def test_once_a_manager_exists_only_a_manager_adds_users(ws, team):
    officer, manager = team
    with pytest.raises(PermissionDenied, match="Only a manager"):
        users.add_user(officer, "mallory", "manager", "i approve myself now")
    users.add_user(manager, "lea", "officer", "lea's long password")
    users.deactivate(manager, "lea")
    with pytest.raises(users.AuthenticationFailed, match="deactivated"):
        users.authenticate(ws, "lea", "lea's long password")


def test_identify_builds_the_actor_only_from_a_password(ws, team):
    assert users.identify(ws, "marc", "marc's long password").actor == Actor("marc", "manager")
    with pytest.raises(users.AuthenticationFailed):
        users.identify(ws, "marc", None)


def test_a_register_without_users_keeps_the_os_officer(ws):
    assert users.identify(ws, None, None) is ws and ws.actor.role == "officer"


def test_a_manager_cannot_change_a_case_or_its_data(ws, team, open_access_case, new_subject):
    officer, manager = team
    ref = open_access_case().reference
    item = queries.get_case(ws, ref).checklist[0].id
    attempts = [
        lambda: cases.start_work(manager, ref),
        lambda: cases.add_note(manager, ref, "I would rather write here"),
        lambda: cases.extend(manager, ref, "complex"),
        lambda: cases.decide(manager, ref, "withdrawn"),
        lambda: cases.record_identity_check(manager, ref, "known_address", "verified", "from the known address"),
        lambda: checklist.mark_item(manager, item, True),
        lambda: create_subject(manager, NewSubject("Noël Lambert", "noel@skynet.be")),
        lambda: cases.open_case(manager, cases.NewCase(("access",), "email", officer.now(), new_subject=new_subject)),
        lambda: approvals.request_approval(manager, ref, "extension", "complex"),
    ]
    before = audit.event_count(ws)
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="manager"):
            attempt()
    assert audit.event_count(ws) == before
    # ...but a manager may comment, and the comment names its author
    approvals.add_comment(manager, ref, "Please check MailChimp too.")
    detail = queries.get_case(ws, ref)
    assert detail.notes[-1].author == "marc" and detail.timeline[-1].kind == "case.comment_added"
    assert detail.timeline[-1].actor == "marc"


def test_an_unidentified_viewer_can_change_nothing(ws, team, open_access_case):
    from megacase.services import roles
    ref = open_access_case().reference
    viewer = ws.as_actor(roles.viewer())
    with pytest.raises(PermissionDenied, match="identify yourself"):
        cases.start_work(viewer, ref)
    with pytest.raises(PermissionDenied, match="identify yourself"):
        approvals.add_comment(viewer, ref, "hello")
    assert queries.get_case(viewer, ref).reference == ref   # reading is fine


def test_four_eyes_is_switched_by_a_manager_only(ws, team):
    officer, manager = team
    with pytest.raises(PermissionDenied, match="manager"):
        settings.set_value(officer, settings.FOUR_EYES.key, "on")
    assert settings.set_value(manager, settings.FOUR_EYES.key, "on") is True
    assert settings.get(ws, settings.FOUR_EYES.key) is True
    assert _kinds(ws)[-1] == "settings.changed"


def _refuse(officer, ref):
    cases.start_work(officer, ref)
    return cases.decide(officer, ref, "refused", "Art. 15(4) GDPR: rights and freedoms of others",
                        "Fourth identical request", reasons="Your request also concerns other customers.")


def test_with_four_eyes_a_refusal_waits_for_a_manager(ws, team, clock, open_access_case):
    officer, manager = team
    settings.set_value(manager, settings.FOUR_EYES.key, True)
    ref = open_access_case().reference
    _refuse(officer, ref)
    queue = approvals.pending(ws)
    assert [(a.reference, a.kind, a.status, a.requested_by) for a in queue] == [(ref, "refusal", "pending", "sophie")]
    assert queue[0].note == "Fourth identical request"      # sealed in the event, read back
    with ws.reading() as s:
        case = cases.load_case(s, ref)
        with pytest.raises(RuleViolation, match="awaiting a manager's approval"):
            approvals.require_letter_approval(s, case, "refusal", ws.today())
        approvals.require_letter_approval(s, case, "access-reply", ws.today())   # other letters are not held
    with pytest.raises(RuleViolation, match="awaiting"):
        cases.close(officer, ref)
    with pytest.raises(PermissionDenied):
        approvals.approve(officer, queue[0].id)              # an officer cannot approve
    approved = approvals.approve(manager, queue[0].id, "Agreed: the fourth request in three months.")
    assert approved.status == "approved" and approved.reviewed_by == "marc"
    assert approvals.pending(ws) == []
    answer(officer, ref)       # the approved refusal leaves; only then is the right answered
    d = cases.close(officer, ref)
    assert d.summary.state.value == "closed"
    kinds = [e.kind for e in d.timeline]
    assert kinds[-3:] == ["letter.queued", "letter.sent", "case.closed"]
    assert kinds.index("approval.approved") < kinds.index("letter.queued")


def test_a_sent_back_refusal_blocks_until_a_new_decision(ws, team, open_access_case):
    officer, manager = team
    settings.set_value(manager, settings.FOUR_EYES.key, True)
    ref = open_access_case().reference
    _refuse(officer, ref)
    request = approvals.pending(ws)[0]
    with pytest.raises(InputError):
        approvals.send_back(manager, request.id, " ")
    approvals.send_back(manager, request.id, "Not excessive: answer it.")
    with pytest.raises(RuleViolation, match="sent back by marc: Not excessive"):
        cases.close(officer, ref)
    # the officer reconsiders: reopen and grant; the old request no longer applies
    cases.reopen(officer, ref, "Manager sent the refusal back")
    cases.decide(officer, ref, "granted", None, "Copy sent")
    assert answer_and_close(officer, ref).summary.state.value == "closed"
    assert [a.status for a in approvals.history(ws, ref)] == ["sent_back"]


def test_with_four_eyes_an_extension_needs_approval_first(ws, team, clock, open_access_case):
    officer, manager = team
    settings.set_value(manager, settings.FOUR_EYES.key, True)
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(officer, ref)
    with pytest.raises(RuleViolation, match="Four-eyes review is on"):
        cases.extend(officer, ref, "Six processors over six years")
    with pytest.raises(InputError, match="reason"):
        approvals.request_approval(officer, ref, "extension", "")
    req = approvals.request_approval(officer, ref, "extension", "Six processors over six years")
    with pytest.raises(RuleViolation, match="already awaiting"):
        approvals.request_approval(officer, ref, "extension", "again")
    with pytest.raises(RuleViolation, match="awaiting"):
        cases.extend(officer, ref, "Six processors over six years")
    approvals.approve(manager, req.id)
    d = cases.extend(officer, ref, "Six processors over six years")
    assert d.summary.extended
    # once extended, the request is history, not queue
    assert approvals.pending(ws) == [] and approvals.history(ws, ref)[0].status == "approved"


def test_without_four_eyes_nothing_waits(ws, team, open_access_case):
    officer, _ = team
    ref = open_access_case().reference
    _refuse(officer, ref)
    assert approvals.pending(ws) == []
    assert answer_and_close(officer, ref).summary.state.value == "closed"


def test_a_manager_cannot_review_a_request_that_no_longer_applies(ws, team, clock, open_access_case):
    officer, manager = team
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(officer, ref)
    req = approvals.request_approval(officer, ref, "extension", "Complex")
    clock.set("2027-05-04 10:00")       # the first month ended on Monday 3 May
    assert approvals.pending(ws) == []
    with pytest.raises(RuleViolation, match="no longer matches"):
        approvals.approve(manager, req.id)
