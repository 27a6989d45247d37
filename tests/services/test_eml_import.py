"""Intake from .eml files: the request, its sender, its time and its original; hostile files refused."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from email.utils import make_msgid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from megacase.errors import InputError
from megacase.services.intake import eml_import
from megacase.services.letters import attachments
from megacase.services.cases.subjects import NewSubject, create_subject

HELENE = NewSubject("Hélène Dubois", "helene.dubois@skynet.be", "fr", "Rue de l'Église 12, 5000 Namur", "C-104233")


def message(sender="Hélène Dubois <Helene.Dubois@SKYNET.be>", date="Thu, 01 Apr 2027 09:12:00 +0200",
            subject="Demande d'accès à mes données", body="Bonjour,\nje souhaite recevoir une copie de mes données.",
            extra_headers=(), attach=None, html=None, received="same as date", message_id=None) -> bytes:
    msg = EmailMessage(policy=SMTP)
    received = date if received == "same as date" else received
    if received:   # the stamp the shop's own mail server adds on top
        msg["Received"] = f"from mx.skynet.be by mail.megasecurity.eu with ESMTPS; {received}"
    msg["From"] = sender
    msg["To"] = "info@megasecurity.eu"
    if date:
        msg["Date"] = date
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="skynet.be")
    for name, value in extra_headers:
        msg[name] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    if attach:
        msg.add_attachment(attach[1], maintype="application", subtype="pdf", filename=attach[0])
    return msg.as_bytes()


@pytest.fixture
def helene(ws, clock):
    clock.set("2027-04-01 12:00")
    return create_subject(ws, HELENE)


def test_a_request_from_the_known_address_becomes_an_identified_case(ws, helene):
    raw = message(attach=("../../etc/passport scan.pdf", b"%PDF-1.4 fake"))
    detail = eml_import.import_eml(ws, raw)
    assert detail.subject.id == helene.id
    assert [t.value for t in detail.summary.request_types] == ["access"]        # guessed from the words
    assert detail.summary.channel.value == "email"
    assert detail.summary.received_at.strftime("%Y-%m-%d %H:%M") == "2027-04-01 09:12"   # from the Date header
    assert detail.summary.due.isoformat() == "2027-05-03"
    assert detail.identified_by_known_address
    assert [(s.method, s.result) for s in detail.identity_steps] == [("known_address", "verified")]
    assert "copie de mes données" in detail.notes[0].text
    files = attachments.list_attachments(ws, detail.reference)
    assert [(f.kind, f.filename) for f in files] == [("inbound_eml", "original-message.eml"),
                                                    ("inbound_file", "passport scan.pdf")]
    original = attachments.attachment_data(ws, files[0].id)
    assert original.data == raw and files[0].sha256 == hashlib.sha256(raw).hexdigest()
    kinds = [e.kind for e in detail.timeline]
    assert kinds[:3] == ["case.opened", "case.imported_eml", "identity.checked"]
    imported = next(e for e in detail.timeline if e.kind == "case.imported_eml")
    assert "helene" not in str(imported.details).lower() and imported.personal["sender"].lower() == HELENE.email
    with pytest.raises(InputError, match="already imported"):
        eml_import.import_eml(ws, raw)


def test_a_forged_sender_is_not_identified(ws, helene):
    raw = message(extra_headers=[("Authentication-Results",
                                  "mx.megasecurity.eu; spf=fail smtp.mailfrom=skynet.be; dmarc=fail header.from=skynet.be")])
    detail = eml_import.import_eml(ws, raw)
    assert detail.subject.id == helene.id and not detail.identified_by_known_address and not detail.identity_steps
    passed = message(subject="Effacement de mes données", body="Merci d'effacer mon compte.", extra_headers=[
        ("Authentication-Results", "mx.megasecurity.eu; dkim=pass header.d=skynet.be; dmarc=pass")])
    detail = eml_import.import_eml(ws, passed)
    assert detail.identified_by_known_address and [t.value for t in detail.summary.request_types] == ["erasure"]


def test_an_unknown_sender_needs_the_officer(ws, clock):
    clock.set("2027-04-01 12:00")
    raw = message(sender="Jeroen Peeters <jeroen.peeters@gmail.com>", subject="Verzoek tot inzage en overdraagbaarheid",
                  body="", html="<p>Beste,</p><script>alert(1)</script><p>Graag een kopie.</p>")
    parsed = eml_import.parse_eml(raw)
    assert parsed.body == "Beste,\nGraag een kopie." and eml_import.match_sender(ws, parsed) is None
    with pytest.raises(InputError, match="not a known subject"):
        eml_import.import_eml(ws, raw)
    with pytest.raises(InputError, match="sender's address"):
        eml_import.import_eml(ws, raw, new_subject=NewSubject("Jeroen Peeters", "other@gmail.com", "nl"))
    detail = eml_import.import_eml(ws, raw, ["access", "portability"],
                                   new_subject=NewSubject("Jeroen Peeters", "jeroen.peeters@gmail.com", "nl"))
    assert detail.subject.email == "jeroen.peeters@gmail.com" and not detail.identified_by_known_address
    assert [t.value for t in detail.summary.request_types] == ["access", "portability"]


def test_the_guess_of_request_types():
    guess = eml_import.guess_request_types
    assert [t.value for t in guess("Je demande l'effacement de mon compte (droit à l'oubli)")] == ["erasure"]
    assert [t.value for t in guess("Ik maak bezwaar tegen de nieuwsbrief")] == ["objection"]
    assert [t.value for t in guess("Please correct my address and restrict processing")] == \
        ["rectification", "restriction"]
    assert [t.value for t in guess("Hello")] == ["access"]


NESTED = b"".join([b"From: a@b.be\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200\r\nContent-Type: message/rfc822\r\n\r\n"] * 12) \
    + b"From: a@b.be\r\n\r\nhi\r\n"


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    (b"%PDF-1.7\n1 0 obj\n", "does not start with e-mail headers"),
    (b"From: a@b.be\r\nSubject: " + b"x" * 40_000 + b"\r\n\r\nbody", "header line"),
    (b"From: a@b.be\r\nX-Bin: \x00\x01\r\n\r\nbody", "binary data"),
    (b"Subject: no sender\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200\r\n\r\nbody", "exactly one From"),
    (b"From: a@b.be\r\nFrom: c@d.be\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200\r\n\r\nbody", "exactly one From"),
    (b"From: a@b.be, c@d.be\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200\r\n\r\nbody", "more than one address"),
    (b"From: not an address\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200\r\n\r\nbody", "sender"),
    (NESTED, "nested too deeply"),
    (b"From: a@b.be\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n"
     + b"".join(b"--X\r\nContent-Type: text/plain\r\n\r\npart\r\n" for _ in range(150)) + b"--X--\r\n", "parts"),
    (b"From: a@b.be\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200\r\n\r\n", "neither text nor attachments"),
])
def test_malformed_and_hostile_files_are_refused_with_a_reason(raw, reason):
    with pytest.raises(InputError, match=reason):
        eml_import.parse_eml(raw)


def test_too_large_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(eml_import, "MAX_BYTES", 1000)
    with pytest.raises(InputError, match="larger than"):
        eml_import.parse_eml(message(body="x" * 2000))


def test_the_senders_clock_is_never_the_time_of_receipt(ws, helene):
    # A Date: of 1990 and no server stamp: received now (the import), and the officer is told.
    detail = eml_import.import_eml(ws, message(date="Mon, 01 Jan 1990 09:00:00 +0100", received=None))
    assert detail.reference.startswith("DSR-2027-")
    assert detail.summary.received_at.strftime("%Y-%m-%d %H:%M") == "2027-04-01 12:00"
    assert "(01/01/1990 09:00)" in detail.notes[0].text and "before the time of receipt" in detail.notes[0].text
    # A Date: in 2035 with the shop's server stamp of this morning: the server's time, the Date pointed out.
    detail = eml_import.import_eml(ws, message(date="Mon, 01 Jan 2035 09:00:00 +0100", subject="Autre demande",
                                               received="Thu, 01 Apr 2027 08:30:00 +0200"))
    assert detail.summary.received_at.strftime("%H:%M") == "08:30"
    assert "after the time of receipt" in detail.notes[0].text
    # A server stamp in the future is not believed either: the time of import.
    parsed = eml_import.parse_eml(message(received="Mon, 01 Jan 2035 09:00:00 +0100"), helene_now(ws))
    assert parsed.receipt_source == "import"


def helene_now(ws):
    return ws.now()


def test_the_same_message_saved_with_other_line_endings_or_resent_is_recognised(ws, helene):
    raw = message(message_id="<abc123@skynet.be>")
    first = eml_import.import_eml(ws, raw)
    lf = raw.replace(b"\r\n", b"\n")
    assert lf != raw
    with pytest.raises(InputError, match=f"already imported as case {first.reference}"):
        eml_import.import_eml(ws, lf)
    resent = message(subject="Demande d'accès (rappel)", message_id="<abc123@skynet.be>")  # same id, other bytes
    with pytest.raises(InputError, match=f"already imported as case {first.reference}"):
        eml_import.import_eml(ws, resent)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | st.builds(lambda h, b: h + b"\r\n\r\n" + b,
                                             st.sampled_from([b"From: a@b.be", b"From: a@b.be\r\nDate: x",
                                                              b"From: a@b.be\r\nContent-Type: multipart/mixed; "
                                                              b"boundary=Q\r\nDate: Thu, 01 Apr 2027 09:00:00 +0200"]),
                                             st.binary(max_size=1500)))
def test_any_bytes_are_parsed_or_refused_cleanly(raw):
    try:
        parsed = eml_import.parse_eml(raw)
    except InputError as exc:
        assert str(exc).startswith("This file cannot be imported as an e-mail")
    else:
        assert parsed.sender and parsed.received_at.tzinfo is not None
        assert all("/" not in f.filename and "\\" not in f.filename for f in parsed.attachments)
