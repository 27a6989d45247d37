"""Restriction (Art. 18): marked while in force, lifted only after the Art. 18(3) notice was sent.
Objection (Art. 21): processing suspended until the decision; direct marketing granted without weighing."""

from __future__ import annotations

from datetime import date

import pytest

from megacase.errors import PermissionDenied, RuleViolation
from megacase.services.cases import cases, queries
from megacase.services.letters import letters, outbox
from megacase.services.privacy import restriction
from megacase.services.workspace import Actor
from tests.mail_sink import Sink, configure_mail, free_port, smtp_sink

LIFTING = letters.LetterOptions(restriction_lift_on=date(2027, 5, 3),
                                restriction_reason="la vérification de l'exactitude de vos données est terminée")


def _flags(ws, ref):
    summary = [c for c in queries.list_cases(ws) if c.reference == ref][0]
    detail = queries.get_case(ws, ref)
    return summary.restricted, detail.subject.restricted_since, summary.processing_suspended


def test_a_restriction_cannot_be_lifted_before_its_notice_is_sent(ws, open_access_case, clock):
    ref = open_access_case(received="2027-04-01 09:30", types=("restriction",)).reference
    cases.start_work(ws, ref)
    assert _flags(ws, ref) == (False, None, False)
    info = restriction.start(ws, ref, "accuracy")
    assert info.restricted and info.restricted_since == date(2027, 4, 1) and not info.can_lift
    assert _flags(ws, ref) == (True, date(2027, 4, 1), False)
    with pytest.raises(RuleViolation, match="already restricted"):
        restriction.start(ws, ref, "accuracy")

    clock.set("2027-04-20 10:00")
    with pytest.raises(RuleViolation, match=r"Art\. 18\(3\).*restriction-lifting"):
        restriction.lift(ws, ref, "Accuracy verified")

    # The notice is written but the mail server is down: it waits in the outbox, which is not 'told'.
    configure_mail(ws, Sink(free_port()))
    queued = letters.send_letter(ws, ref, "restriction-lifting", options=LIFTING)
    assert not queued.sent
    with pytest.raises(RuleViolation, match=r"Art\. 18\(3\)"):
        restriction.lift(ws, ref, "Accuracy verified")
    assert restriction.status(ws, ref).lifting_notice_sent_on is None

    with smtp_sink() as sink:
        configure_mail(ws, sink)
        [result] = outbox.retry(ws)
        assert result.sent and sink.messages[0].recipients == ["helene.dubois@skynet.be"]
    assert restriction.status(ws, ref).can_lift
    clock.set("2027-05-03 09:00")
    with pytest.raises(PermissionDenied):
        restriction.lift(ws.as_actor(Actor("maria", "manager")), ref, "Accuracy verified")
    info = restriction.lift(ws, ref, "Accuracy verified")
    assert not info.restricted and _flags(ws, ref) == (False, None, False)
    lifted = [e for e in queries.get_case(ws, ref).timeline if e.kind == "restriction.lifted"][0]
    assert lifted.details["since"] == "2027-04-01" and lifted.details["until"] == "2027-05-03"
    assert lifted.details["notice_sent_on"] == "2027-04-20" and lifted.personal == {"reason": "Accuracy verified"}

    # A new restriction needs a new notice: the one sent for the previous restriction does not count.
    clock.set("2027-05-04 09:00")
    restriction.start(ws, ref, "legal_claims")
    with pytest.raises(RuleViolation, match=r"Art\. 18\(3\)"):
        restriction.lift(ws, ref, "No longer needed")


def test_restriction_needs_a_restriction_case_and_a_ground(ws, open_access_case):
    ref = open_access_case(types=("access",)).reference
    with pytest.raises(RuleViolation, match="not a restriction request"):
        restriction.start(ws, ref, "accuracy")
    with pytest.raises(RuleViolation, match="Art. 18"):
        restriction.start(ws, ref, "because")
    with pytest.raises(RuleViolation, match="not restricted"):
        restriction.lift(ws, ref, "whatever")


def test_an_objection_suspends_processing_until_a_refusal(ws, open_access_case, clock):
    ref = open_access_case(types=("objection",)).reference
    assert _flags(ws, ref)[2] is True and queries.get_case(ws, ref).subject.processing_suspended
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "refused", legal_ground="Art. 21(1): compelling legitimate grounds (fraud prevention)")
    assert _flags(ws, ref)[2] is False


def test_an_objection_to_direct_marketing_is_granted_without_weighing(ws, open_access_case, clock):
    ref = open_access_case(types=("objection",)).reference
    restriction.mark_direct_marketing(ws, ref)
    assert queries.get_case(ws, ref).summary.processing_suspended
    cases.start_work(ws, ref)
    for outcome, ground in (("refused", "Art. 21(1) weighing"), ("partly_granted", "newsletter only"),
                            ("fee_requested", "Art. 12(5)")):
        with pytest.raises(RuleViolation, match=r"absolute \(Art\. 21\(2\)-\(3\) GDPR\)"):
            cases.decide(ws, ref, outcome, legal_ground=ground)
    cases.decide(ws, ref, "granted")
    assert _flags(ws, ref)[2] is True            # granted: processing stops for good
    with pytest.raises(RuleViolation, match="already decided"):
        restriction.mark_direct_marketing(ws, ref, False)
    kinds = [e.kind for e in queries.get_case(ws, ref).timeline]
    assert "objection.direct_marketing" in kinds

    other = open_access_case(types=("access",), subject=queries.get_case(ws, ref).subject.id).reference
    with pytest.raises(RuleViolation, match="not an objection"):
        restriction.mark_direct_marketing(ws, other)
