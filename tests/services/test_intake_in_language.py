"""What intake tells the officer, in the officer's language: the sender's clock far off, the request from the
known address, the inbox's kinds and warnings, the test message to oneself. What the register keeps to be
read again later (the identity step, an unreadable message's reason) is shown in whoever reads it's language;
the audit trail and the JSON stay English."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from megacase import i18n
from megacase.services import mail
from megacase.services.cases import queries
from megacase.services.intake import eml_import, inbox
from megacase.services.reports import case_file
from megacase.store.orm import AuditEvent, IdentityStep
from tests.services.case_file_support import flat, pdf_pages
from tests.services.test_eml_import import helene, message  # noqa: F401  (fixture)
from tests.services.test_inbox import mime, receive

FR, NL = i18n.for_language("fr"), i18n.for_language("nl")
KNOWN = "Request e-mailed from the known address ({how}; sender authentication: {result})."


@pytest.fixture
def interface():
    yield i18n.install
    i18n.install("en")


def test_a_far_off_sender_date_is_pointed_out_in_french_in_the_window_and_the_case_note(ws, helene, interface):
    interface("fr")
    raw = message(date="Mon, 01 Jan 1990 09:00:00 +0100", received=None)
    parsed = eml_import.parse_eml(raw, ws.now())
    source = FR._("time of import")
    far_off = FR.ngettext("The message's Date: ({date}) is {n} day before the time of receipt used ({received}, "
                          "{source}).",
                          "The message's Date: ({date}) is {n} days before the time of receipt used ({received}, "
                          "{source}).", 13604).format(date="01/01/1990 09:00", n=13604, received="01/04/2027 12:00",
                                                      source=source)
    assert parsed.date_note == far_off                                  # what the import dialog shows
    detail = eml_import.import_eml(ws, raw)
    # The sealed case note is written in the officer's language of the moment, like a note they type.
    note = detail.notes[0].text
    assert note.startswith(FR._("E-mail received {when} ({source}) from {sender}").format(
        when="01/04/2027 12:00", source=source, sender="Helene.Dubois@skynet.be"))
    assert FR._("NOTE: {note}").format(note=far_off) in note
    assert FR._("Subject: {subject}").format(subject="Demande d'accès à mes données") in note
    with ws.reading() as s:
        event = json.loads(s.scalar(select(AuditEvent.details).where(AuditEvent.kind == "case.imported_eml")))
    assert event["sender_date_far_off"] is True and event["receipt_source"] == "import"


def test_the_known_address_check_reads_in_each_readers_language_and_stays_english_in_the_audit(
        ws, helene, interface, tmp_path):
    interface("fr")
    ref = eml_import.import_eml(ws, message()).reference
    (step,) = queries.get_case(ws, ref).identity_steps
    assert step.answer == FR._(KNOWN).format(how=FR._("imported message"), result="none")
    interface("nl")                                     # a Dutch-speaking colleague opens the same case
    (step,) = queries.get_case(ws, ref).identity_steps
    assert step.answer == NL._(KNOWN).format(how=NL._("imported message"), result="none")
    english = "Request e-mailed from the known address (imported message; sender authentication: none)."
    with ws.reading() as s:
        assert i18n.record_english(s.scalar(select(IdentityStep.answer))) == english
    (checked,) = [e for e in queries.get_case(ws, ref).timeline if e.kind == "identity.checked"]
    assert checked.personal["note"] == english and "note" not in checked.details     # free text: sealed
    # A French case file printed while the officer reads Dutch: the file's own language.
    rendered = case_file.render_case_file(ws, ref, "fr")
    path = tmp_path / "case.pdf"
    path.write_bytes(rendered.pdf)
    printed = flat("\n".join(pdf_pages(path)))
    assert flat(FR._(KNOWN).format(how=FR._("imported message"), result="none")) in printed


def test_inbox_kinds_and_warnings_in_dutch_and_the_json_in_english(ws, open_access_case, interface):
    ref = open_access_case("2027-04-01 08:00").reference
    threaded = receive(ws, mime("helene@elsewhere.example", f"Re: {ref} ma demande", message_id="<m2@x>"), 1)
    unreadable = receive(ws, b"\x00\x01 not an e-mail at all", 2)
    interface("nl")
    entry = inbox.get_item(ws, threaded)
    assert entry.flag == NL._("claims to be a subject, from another address")
    assert entry.as_json()["flag"] == "claims to be a subject, from another address"
    broken = inbox.get_item(ws, unreadable)
    assert broken.kind_label == NL._("Unreadable")
    assert broken.subject_line.startswith(NL._("This file cannot be imported as an e-mail: {why}").split("{")[0])
    assert broken.as_json()["subject"].startswith("This file cannot be imported as an e-mail: ")
    assert broken.as_json()["kind"] == "unreadable"


def test_the_test_message_to_myself_is_in_the_interface_language(ws, smtp, interface):
    interface("nl")
    result = mail.send_test_message(ws)
    assert result.ok
    (msg,) = smtp.messages
    assert msg.message["Subject"] == NL._("MegaCase: test message")
    assert NL._("It can be deleted.") in msg.message.get_content()
