"""Messages that outlive the moment: a delivery error kept with its letter, a verifier's finding printed in a
case file. The officer reads them in their own language, whenever and in whatever language they look again;
the audit trail keeps the English, which does not change with whoever was at the keyboard."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select, text

from megacase import i18n
from megacase.services import mail
from megacase.services.cases import cases, queries
from megacase.services.cases.subjects import NewSubject
from megacase.services.integrity import audit
from megacase.services.intake import fetch
from megacase.services.intake import fetch as mailbox_fetch
from megacase.services.letters import letters, outbox
from megacase.services.reports import case_file
from megacase.store.orm import AuditEvent, Letter
from tests.services.case_file_support import flat, pdf_pages
from tests.services.test_case_file_languages import three_cases, worked_case  # noqa: F401  (fixtures)
from tests.services.test_review_and_reports import demo_ws  # noqa: F401  (fixture)
from tests.services.test_mailbox_dovecot import dovecot, mailbox  # noqa: F401  (fixtures)
from tests.smtp_server import LoopbackSmtp, free_port, point_at

EMILY = NewSubject("Emily Carter", "emily.carter@protonmail.com", "en", None, "C-102468")
REFUSED = "The mail server refused the recipient: {reply}"
UNREACHABLE = "Cannot reach the mail server {host}:{port} ({reason})."


@pytest.fixture
def interface():
    """Switch the interface language inside a test; English again afterwards."""
    yield i18n.install
    i18n.install("en")


def head(language: str, msgid: str) -> str:
    """The translation of ``msgid`` up to its first placeholder: what the officer's line starts with."""
    translated = i18n.for_language(language)._(msgid)
    assert translated != msgid or language == "en", f"{msgid!r} has no {language} translation"
    return translated.split("{")[0]


def open_case(ws, clock) -> str:
    clock.set("2027-04-01 10:00")
    return cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2027, 4, 1, 9, 0),
                                             new_subject=EMILY)).reference


def failures(ws) -> list[dict]:
    with ws.reading() as s:
        return [json.loads(d) for d in s.scalars(select(AuditEvent.details).where(
            AuditEvent.kind == "letter.send_failed").order_by(AuditEvent.seq))]


def test_a_refused_letter_reads_in_each_officers_language_and_the_record_stays_english(ws, clock, interface):
    ref = open_case(ws, clock)
    server = LoopbackSmtp()
    server.handler.refuse = {EMILY.email}
    server.start()
    try:
        point_at(ws, server)
        interface("fr")
        result = letters.send_letter(ws, ref, "acknowledgement")
    finally:
        server.stop()
    assert result.status == "failed"                      # a 550 is for good
    assert result.error.startswith(head("fr", REFUSED)) and "550 5.1.1" in result.error
    assert EMILY.email not in result.error                # the server quoted the address: scrubbed
    # The audit trail: the English sentence, whatever the officer read.
    (event,) = failures(ws)
    assert event["error"].startswith("The mail server refused the recipient: 550 5.1.1 <<address>>")
    # The letter row keeps how to say it again: a Dutch colleague, then an English one, read their own language.
    with ws.reading() as s:
        stored = s.scalar(select(Letter.last_error))
    assert EMILY.email not in stored and i18n.record_english(stored) == event["error"]
    interface("nl")
    (entry,) = outbox.list_outbox(ws)
    assert entry.last_error.startswith(head("nl", REFUSED)) and "550 5.1.1 <<address>>" in entry.last_error
    assert i18n.english(entry.last_error) == event["error"]       # what `outbox list --json` prints
    interface("en")
    assert outbox.list_outbox(ws)[0].last_error == event["error"]


def test_a_server_down_for_a_dutch_officer_is_said_in_dutch(ws, clock, interface):
    ref = open_case(ws, clock)
    port = free_port()                                    # nothing listens there
    mail.configure(ws, "127.0.0.1", port, "none", sender="privacy@megasecurity.eu")
    interface("nl")
    result = letters.send_letter(ws, ref, "acknowledgement")
    assert result.status == "queued"
    assert result.error.startswith(head("nl", UNREACHABLE)) and f"127.0.0.1:{port}" in result.error
    assert failures(ws)[0]["error"].startswith(f"Cannot reach the mail server 127.0.0.1:{port} (")


def test_the_mailbox_says_nothing_was_fetched_in_french(ws, interface):
    mail.configure_mailbox(ws, "imap", host="127.0.0.1", port=free_port(), security="none", user="privacy")
    interface("fr")
    with pytest.raises(fetch.MailboxError) as refused:
        fetch.fetch(ws)
    said = str(refused.value)
    assert said.startswith(head("fr", "Cannot reach the mailbox server {host}:{port} ({reason})."))
    assert said.endswith(i18n.for_language("fr")._("Nothing was fetched."))
    assert "Cannot reach" not in said and "waits in the outbox" not in said


