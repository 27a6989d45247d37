"""Letters reach the known address only, through a real SMTP server on loopback."""

from __future__ import annotations

import hashlib

import pytest

from tests.answering import ATTACH
from sqlalchemy import select, update

from megacase.errors import InputError, PermissionDenied, RuleViolation
from megacase.services import mail
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.letters import letters, outbox, templates
from megacase.services.letters.letters import LetterOptions
from megacase.services.letters.recipients import AddressOverride
from megacase.services.cases.subjects import NewSubject
from megacase.services.workspace import Actor
from megacase.store.orm import AuditEvent, Letter, Processor
from tests.smtp_server import LoopbackSmtp, point_at, self_signed

ZOE = NewSubject("Zoë Van den Bossche", "zoe.vandenbossche@telenet.be", "nl", "Kortrijksesteenweg 310, 9000 Gent",
                 "C-105544")
OTHER = "zoe.new.mailbox@gmail.com"


@pytest.fixture
def zoe_case(ws, clock):
    clock.set("2027-04-01 10:00")
    from datetime import datetime
    detail = cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2027, 4, 1, 9, 30), new_subject=ZOE))
    clock.set("2027-04-02 09:00")
    return detail.reference


def events(ws, kind):
    with ws.reading() as s:
        return s.execute(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.seq)).scalars().all()


def personal_of(ws, reference, kind):
    detail = queries.get_case(ws, reference)
    return [e.personal for e in detail.timeline if e.kind == kind]


def test_letter_arrives_at_the_known_address_only_in_the_subjects_language(ws, smtp, zoe_case):
    result = letters.send_letter(ws, zoe_case, "acknowledgement")
    assert result.sent and result.server_reply.startswith("250")
    assert len(smtp.messages) == 1
    got = smtp.messages[0]
    assert got.rcpt_tos == [ZOE.email]
    msg = got.message
    assert msg["To"].addresses[0].addr_spec == ZOE.email
    assert msg["Subject"].startswith("Ontvangstbevestiging") and zoe_case in msg["Subject"]
    body = msg.get_body().get_content()
    # received 1 April: the policy promises Friday 30 April (30 days, back from Labour Day), before the legal 3 May
    assert "Geachte Zoë Van den Bossche" in body and "30 april 2027" in body
    assert "{{" not in body and "[[" not in body
    assert msg["Message-ID"] == result.message_id
    # The stored .eml is the message that went out, and its hash is in the audit trail.
    stored = outbox.stored_message(ws, result.letter_id)
    sha = hashlib.sha256(stored).hexdigest()
    assert stored.split(b"\r\n\r\n", 1)[1].strip() in got.data.replace(b"\n", b"\r\n").replace(b"\r\r", b"\r")
    with ws.reading() as s:
        row = s.get(Letter, result.letter_id)
        assert row.status == "sent" and row.eml_sha256 == sha and row.attempts == 1 and row.eml_enc is not None
        assert ZOE.email.encode() not in row.recipient_enc and b"Geachte" not in row.eml_enc   # sealed
    sent = events(ws, "letter.sent")
    assert len(sent) == 1 and f'"sha256": "{sha}"' in sent[0].details and ZOE.email not in sent[0].details
    assert personal_of(ws, zoe_case, "letter.sent") == [{"recipient": ZOE.email}]
    detail = queries.get_case(ws, zoe_case)
    assert [(l.template_id, l.status, l.recipient) for l in detail.letters] == [("acknowledgement", "sent", ZOE.email)]
    assert audit.verify(ws).ok


def test_another_address_without_verified_identity_is_refused_and_recorded(ws, smtp, zoe_case):
    override = AddressOverride(OTHER, "The subject wrote that she lost access to her old mailbox.")
    with pytest.raises(RuleViolation, match="identity was verified"):
        letters.send_letter(ws, zoe_case, "access-reply", override=override)
    # Identified only by writing from the known address: still not enough to send elsewhere.
    cases.record_identity_check(ws, zoe_case, "known_address", "verified", "Wrote from the known address.")
    with pytest.raises(RuleViolation):
        letters.send_letter(ws, zoe_case, "access-reply", override=override)
    assert smtp.messages == []
    with ws.reading() as s:
        assert s.scalars(select(Letter)).all() == []
    refused = events(ws, "letter.override_refused")
    assert len(refused) == 2 and OTHER not in refused[0].details
    assert personal_of(ws, zoe_case, "letter.override_refused")[0]["address"] == OTHER


