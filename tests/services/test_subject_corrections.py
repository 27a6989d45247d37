"""Correcting a subject: name and address by an officer; the known address only after a verified identity."""

import pytest

from megacase.errors import PermissionDenied, RuleViolation
from megacase.services.cases import cases, queries, subject_corrections
from megacase.services.integrity import audit
from megacase.services.letters import letters, outbox
from megacase.services.cases.subjects import NewSubject
from megacase.services.workspace import Actor
from tests.mail_sink import configure_mail, smtp_sink


@pytest.fixture
def sink(ws):
    with smtp_sink() as s:
        configure_mail(ws, s)
        yield s


def test_name_and_address_are_corrected_by_an_officer_and_audited(ws, open_access_case):
    detail = open_access_case()
    with pytest.raises(PermissionDenied):
        subject_corrections.correct_details(ws.as_actor(Actor("marc", "manager")), detail.subject.id, name="X")
    info = subject_corrections.correct_details(ws, detail.subject.id, name="Hélène Dubois-Martin",
                                               postal_address="Rue Neuve 3, 1000 Bruxelles")
    assert info.name == "Hélène Dubois-Martin" and info.postal_address == "Rue Neuve 3, 1000 Bruxelles"
    report = audit.verify(ws)
    assert report.ok, report.findings


def test_the_known_address_changes_only_after_a_verified_identity_and_the_old_one_is_told(ws, open_access_case,
                                                                                           sink):
    ref = open_access_case(types=("rectification",)).reference
    cases.start_work(ws, ref)
    with pytest.raises(RuleViolation, match="Verify the subject's identity"):
        subject_corrections.change_known_email(ws, ref, "helene.new@proximus.be")
    cases.ask_subject(ws, ref, "additional_info", "The number of your last order")
    cases.record_answer(ws, ref, "Order 2026-118", "verified")
    info = subject_corrections.change_known_email(ws, ref, "helene.new@proximus.be")
    assert info.email == "helene.new@proximus.be"
    [notice] = [e for e in outbox.list_outbox(ws, reference=ref)]
    assert notice.recipient == "helene.dubois@skynet.be"          # the old address is told
    outbox.deliver(ws, notice.letter_id)
    [message] = sink.messages
    assert message.recipients == ["helene.dubois@skynet.be"]
    text = _text(message.data)
    assert "adresse électronique" in text and ref in text
    detail = queries.get_case(ws, ref)
    [event] = [e for e in detail.timeline if e.kind == "subject.email_changed"]
    assert event.personal == {"old": "helene.dubois@skynet.be", "new": "helene.new@proximus.be"}
    assert "helene" not in str(event.details)
    assert audit.verify(ws).ok


def test_not_on_a_case_that_is_no_rectification(ws, open_access_case):
    ref = open_access_case().reference
    with pytest.raises(RuleViolation, match="not one"):
        subject_corrections.change_known_email(ws, ref, "helene.new@proximus.be")


@pytest.mark.parametrize("name", ["Jean {{ subject.email }} Dupont", "Marie [[TO BE COMPLETED]] Peeters",
                                  "{% for x in range(9) %}Loop{% endfor %}"])
def test_a_name_that_looks_like_template_code_never_blocks_a_letter(ws, sink, name, clock):
    detail = cases.open_case(ws, cases.NewCase(("access",), "email", clock.now,
                                               new_subject=NewSubject(name, "odd.name@example.be", "en")))
    result = letters.send_letter(ws, detail.reference, "acknowledgement")
    assert result.sent, result.error
    [message] = sink.messages
    shown = _text(message.data).replace("\u2060", "")
    assert name.split()[0] in shown


def _text(data: bytes) -> str:
    from email import message_from_bytes
    from email.policy import default
    msg = message_from_bytes(data, policy=default)
    return str(msg["Subject"]) + "\n" + msg.get_body(("plain",)).get_content()


def test_the_change_notice_is_its_own_letter_queued_with_the_change_and_never_offered(ws, open_access_case, sink):
    ref = open_access_case(types=("rectification",)).reference
    cases.start_work(ws, ref)
    cases.ask_subject(ws, ref, "additional_info", "The number of your last order")
    cases.record_answer(ws, ref, "Order 2026-118", "verified")
    assert "address-change-notice" not in dict(letters.compose_info(ws, ref).templates)
    with pytest.raises(RuleViolation, match="only with the change"):
        letters.queue_letter(ws, ref, "address-change-notice")
    subject_corrections.change_known_email(ws, ref, "helene.new@proximus.be")
    [notice] = outbox.list_outbox(ws, reference=ref)
    assert notice.template_id == "address-change-notice"
    kinds = [e.kind for e in queries.get_case(ws, ref).timeline]
    # one transaction: the change and its notice are recorded together, the notice right after the change
    assert kinds[kinds.index("subject.email_changed") + 1] == "letter.queued"


def test_no_change_without_its_notice(ws, open_access_case):
    """Without a mail server the notice cannot be queued: the address stays as it was."""
    ref = open_access_case(types=("rectification",)).reference
    cases.start_work(ws, ref)
    cases.ask_subject(ws, ref, "additional_info", "The number of your last order")
    cases.record_answer(ws, ref, "Order 2026-118", "verified")
    from megacase.errors import InputError
    with pytest.raises(InputError, match="mail server"):
        subject_corrections.change_known_email(ws, ref, "helene.new@proximus.be")
    detail = queries.get_case(ws, ref)
    assert detail.subject.email == "helene.dubois@skynet.be"
    assert "subject.email_changed" not in [e.kind for e in detail.timeline]
