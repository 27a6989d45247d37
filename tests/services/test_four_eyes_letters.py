"""Four-eyes through the letters service: a refusal awaiting approval cannot be sent; once approved it is
delivered (real SMTP server on loopback)."""

from __future__ import annotations

import pytest

from megacase.errors import PermissionDenied, RuleViolation
from megacase.services import settings
from megacase.services.cases import cases
from megacase.services.letters import letters
from megacase.services.review import approvals
from megacase.services.letters.letters import LetterOptions
from megacase.services.workspace import Actor

MANAGER = Actor("marc", "manager")


def test_an_officer_cannot_send_a_refusal_awaiting_approval(ws, smtp, clock, open_access_case):
    manager = ws.as_actor(MANAGER)
    settings.set_value(manager, settings.FOUR_EYES.key, True)
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "refused", "Art. 12(5) GDPR: manifestly excessive, fourth request this quarter",
                 "Fourth identical request in three months")
    with pytest.raises(RuleViolation, match="awaiting a manager's approval"):
        letters.send_letter(ws, ref, "refusal")
    with pytest.raises(PermissionDenied):
        letters.send_letter(manager, ref, "refusal")           # nor may the manager send it
    assert smtp.handler.messages == []
    (request,) = approvals.pending(ws)
    approvals.approve(manager, request.id, "Agreed.")
    result = letters.send_letter(ws, ref, "refusal")
    assert result.sent and len(smtp.handler.messages) == 1
    assert smtp.handler.messages[0].rcpt_tos == ["helene.dubois@skynet.be"]


def test_an_extension_notice_needs_the_approved_extension(ws, smtp, clock, open_access_case):
    manager = ws.as_actor(MANAGER)
    settings.set_value(manager, settings.FOUR_EYES.key, True)
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(ws, ref)
    with pytest.raises(RuleViolation, match="Four-eyes review is on"):
        letters.send_letter(ws, ref, "extension")
    request = approvals.request_approval(ws, ref, "extension", "Six processors, six years of orders")
    approvals.approve(manager, request.id)
    cases.extend(ws, ref, "Six processors, six years of orders")
    assert letters.send_letter(ws, ref, "extension").sent


def test_without_four_eyes_a_refusal_goes_out(ws, smtp, clock, open_access_case):
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "refused", "Art. 12(5) GDPR: manifestly excessive", "Fourth request")
    assert letters.send_letter(ws, ref, "refusal", options=LetterOptions()).sent
