"""The outbox: saved before sending, sent once, never lost."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from megacase.errors import InputError
from megacase.services.cases import cases
from megacase.services.integrity import audit
from megacase.services.letters import letters, outbox
from megacase.services.mail import DeliveryError
from megacase.services.cases.subjects import NewSubject
from megacase.store.orm import AuditEvent, Letter
from tests.smtp_server import LoopbackSmtp, point_at

EMILY = NewSubject("Emily Carter", "emily.carter@protonmail.com", "en", None, "C-102468")


@pytest.fixture
def case_ref(ws, clock):
    clock.set("2027-04-01 10:00")
    detail = cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2027, 4, 1, 9, 0), new_subject=EMILY))
    return detail.reference


def kinds(ws):
    with ws.reading() as s:
        return [k for k in s.execute(select(AuditEvent.kind).order_by(AuditEvent.seq)).scalars()
                if k.startswith("letter.")]


def test_server_down_the_letter_waits_and_is_delivered_exactly_once(ws, case_ref, clock):
    server = LoopbackSmtp().start()
    point_at(ws, server)
    assert letters.send_letter(ws, case_ref, "acknowledgement").sent
    server.stop()                   # the server goes down
    result = letters.send_letter(ws, case_ref, "acknowledgement")
    assert result.status == "queued" and "Cannot reach the mail server" in result.error
    (waiting,) = outbox.list_outbox(ws)             # the sent letter is not listed as waiting
    assert waiting.status == "queued" and waiting.attempts == 1 and waiting.recipient == EMILY.email
    assert waiting.message_id == result.message_id
    clock.set("2027-04-01 11:00")
    server.start()
    try:
        first = outbox.retry(ws)
        second = outbox.retry(ws)
        assert [r.status for r in first] == ["sent"] and second == []
        assert len(server.messages) == 2      # the first letter, and the waiting one once
        assert server.messages[1].message["Message-ID"] == result.message_id   # the message stored at queue time
        assert outbox.list_outbox(ws) == []
        sent = outbox.list_outbox(ws, include_sent=True)[0]
        assert sent.status == "sent" and sent.attempts == 2 and sent.server_reply.endswith("TEST2")
        # Delivering a letter that was already sent does nothing.
        assert outbox.deliver(ws, sent.letter_id).status == "sent" and len(server.messages) == 2
    finally:
        server.stop()
    assert kinds(ws) == ["letter.queued", "letter.sent", "letter.queued", "letter.send_failed", "letter.sent"]
    assert audit.verify(ws).ok


def test_two_senders_racing_for_one_letter_send_it_once(ws, case_ref):
    server = LoopbackSmtp().start()
    try:
        point_at(ws, server)
        queued = letters.queue_letter(ws, case_ref, "acknowledgement")
        calls = []

        class Racing:
            """While the first sender is talking to the server, a second one tries the same letter."""
            def __init__(self, real):
                self.real = real

            def send(self, message, sender, recipient):
                calls.append(recipient)
                if len(calls) == 1:
                    assert outbox.deliver(ws, queued.letter_id, lambda w: Racing(real)).status == "sending"
                return self.real.send(message, sender, recipient)

        from megacase.services.mail import transport_from_settings
        real = transport_from_settings(ws, timeout=5)
        result = outbox.deliver(ws, queued.letter_id, lambda w: Racing(real))
        assert result.sent and calls == [EMILY.email] and len(server.messages) == 1
    finally:
        server.stop()


def test_a_permanent_refusal_is_not_retried(ws, case_ref):
    server = LoopbackSmtp().start()
    server.handler.refuse.add(EMILY.email)
    try:
        point_at(ws, server)
        result = letters.send_letter(ws, case_ref, "acknowledgement")
        assert result.status == "failed" and "refused the recipient" in result.error
        assert EMILY.email not in result.error            # no address in what is stored and shown
        with ws.reading() as s:
            assert EMILY.email not in (s.scalar(select(Letter.last_error)) or "")
        assert outbox.retry(ws) == [] and server.messages == []
    finally:
        server.stop()


class BreaksAfterHandover:
    def send(self, message, sender, recipient):
        raise DeliveryError("The connection broke while the message was being handed over.", uncertain=True)


def test_an_uncertain_letter_is_never_resent_on_its_own(ws, case_ref):
    server = LoopbackSmtp().start()
    try:
        point_at(ws, server)
        result = letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=lambda w: BreaksAfterHandover())
        assert result.status == "uncertain"
        assert outbox.retry(ws) == [] and server.messages == []
        with pytest.raises(InputError):
            outbox.resolve_uncertain(ws, result.letter_id, arrived=False, note="")
        # The officer looked in the sent items and did not find it: back in the queue, then sent once.
        outbox.resolve_uncertain(ws, result.letter_id, arrived=False, note="Not in the Sent Items of the mailbox.")
        assert [r.status for r in outbox.retry(ws)] == ["sent"] and len(server.messages) == 1
        with pytest.raises(InputError):
            outbox.resolve_uncertain(ws, result.letter_id, arrived=True, note="again")
    finally:
        server.stop()


def test_queueing_needs_a_sender_address(ws, case_ref):
    with pytest.raises(InputError, match="mail server"):
        letters.queue_letter(ws, case_ref, "acknowledgement")
    with ws.reading() as s:
        assert s.scalars(select(Letter)).all() == []


def test_a_letter_that_cannot_go_does_not_block_the_others(ws, case_ref, clock):
    from sqlalchemy import update
    server = LoopbackSmtp()
    point_at(ws, server)
    first = letters.send_letter(ws, case_ref, "acknowledgement")
    second = letters.send_letter(ws, case_ref, "access-reply")
    assert first.status == second.status == "queued"
    with ws.transaction() as s:     # the stored message of the first letter was tampered with
        s.execute(update(Letter).where(Letter.id == first.letter_id).values(eml_sha256="0" * 64))
    server.start()
    try:
        results = outbox.retry(ws)
        assert [(r.letter_id, r.status) for r in results] == [(first.letter_id, "queued"),
                                                              (second.letter_id, "sent")]
        assert "does not match its hash" in results[0].error and len(server.messages) == 1
    finally:
        server.stop()
