"""Inbox rules without a mail server: hostile input, doubles by Message-ID, threading by reference, flags."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from megacase.errors import InputError
from megacase.services.intake import inbox

WHEN = datetime(2027, 4, 1, 7, 0, tzinfo=timezone.utc)


def receive(ws, raw: bytes, n: int):
    with ws.transaction() as session:
        item = inbox.receive(session, ws, "imap:test", f"1:{n}", raw, WHEN)
        return item.id if item else None


def mime(sender: str, subject: str, body: str = "Bonjour", message_id: str = "<m1@x.example>",
         extra: str = "") -> bytes:
    return (f"From: {sender}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
            f"Date: Thu, 01 Apr 2027 09:00:00 +0200\r\n{extra}\r\n{body}\r\n").encode()


def test_hostile_message_stays_an_unreadable_item_to_dismiss(ws):
    item_id = receive(ws, b"\x00\x01 not an e-mail at all", 1)
    entry = inbox.get_item(ws, item_id)
    assert entry.kind == "unreadable" and "cannot be imported" in entry.subject_line
    with pytest.raises(InputError):
        inbox.open_case(ws, item_id)
    inbox.dismiss(ws, item_id, "Garbage")
    assert inbox.list_items(ws) == []


def test_same_message_id_with_other_bytes_is_not_taken_twice(ws):
    assert receive(ws, mime("a@example.org", "Demande"), 1) is not None
    again = mime("a@example.org", "Demande", extra="Received: from relay2 by mx; Thu, 1 Apr 2027 09:01:00 +0200\r\n")
    assert receive(ws, again, 2) is None
    assert len(inbox.list_items(ws)) == 1


def test_case_reference_in_the_subject_threads_and_flags_another_address(ws, open_access_case):
    ref = open_access_case("2027-04-01 08:00").reference
    item_id = receive(ws, mime("helene@elsewhere.example", f"Re: {ref} ma demande", message_id="<m2@x>"), 1)
    entry = inbox.get_item(ws, item_id)
    assert entry.status == "threaded" and entry.case_reference == ref and entry.claims_subject
    assert entry.flag == "claims to be a subject, from another address"


def test_html_is_text_and_the_message_text_never_renders(ws):
    raw = (b"From: x@example.org\r\nSubject: Hi\r\nMessage-ID: <h@x>\r\nContent-Type: text/html\r\n\r\n"
           b"<p>Hello <img src='http://tracker.example/p.gif'><script>alert(1)</script>world</p>\r\n")
    text = inbox.message_text(ws, receive(ws, raw, 1))
    assert "Hello" in text and "world" in text and "<img" not in text and "alert" not in text


def test_a_bounce_for_a_letter_we_never_sent_is_an_item(ws):
    raw = (b"From: MAILER-DAEMON@mx.example\r\nSubject: Undeliverable\r\nMessage-ID: <b@x>\r\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
           b"--B\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
           b"Message-ID: <not-ours@elsewhere>\r\n--B--\r\n")
    entry = inbox.get_item(ws, receive(ws, raw, 1))
    assert entry.kind == "bounce" and entry.status == "new" and entry.case_reference is None


def test_dismissal_needs_a_reason_and_happens_once(ws):
    item_id = receive(ws, mime("a@example.org", "Promo"), 1)
    with pytest.raises(InputError):
        inbox.dismiss(ws, item_id, "  ")
    inbox.dismiss(ws, item_id, "Advertising")
    with pytest.raises(InputError):
        inbox.dismiss(ws, item_id, "Again")


def test_a_threaded_message_is_shredded_with_the_subject(ws, open_access_case, clock, data_dir):
    from datetime import date

    from megacase.services.privacy import erasure
    from tests import forensics
    from tests.mail_sink import configure_mail, smtp_sink
    from tests.services.erasure_flow import EMAIL, granted_erasure
    with smtp_sink() as sink:
        configure_mail(ws, sink)
        ref = granted_erasure(ws, open_access_case, clock)
        item_id = receive(ws, mime(f"Hélène <{EMAIL}>", f"Re: {ref}", "Thanks, my order was 2026-118.",
                                   message_id="<thanks@skynet.be>"), 1)
        assert inbox.get_item(ws, item_id).sender == EMAIL
        erasure.erase(ws, ref, erasure.InvoiceKeep("F-2026-0042", date(2026, 11, 3)))
    entry = inbox.get_item(ws, item_id)
    assert entry.sender == "[erased]" and entry.subject_line == "[erased]"
    assert inbox.message_text(ws, item_id) == "[erased]"
    files = forensics.profile_plaintext(data_dir, forensics.engine_key(ws.engine))
    assert not forensics.occurrences(files, "2026-118") and not forensics.occurrences(files, "thanks@skynet")


def test_a_message_imported_by_hand_earlier_is_not_taken_again(ws, open_access_case):
    from megacase.services.intake import eml_import
    open_access_case("2027-03-01 09:00")
    raw = mime("helene.dubois@skynet.be", "Effacement", "Merci d'effacer mon compte.", message_id="<e@x>")
    eml_import.import_eml(ws, raw)
    assert receive(ws, raw, 1) is None and inbox.list_items(ws, include_done=True) == []
