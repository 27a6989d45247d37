"""The privacy mailbox against a real Dovecot on loopback: requests, answers, bounces, spoofing, no doubles."""

from __future__ import annotations

from datetime import datetime, timezone
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from megacase.services import mail
from megacase.services.cases import cases
from megacase.services.integrity import audit
from megacase.services.letters import letters
from megacase.services.review import reminders
from megacase.services.intake import fetch as mailbox_fetch
from megacase.services.intake import inbox
from megacase.services.cases.queries import get_case
from megacase.services.cases.subjects import NewSubject
from megacase.store.orm import Attachment, InboxItem, Letter, MailboxState
from tests.dovecot_server import PASSWORD, USER, Dovecot, dovecot_binary

HELENE = NewSubject("Hélène Dubois", "helene.dubois@skynet.be", "fr", None, "C-104233")
SERVER_TIME = datetime(2026, 11, 2, 8, 15, tzinfo=timezone.utc)


@pytest.fixture
def dovecot(tmp_path):
    if dovecot_binary() is None:
        pytest.skip("Dovecot is not installed here (apt-get install dovecot-imapd; .ci/run installs it)")
    server = Dovecot(tmp_path / "dovecot").start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(ws, dovecot, clock):
    clock.set("2026-11-03 10:00")
    box = mail.configure_mailbox(ws, "imap", host="127.0.0.1", port=dovecot.port, security="none", user=USER,
                                 folder="INBOX", auth="password")
    mail.store_mailbox_password(box, PASSWORD)
    return dovecot


def message(sender: str, subject: str, body: str, *, date: str = "Thu, 01 Oct 2026 09:00:00 +0200",
            message_id: str | None = None, in_reply_to: str | None = None, attachment: bytes | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Date"] = sender, USER, subject, date
    msg["Message-ID"] = message_id or f"<{abs(hash((sender, subject, body)))}@mail.example>"
    if in_reply_to:
        msg["In-Reply-To"] = msg["References"] = in_reply_to
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="id-redacted.pdf")
    return msg.as_bytes()


def test_a_new_request_becomes_an_inbox_item_received_at_the_server_time(ws, mailbox, clock):
    mailbox.append(message('"Emily Carter" <emily.carter@protonmail.com>', "Data access request",
                           "Dear sir, please send me a copy of my data (article 15)."), SERVER_TIME)
    report = mailbox_fetch.fetch(ws)
    assert report.seen == 1 and len(report.new) == 1
    (item,) = inbox.list_items(ws)
    assert item.kind == "request" and item.sender == "emily.carter@protonmail.com"
    assert item.received_at == SERVER_TIME            # the server's INTERNALDATE, not the Date header
    assert item.guessed_types == ("access",) and item.language == "en" and item.subject_id is None
    clock.set("2026-11-05 14:00")                       # the officer gets to it days later
    ref = inbox.open_case(ws, item.id, new_subject=NewSubject("Emily Carter", "emily.carter@protonmail.com", "en"))
    detail = get_case(ws, ref)
    assert detail.summary.received_at == SERVER_TIME    # never the day the officer clicked
    assert not detail.identified_by_known_address       # a new subject: the address was not known before
    assert inbox.list_items(ws) == [] and inbox.get_item(ws, item.id).case_reference == ref
    assert "inbox.opened" in kinds(ws) and audit.verify(ws).ok


def test_an_identity_answer_threads_into_its_case_and_raises_answer_arrived(ws, mailbox, smtp, clock):
    clock.set("2026-11-02 09:00")
    ref = cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc),
                                            new_subject=HELENE)).reference
    cases.ask_subject(ws, ref, "additional_info", "Your customer number")
    sent = letters.send_letter(ws, ref, "identity-request")
    assert sent.sent
    clock.set("2026-11-03 10:00")
    mailbox.append(message("Hélène Dubois <helene.dubois@skynet.be>", "RE: your question",
                           "Mon numéro de client est C-104233.", in_reply_to=sent.message_id,
                           attachment=b"%PDF-1.4 redacted"), SERVER_TIME.replace(day=3))
    report = mailbox_fetch.fetch(ws)
    assert len(report.threaded) == 1 and report.new == []
    (entry,) = inbox.list_items(ws, include_done=True)
    assert entry.kind == "answer" and entry.status == "threaded" and entry.case_reference == ref
    assert not entry.claims_subject
    with ws.reading() as s:
        kept = s.execute(select(Attachment.kind).where(Attachment.case_id == entry_case_id(s, ref))).scalars().all()
    assert kept.count("inbound_eml") == 1 and kept.count("inbound_file") == 1
    due = [r for r in reminders.current(ws) if r.reference == ref]
    assert [r.kind for r in due] == ["answer_arrived"]
    cases.record_answer(ws, ref, "Customer number matches", "verified")   # one step resumes the clock
    assert not [r for r in reminders.current(ws) if r.kind == "answer_arrived"]