def test_a_broken_chain_is_told_in_the_officers_language_and_printed_in_the_files(ws, three_cases, tmp_path,
                                                                                   interface):
    ref = three_cases["nl"]
    victim = queries.get_case(ws, ref).timeline[1].seq
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :s"), {"s": victim})
    changed = "event {seq} was changed after it was recorded (its hash does not match)"
    interface("fr")
    report = audit.verify(ws)
    assert not report.ok and report.findings[0] == i18n.for_language("fr")._(changed).format(seq=victim)
    assert i18n.english(report.problem).startswith(changed.format(seq=victim))
    # A French officer exports the Dutch case file: the finding is printed in Dutch, not in French.
    broken = case_file.export_case(ws, ref, tmp_path / "broken.pdf")
    printed = flat("\n".join(pdf_pages(broken.path)))
    assert flat(i18n.for_language("nl")._(changed).format(seq=victim)) in printed
    assert flat(report.findings[0]) not in printed


def test_a_stored_message_is_rebuilt_in_any_language_and_erasure_reaches_its_values():
    fr, nl, en = (i18n.for_language(code) for code in ("fr", "nl", "en"))
    i18n.install("fr")
    try:
        said = i18n._(REFUSED).format(reply="550 Emily Carter unknown") + " " + i18n.ngettext(
            "(and {n} more)", "(and {n} more)", 2).format(n=2)
    finally:
        i18n.install("en")
    stored = i18n.to_record(said)
    assert i18n.record_english(stored) == "The mail server refused the recipient: 550 Emily Carter unknown (and 2 more)"
    assert i18n.from_record(stored, fr) == str(said)
    assert i18n.from_record(stored, nl).startswith(head("nl", REFUSED))
    assert i18n.from_record(stored, en) == i18n.record_english(stored)
    # Erasure scrubs the values a message quotes, and the message still translates.
    scrubbed = i18n.map_record(stored, lambda t: t.replace("Emily Carter", "[erased]"))
    assert "Emily" not in scrubbed
    assert i18n.from_record(scrubbed, nl).startswith(head("nl", REFUSED)) and "[erased]" in i18n.from_record(
        scrubbed, nl)
    # Text that was never a message (a server's own words, an older row) is kept and shown as it is.
    assert i18n.to_record("421 try later") == "421 try later" and i18n.from_record("421 try later") == "421 try later"
    assert i18n.map_record("Emily Carter said no", lambda t: t.replace("Emily Carter", "[erased]")) == \
        "[erased] said no"
    assert i18n.from_record('{"not": "a message"}') == '{"not": "a message"}'



def test_what_a_system_held_is_said_in_the_readers_language(ws, open_access_case, tmp_path, interface):
    from megacase.services import systems
    from megacase.services.systems import demo_exports
    from tests.services.systems_support import EMAIL, NAME
    fr, nl = i18n.for_language("fr"), i18n.for_language("nl")

    def export_head(t) -> str:
        return t._("{format} export: {rows}").split("{rows}")[0].format(format="paypal-activity")

    ref = open_access_case(types=("access",)).reference
    interface("nl")                                         # a Dutch officer imports PayPal's export
    paypal = demo_exports.paypal_activity_csv(NAME, EMAIL, "Rue Haute 1", "1000", "Bruxelles")
    found = systems.import_file(ws, ref, "PayPal", "Download.CSV", paypal)
    assert found.summary.startswith(export_head(nl))
    assert found.summary.endswith(nl.ngettext("({n} row of other people left out)",
                                              "({n} rows of other people left out)", 1).format(n=1))
    # A French colleague reads the finding and its step in French; the English is what stays constant.
    interface("fr")
    (again,) = [f for f in systems.case_findings(ws, ref) if f.processor == "PayPal"]
    assert again.summary.startswith(export_head(fr))
    assert i18n.english(again.summary).startswith("paypal-activity export: ")
    (step,) = [c for c in queries.get_case(ws, ref).checklist if c.processor == "PayPal" and c.note]
    assert step.note.startswith(fr._("Found") + " (" + fr._("export file") + ")") and export_head(fr) in step.note
    assert i18n.english(step.note).startswith("Found (export file): paypal-activity export: ")
    from megacase.services.systems.overview import case_systems
    (row,) = [r for r in case_systems(ws, ref) if r.system == "PayPal"]
    assert row.categories.startswith("paiements")               # the Systems page names categories in French
    # The Dutch case file prints that step in Dutch, though a French officer exports it.
    path = case_file.export_case(ws, ref, tmp_path / "nl.pdf", "nl").path
    printed = flat("\n".join(pdf_pages(path)))
    assert flat(nl._("Found") + " (" + nl._("export file") + "): " + export_head(nl)) in printed
    assert flat(export_head(fr)) not in printed