def test_with_verified_identity_the_override_is_delivered_and_recorded(ws, smtp, zoe_case, clock):
    cases.start_work(ws, zoe_case)
    cases.ask_subject(ws, zoe_case, "additional_info", "Het nummer van uw laatste bestelling")
    clock.set("2027-04-05 10:00")
    cases.record_answer(ws, zoe_case, "Order number matches the account.", "verified")
    reason = "Subject lost access to the known mailbox; identity verified by order number."
    cases.decide(ws, zoe_case, "granted")
    result = letters.send_letter(ws, zoe_case, "access-reply", override=AddressOverride(OTHER, reason),
                                 attachments=ATTACH["access-reply"])
    assert result.sent
    assert [m.rcpt_tos for m in smtp.messages] == [[OTHER]]
    (event,) = events(ws, "letter.address_override")
    assert '"identity_method": "additional_info"' in event.details
    assert OTHER not in event.details and reason not in event.details    # typed text: only in the sealed part
    assert personal_of(ws, zoe_case, "letter.address_override") == [{"address": OTHER, "reason": reason}]
    with ws.reading() as s:
        assert s.get(Letter, result.letter_id).override_reason == reason
    # A later failed verification withdraws the permission.
    cases.reopen(ws, zoe_case, "The subject wrote again.")
    cases.ask_subject(ws, zoe_case, "additional_info", "Uw klantnummer")
    cases.record_answer(ws, zoe_case, "Wrong number given.", "failed")
    with pytest.raises(RuleViolation):
        letters.send_letter(ws, zoe_case, "acknowledgement", override=AddressOverride(OTHER, reason))


def test_no_letter_while_a_gap_or_template_error_remains(ws, smtp, zoe_case):
    draft = letters.preview(ws, zoe_case, "identity-request")
    assert not draft.ready and "[[IN TE VULLEN" in draft.gaps[0]
    with pytest.raises(InputError, match=r"gap"):
        letters.send_letter(ws, zoe_case, "identity-request")
    ok = letters.send_letter(ws, zoe_case, "identity-request",
                             options=LetterOptions(identity_requested="het nummer van uw laatste bestelling"))
    assert ok.sent
    # An edited template with an unknown placeholder is refused before it is stored.
    source = templates.current_source(ws, "acknowledgement", "nl").source
    with pytest.raises(InputError, match="case.refrence"):
        templates.save_edit(ws, "acknowledgement", "nl", source.replace("case.reference", "case.refrence", 1))
    with pytest.raises(InputError, match="line"):
        templates.save_edit(ws, "acknowledgement", "nl", source + "{% if %}")
    assert len(smtp.messages) == 1


def test_the_officer_edits_the_rendered_text_before_sending(ws, smtp, zoe_case):
    draft = letters.preview(ws, zoe_case, "acknowledgement")
    body = draft.body.replace("Met vriendelijke groeten", "Met vriendelijke groet,\nnamens het team")
    result = letters.send_letter(ws, zoe_case, "acknowledgement", body=body)
    assert "namens het team" in smtp.messages[0].message.get_body().get_content()
    assert '"text_edited": true' in events(ws, "letter.queued")[0].details
    with pytest.raises(InputError, match="reference"):
        letters.send_letter(ws, zoe_case, "acknowledgement", subject_line="Hello")
    assert result.sent and len(smtp.messages) == 1


def test_a_manager_cannot_send(ws, smtp, zoe_case):
    with pytest.raises(PermissionDenied):
        letters.send_letter(ws.as_actor(Actor("marc", "manager")), zoe_case, "acknowledgement")


def test_refusal_needs_a_refusal_decision_and_a_letter_must_fit_the_case(ws, smtp, zoe_case):
    with pytest.raises(RuleViolation, match="is decided that way"):
        letters.preview(ws, zoe_case, "refusal")
    with pytest.raises(RuleViolation, match="does not fit"):
        letters.send_letter(ws, zoe_case, "erasure-confirmation")


def test_extension_letter_records_the_notice_date(ws, smtp, zoe_case, clock):
    cases.extend(ws, zoe_case, "Zes verwerkers moeten worden doorzocht.")
    clock.set("2027-04-06 11:00")
    result = letters.send_letter(ws, zoe_case, "extension")
    assert result.sent
    detail = queries.get_case(ws, zoe_case)
    assert detail.extension_notice_on.isoformat() == "2027-04-06"
    assert '"notice_in_time": true' in events(ws, "letter.sent")[0].details
    assert "1 juli 2027" in smtp.messages[0].message.get_body().get_content()   # three months from receipt