def entry_case_id(session, ref):
    from megacase.store.orm import Case
    return session.scalar(select(Case.id).where(Case.reference == ref))


def dsn(original_message_id: str, recipient: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.megasecurity.eu>\r\n"
        f"To: {USER}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Date: Mon, 02 Nov 2026 09:20:00 +0100\r\nMessage-ID: <dsn-1@mx.megasecurity.eu>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.megasecurity.eu\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: privacy@megasecurity.eu\r\nTo: {recipient}\r\nMessage-ID: {original_message_id}\r\n"
        "Subject: Accusé de réception\r\n"
        "--B--\r\n").encode()


def test_a_bounce_marks_its_letter_and_raises_a_reminder(ws, mailbox, smtp, clock):
    clock.set("2026-11-02 09:00")
    ref = cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc),
                                            new_subject=HELENE)).reference
    sent = letters.send_letter(ws, ref, "acknowledgement")
    mailbox.append(dsn(sent.message_id, HELENE.email), SERVER_TIME)
    report = mailbox_fetch.fetch(ws)
    assert len(report.bounced) == 1
    with ws.reading() as s:
        letter = s.get(Letter, sent.letter_id)
        assert letter.status == "bounced" and "5.1.1" in letter.last_error
        assert "@" not in letter.last_error            # the server's text is scrubbed of addresses
    assert [r.kind for r in reminders.current(ws) if r.reference == ref][:1] == ["bounced"]
    assert "letter.bounced" in kinds(ws) and audit.verify(ws).ok


def test_a_spoofed_display_name_does_not_match(ws, mailbox, open_access_case):
    clock_ref = open_access_case("2026-11-02 09:00")   # Hélène is a known subject
    assert clock_ref.reference
    mailbox.append(message('"Hélène Dubois" <helene.dubois@elsewhere.example>', "Effacement",
                           "Je veux que vous effaciez mes données."), SERVER_TIME)
    mailbox_fetch.fetch(ws)
    (item,) = inbox.list_items(ws)
    assert item.subject_id is None and item.claims_subject
    assert item.flag == "claims to be a subject, from another address"
    assert item.guessed_types == ("erasure",) and item.language == "fr"


def test_fetching_twice_imports_nothing_twice(ws, mailbox):
    raw = message("someone@example.org", "Question", "Hello, please delete my account.")
    mailbox.append(raw, SERVER_TIME)
    mailbox.append(raw, SERVER_TIME)                   # the same message delivered twice
    first = mailbox_fetch.fetch(ws)
    second = mailbox_fetch.fetch(ws)
    assert first.seen == 2 and len(first.new) == 1 and first.duplicates == 1
    assert second.seen == 0
    assert count_items(ws) == 1


def test_killed_mid_fetch_then_refetched_loses_and_doubles_nothing(ws, mailbox, monkeypatch):
    for i in range(4):
        mailbox.append(message(f"person{i}@example.org", f"Request {i}", f"Please give me my data ({i})."),
                       SERVER_TIME)
    real_receive, calls = inbox.receive, []

    class Killed(BaseException):
        pass

    def dies_in_the_third(session, *args):
        calls.append(args[1])
        item = real_receive(session, *args)
        if len(calls) == 3:
            raise Killed()          # the process dies inside the third message's transaction
        return item

    monkeypatch.setattr(inbox, "receive", dies_in_the_third)
    with pytest.raises(Killed):
        mailbox_fetch.fetch(ws)
    assert count_items(ws) == 2
    with ws.reading() as s:
        assert s.scalar(select(MailboxState.last_uid)) == 2   # committed with the second message
    monkeypatch.setattr(inbox, "receive", real_receive)
    report = mailbox_fetch.fetch(ws)
    assert report.seen == 2 and len(report.new) == 2
    subjects = sorted(i.subject_line for i in inbox.list_items(ws))
    assert subjects == ["Request 0", "Request 1", "Request 2", "Request 3"]