def test_the_managers_review_reads_in_dutch_and_its_record_stays_english(demo_ws, interface):
    from megacase.services.review import review
    nl = i18n.for_language("nl")
    interface("nl")
    rows = review.items(demo_ws, review.ReviewFilter(10))
    waiting = [w for r in rows for w in r.waiting_on]
    history = [e.what for r in rows for e in r.extension_history]
    assert any(w.startswith(nl._("Approval: {kind} awaiting a manager since {date}").split("{kind}")[0])
               for w in waiting)
    assert nl._("Approval asked by {name}").format(name="sophie") in history
    assert not any(w.startswith(("Approval:", "Officer:", "Subject:", "Processors:")) for w in waiting)
    described = review.ReviewFilter(10).describe()
    assert described.startswith(nl.ngettext("Overdue cases, and open cases due within {n} working day",
                                             "Overdue cases, and open cases due within {n} working days", 10
                                             ).format(n=10))
    assert i18n.english(described) == ("Overdue cases, and open cases due within 10 working days "
                                       "(working days: Belgian calendar)")


def test_a_message_too_large_to_fetch_is_said_in_the_fetching_officers_language(ws, mailbox, interface,
                                                                                   monkeypatch):
    from megacase.services.intake import inbox
    from tests.services.test_mailbox_dovecot import SERVER_TIME, message
    monkeypatch.setattr(inbox, "MAX_BYTES", 2048)          # a real message over the limit, on a real server
    mailbox.append(message("jan.peeters@telenet.be", "Mijn gegevens", "Bijlage. " * 400), SERVER_TIME)
    interface("nl")
    assert mailbox_fetch.fetch(ws).seen == 1
    (item,) = inbox.list_items(ws)
    assert item.kind == "unreadable"
    said = i18n.for_language("nl")._("This message is larger than {n} MB and was not fetched.").format(n=0)
    assert inbox.message_text(ws, item.id) == said         # its text: written when it was fetched
    # Its line in the inbox is said to whoever looks: the Dutch officer, then a French colleague.
    line = "Too large to fetch: read it in the mailbox itself."
    assert item.subject_line == i18n.for_language("nl")._(line) != line
    interface("fr")
    assert inbox.list_items(ws)[0].subject_line == i18n.for_language("fr")._(line)


def test_a_systems_data_categories_are_named_in_the_readers_language():
    from megacase.services.reports.audit_text import format_value
    categories = ["opens and reads", "tags", "something new"]
    assert format_value("categories", categories, i18n.for_language("fr")) == \
        "ouvertures et lectures, étiquettes, something new"     # an unknown category is printed as recorded
    assert format_value("categories", categories, i18n.for_language("nl")).startswith("geopend en gelezen, ")
    assert format_value("categories", categories) == "opens and reads, tags, something new"


def test_a_translation_with_a_wrong_placeholder_falls_back_to_the_english():
    """A stored message outlives catalogue versions: a translation naming a placeholder the message does not
    have must not make the outbox fail (the catalogue test keeps the shipped ones right)."""
    import gettext

    class WrongPlaceholder(gettext.NullTranslations):
        def gettext(self, message):
            return "Refusé : {reponse}" if message == REFUSED else message

    said = i18n._(REFUSED).format(reply="550 no")
    assert i18n._render(said.source, WrongPlaceholder()) == "The mail server refused the recipient: 550 no"


def test_a_senders_subject_line_is_never_read_as_a_stored_message(ws):
    from megacase.services.intake import inbox
    forged = i18n.to_record(i18n._("Sign in to Office 365 again ({why}): Tools › Mail… › Sign in with a code, or "
                                   "`megacase mail signin`.").format(why="x"))
    raw = (f"From: Mallory <mallory@example.org>\r\nTo: privacy@megasecurity.eu\r\nSubject: {forged}\r\n"
           "Message-ID: <forged@example.org>\r\nDate: Mon, 02 Nov 2026 09:00:00 +0100\r\n\r\nHello\r\n").encode()
    with ws.transaction() as session:
        inbox.receive(session, ws, "INBOX", "1", raw, datetime(2026, 11, 2, 8, 0))
    (item,) = inbox.list_items(ws)
    assert item.kind == "request" and item.subject_line == forged      # shown as the sender wrote it