def test_art19_notice_goes_to_the_processor_contact_and_ticks_the_checklist(ws, smtp, clock):
    from datetime import datetime
    detail = cases.open_case(ws, cases.NewCase(("erasure",), "email", datetime(2027, 4, 1, 9, 0), new_subject=ZOE))
    ref = detail.reference
    with pytest.raises(RuleViolation, match="no e-mail contact"):
        letters.preview(ws, ref, "art19-notice", LetterOptions(processor="MailChimp"))
    with ws.transaction() as s:
        s.execute(update(Processor).where(Processor.name == "MailChimp").values(contact="privacy@mailchimp.example"))
    with pytest.raises(RuleViolation, match="processor"):
        letters.send_letter(ws, ref, "art19-notice", options=LetterOptions(processor="MailChimp"),
                            override=AddressOverride(OTHER, "Send it to me instead please."))
    result = letters.send_letter(ws, ref, "art19-notice",
                                 options=LetterOptions(processor="MailChimp"),
                                 body=letters.preview(ws, ref, "art19-notice",
                                                      LetterOptions(processor="MailChimp")).body.replace(
                                     "[[IN TE VULLEN: toe te passen maatregel]]", "Alle gegevens wissen."))
    assert result.sent and smtp.messages[-1].rcpt_tos == ["privacy@mailchimp.example"]
    item = next(i for i in queries.get_case(ws, ref).checklist if i.processor == "MailChimp" and "Notify" in i.action)
    assert item.done_at is not None and "letter" in item.note
    assert len(events(ws, "checklist.notified")) == 1


def test_starttls_with_login_and_no_plaintext_fallback(ws, zoe_case, memory_keyring):
    server_ctx, client_ctx = self_signed()
    server = LoopbackSmtp(tls_context=server_ctx, credentials=("privacy@megasecurity.eu", "s3cret pass")).start()
    try:
        point_at(ws, server, "starttls", user="privacy@megasecurity.eu")
        smtp_settings = mail.load_settings(ws)
        mail.store_password(smtp_settings, "s3cret pass")
        assert memory_keyring.get_password(mail.KEYRING_SERVICE, smtp_settings.keyring_user) == "s3cret pass"
        with ws.reading() as s:   # the password is not in the register
            assert "s3cret" not in repr(s.execute(select(AuditEvent.details)).scalars().all())
        transport = lambda w: mail.SmtpTransport(mail.load_settings(w), mail.password_for(smtp_settings),  # noqa: E731
                                                 timeout=5, ssl_context=client_ctx)
        result = letters.send_letter(ws, zoe_case, "acknowledgement", transport_factory=transport)
        assert result.sent and server.logins == ["privacy@megasecurity.eu"] and len(server.messages) == 1
        # Without a trusted certificate nothing is sent, and the letter waits.
        result = letters.send_letter(ws, zoe_case, "acknowledgement",
                                     transport_factory=lambda w: mail.transport_from_settings(w, timeout=5))
        assert result.status == "queued" and "certificate" in result.error and len(server.messages) == 1
    finally:
        server.stop()
    plain = LoopbackSmtp().start()   # offers no STARTTLS
    try:
        point_at(ws, plain, "starttls")
        result = letters.send_letter(ws, zoe_case, "acknowledgement")
        assert result.status == "queued" and "STARTTLS" in result.error and plain.messages == []
    finally:
        plain.stop()


def test_postal_delivery_needs_a_verified_identity_too(ws, smtp, zoe_case, clock):
    post = AddressOverride("Rue Haute 190\n1000 Bruxelles", "The subject asked for the reply on paper.", postal=True)
    with pytest.raises(RuleViolation, match="by post"):
        letters.post_letter(ws, zoe_case, "acknowledgement", post)
    with pytest.raises(InputError, match="post"):
        letters.queue_letter(ws, zoe_case, "acknowledgement", override=post)
    cases.start_work(ws, zoe_case)
    cases.ask_subject(ws, zoe_case, "in_person", "Bezoek aan de winkel met identiteitskaart")
    cases.record_answer(ws, zoe_case, "Seen in person at the shop.", "verified")
    letter_id = letters.post_letter(ws, zoe_case, "acknowledgement", post)
    assert smtp.messages == []
    detail = queries.get_case(ws, zoe_case)
    (letter,) = detail.letters
    assert letter.id == letter_id and letter.status == "sent" and letter.recipient == "Rue Haute 190\n1000 Bruxelles"
    (override,) = events(ws, "letter.address_override")
    assert '"delivery": "post"' in override.details and "Rue Haute" not in override.details
    (posted,) = events(ws, "letter.posted")
    assert '"recipient_kind": "post"' in posted.details
    assert len(events(ws, "letter.override_refused")) == 1 and audit.verify(ws).ok