def test_link_and_dismiss_are_audited(ws, mailbox, open_access_case):
    ref = open_access_case("2026-11-02 09:00").reference
    mailbox.append(message("helene.dubois@skynet.be", "Encore moi", "Une précision sur ma demande."), SERVER_TIME)
    mailbox.append(message("newsletter@shop.example", "Promo", "Our offers this week."), SERVER_TIME)
    mailbox_fetch.fetch(ws)
    items = {i.sender: i for i in inbox.list_items(ws)}
    assert items["helene.dubois@skynet.be"].subject_id is not None
    inbox.link(ws, items["helene.dubois@skynet.be"].id, ref)
    inbox.dismiss(ws, items["newsletter@shop.example"].id, "A newsletter, not a request")
    assert inbox.list_items(ws) == []
    assert inbox.dismissal_reason(ws, items["newsletter@shop.example"].id) == "A newsletter, not a request"
    assert {"case.mail_received", "inbox.dismissed"} <= set(kinds(ws))
    assert "A newsletter" not in "".join(audit_details(ws))


def test_messages_before_the_since_day_are_left_alone(ws, mailbox):
    mailbox.append(message("old@example.org", "Old", "An old question."), SERVER_TIME.replace(month=9))
    mailbox.append(message("new@example.org", "New", "A new question."), SERVER_TIME)
    mail.configure_mailbox(ws, "imap", since="2026-10-01")
    report = mailbox_fetch.fetch(ws)
    assert report.seen == 1 and [i.subject_line for i in inbox.list_items(ws)] == ["New"]


def test_wrong_mailbox_password_is_one_line(ws, mailbox):
    mail.store_mailbox_password(mail.load_mailbox(ws), "wrong")
    with pytest.raises(mailbox_fetch.MailboxError) as err:
        mailbox_fetch.fetch(ws)
    assert "refused the login" in str(err.value) and "\n" not in str(err.value)


def count_items(ws) -> int:
    with ws.reading() as s:
        return s.scalar(select(func.count(InboxItem.id)))


def kinds(ws) -> list[str]:
    from megacase.store.orm import AuditEvent
    with ws.reading() as s:
        return list(s.execute(select(AuditEvent.kind).order_by(AuditEvent.seq)).scalars())


def audit_details(ws) -> list[str]:
    from megacase.store.orm import AuditEvent
    with ws.reading() as s:
        return list(s.execute(select(AuditEvent.details)).scalars())


def test_imap_with_an_office365_token_xoauth2(ws, clock, tmp_path):
    """Dovecot checks the XOAUTH2 bearer token against the loopback Graph's /me, as with Microsoft."""
    from megacase.services.mail.oauth import IMAP_READ
    from tests.microsoft_server import LoopbackMicrosoft
    if dovecot_binary() is None:
        pytest.skip("Dovecot is not installed here (apt-get install dovecot-imapd; .ci/run installs it)")
    microsoft = LoopbackMicrosoft(user=USER).start()
    server = Dovecot(tmp_path / "dovecot", oauth=microsoft).start()
    try:
        microsoft.ms.token_lifetime = 60          # expired for MSAL: refreshed silently before the login
        clock.set("2026-11-03 10:00")
        ms = microsoft.ms
        mail.configure(ws, "smtp.office365.com", 587, "starttls", user=USER, sender=USER, transport="smtp-oauth",
                       tenant=ms.tenant, client_id=ms.client_id, authority_host=microsoft.base,
                       graph_url=microsoft.base + "/v1.0")
        mail.configure_mailbox(ws, "imap", host="127.0.0.1", port=server.port, security="none", user=USER,
                               auth="oauth")
        signin = mail.sign_in_for(mail.load_settings(ws), ssl_context=microsoft.client_ssl)
        signin.finish_device_code(signin.begin_device_code(IMAP_READ))
        server.append(message("an.claes@proximus.be", "Verwijdering", "Verwijder mijn gegevens."), SERVER_TIME)
        report = mailbox_fetch.fetch(ws, ssl_context=microsoft.client_ssl)
        assert report.seen == 1 and len(report.new) == 1
        assert ms.grants == ["device_code", "refresh_token"]
        assert ("GET", "/v1.0/me") in ms.requests          # Dovecot checked the token it was given
        microsoft.ms.refuse_refresh = True
        with pytest.raises(mailbox_fetch.MailboxError) as err:
            mailbox_fetch.fetch(ws, ssl_context=microsoft.client_ssl)
        assert "Sign in to Office 365 again" in str(err.value) and "Nothing was fetched." in str(err.value)
    finally:
        server.stop()
        microsoft.stop()
