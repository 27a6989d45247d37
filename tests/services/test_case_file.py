"""The regulator's case file, read back from the real PDF."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from megacase.errors import InputError
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.reports import audit_text, case_file, case_file_check
from megacase.store.orm import AuditEvent
from tests.services.case_file_support import add_letter, en_day, en_moment, flat, pdf_pages, pdfium_pages, rich_case


@pytest.fixture
def exported(ws, clock, open_access_case, tmp_path):
    ref = rich_case(ws, clock, open_access_case)
    detail = queries.get_case(ws, ref)
    head = audit.verify(ws)
    out = tmp_path / "case.pdf"
    result = case_file.export_case(ws, ref, out, language="en")    # the subject writes French: English chosen
    return ref, detail, head, out, result


def test_every_letter_step_and_event_is_in_the_pdf(exported):
    ref, detail, head, out, result = exported
    pages = pdf_pages(out)
    whole = "\n".join(pages)
    text_ = flat(whole)
    assert len(detail.letters) == 5
    for letter in detail.letters:
        assert f"Sent {en_moment(letter.sent_at)}" in text_
        assert letter.subject_line in text_
        assert letter.recipient in text_
        for paragraph in letter.body.split("\n\n"):
            assert flat(paragraph) in text_, paragraph   # the full text, accents included
    steps = detail.identity_steps
    assert len(steps) == 2
    for step in steps:
        assert en_moment(step.asked_at) in text_
        assert flat(step.answer) in text_
        assert step.result.capitalize() in text_
    # The ID card was shown but is never described: only that it was checked and deleted.
    assert "ID document checked and deleted" in text_
    assert "Carte d'identité" not in text_
    assert len(detail.timeline) >= 15
    for e in detail.timeline:
        assert re.search(rf"(?m)^{e.seq}\s+{en_day(e.at)}\s+{e.at:%H:%M}\s+{e.actor}\s+", whole), e
        assert flat(audit_text.event_label(e)) in text_
    # Accents and human-readable details.
    for phrase in ("Hélène Dubois", "Zoë (sa fille)", "Complexité : six années", "Rights invoked: Access (Art. 15 GDPR), "
                   "Erasure (Art. 17 GDPR)", "Clock suspended from: 2 April 2027", "Clock resumed on: 9 April 2027"):
        assert phrase in text_, phrase
    assert '{"' not in whole   # no raw JSON
    # Cover and deadline summary.
    assert "Mega Security (Securco BV)" in text_ and "Seringenstraat 34, B-8850 Ardooie" in text_
    assert "info@megasecurity.eu" in text_
    assert "Received 1 April 2027 09:30 (Brussels time), by e-mail" in text_
    assert "Legal ground: Art. 17(3)(b) RGPD : factures conservées dix ans" in text_     # free text, as recorded
    assert "Date of the final reply 20 May 2027" in text_
    assert "Generated 1 June 2027 14:03 (Brussels time) by alice (officer)" in text_
    assert "2 April 2027 9 April 2027 7 days" in text_          # the suspension: from, to, days
    assert "Extension notice to the subject 14 April 2027 (within the first month" in text_
    assert "Extended due date 8 July 2027" in text_
    assert "On time: reply letter sent on 20 May 2027, 49 days before the due date." in text_
    # Processors with dates.
    done = [i for i in detail.checklist if i.done_at]
    assert len(done) == 6 and all(en_moment(i.done_at) in text_ for i in done)
    assert "Lightspeed" in text_ and "Notify (Art. 19)" in text_


def test_the_printed_chain_hashes_are_the_databases(exported, ws):
    ref, detail, head, out, result = exported
    text_ = flat("\n".join(pdf_pages(out)))
    assert head.ok
    with ws.reading() as s:
        head_seq = s.scalar(select(AuditEvent.seq).where(AuditEvent.hash == head.head))
    assert f"Last event of the chain event #{head_seq} {head.head}" in text_
    last = detail.timeline[-1]
    assert f"Last event of this case event #{last.seq} {last.hash}" in text_
    assert "Result of the verification INTACT" in text_
    assert f"Events in the register {head.count}" in text_
    printed = case_file_check.parse_printed(text_)
    assert printed.chain_head == (head_seq, head.head) and printed.case_last == (last.seq, last.hash)
    check = case_file_check.check_case(ws, ref, out)
    assert check.ok, check.findings


def test_page_frame_metadata_and_embedded_fonts(exported):
    ref, detail, head, out, result = exported
    reader = PdfReader(str(out))
    n = len(reader.pages)
    assert n >= 5
    for i, page in enumerate(reader.pages, 1):
        t = page.extract_text()
        assert f"Case file {ref}" in t and f"page {i} of {n}" in t and "Exported 1 June 2027 14:03" in t
        assert page.mediabox.width == pytest.approx(595.28, abs=0.5)    # A4
    meta = reader.metadata
    assert meta.title == f"Case file {ref}"
    assert "Mega Security" in meta.author and "alice" in meta.author
    assert "Access, Erasure" in meta.subject
    assert "Hélène" not in (meta.title + meta.author + meta.subject)   # no personal data in metadata
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = "/FontFile2" in font["/FontDescriptor"]
    assert fonts and all(fonts.values()), fonts          # every font embedded
    assert all("DejaVu" in name for name in fonts)


def test_the_export_is_an_audit_event_without_personal_data(exported, ws):
    ref, detail, head, out, result = exported
    with ws.reading() as s:
        row = s.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert row.kind == "case.exported" and row.case_id == detail.id and row.secret is None
    details = json.loads(row.details)
    assert details["sha256"] == result.sha256 and details["reference"] == ref and details["chain_ok"] is True
    assert "Hélène" not in row.details and "@" not in row.details
    assert audit.verify(ws).ok


def test_late_reply_and_open_case_wording(ws, clock, open_access_case, tmp_path):
    d = open_access_case("2027-04-01 09:30")
    clock.set("2027-04-02 09:00")
    cases.start_work(ws, d.reference)
    render = case_file.render_case_file(ws, d.reference, "en")
    assert "Not yet answered; 31 days left at export (due 3 May 2027)." in flat(_text(render.pdf))
    clock.set("2027-05-06 12:00")          # due Monday 3 May 2027
    cases.decide(ws, d.reference, "granted", None, "Copie envoyée.")
    t = flat(_text(case_file.render_case_file(ws, d.reference, "en").pdf))
    # the decision alone answers nothing: the clock runs until the reply leaves
    assert "Decided, reply not sent and overdue by 3 days at export (due 3 May 2027)." in t
    assert "No letter is recorded for this case." in t
    assert "The clock was never suspended." in t


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_changed_audit_row_makes_the_next_export_say_where_the_chain_broke(exported, ws, tmp_path):
    ref, detail, head, before, result = exported
    victim = detail.timeline[3].seq
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :s"), {"s": victim})
    after = tmp_path / "after.pdf"
    result = case_file.export_case(ws, ref, after, "en")
    assert not result.chain_ok
    t = flat("\n".join(pdf_pages(after)))
    assert f"Audit chain BROKEN at event {victim}: event {victim} was changed after it was recorded" in t
    assert "Result of the verification BROKEN" in t
    assert "at or after the break: not verified" in t
    # The earlier file no longer matches a sound register; the new one records the break itself.
    old = case_file_check.check_case(ws, ref, before)
    assert not old.ok and any(f"BROKEN at event {victim}" in f for f in old.findings)
    new = case_file_check.check_case(ws, ref, after)
    assert not new.ok and any("itself records" in f for f in new.findings)


def test_a_case_file_of_another_case_or_a_rewritten_hash_is_caught(exported, ws, open_access_case, tmp_path):
    ref, detail, head, out, result = exported
    other = open_access_case("2027-05-30 10:00", subject=detail.subject.id)
    check = case_file_check.check_case(ws, other.reference, out)
    assert not check.ok and "is not the case file of" in check.findings[0]
    # The register's hash of the printed event changes (a row rewritten together with its hash).
    last = detail.timeline[-1]
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET hash = :h WHERE seq = :s"), {"h": "f" * 64, "s": last.seq})
    check = case_file_check.check_case(ws, ref, out)
    assert not check.ok
    assert any(f"(event {last.seq}) does not match the register" in f for f in check.findings)
    with pytest.raises(InputError):
        case_file_check.check_case(ws, ref, tmp_path / "missing.pdf")


def test_500_events_and_long_letters_split_with_repeated_headers(ws, open_access_case, tmp_path):
    d = open_access_case("2027-04-01 09:30", types=("erasure",))
    with ws.transaction() as s:
        for i in range(500):
            audit.record(s, ws, "checklist.done", case_id=d.id, subject_id=d.subject.id,
                         details={"reference": d.reference, "processor": f"Processor {i % 7}", "action": "notify",
                                  "note": f"Étape {i} : confirmation reçue du sous-traitant, délai respecté."})
    one_paragraph = " ".join(f"Phrase {i} d'une très longue lettre sans aucun saut de ligne." for i in range(700))
    unbroken = "https://megasecurity.eu/" + "x" * 400
    add_letter(ws, d, "access-reply", "Réponse – très longue", one_paragraph, "2027-04-20 10:00")
    add_letter(ws, d, "refusal", "Lettre avec une adresse interminable",
               ("Paragraphe.\n\n" * 200) + unbroken + "\n\nFin de la lettre, Zoë.", "2027-04-21 10:00")
    out = tmp_path / "big.pdf"
    result = case_file.export_case(ws, d.reference, out, "en")
    assert result.events == 501
    pages = pdfium_pages(out)
    assert len(pages) == len(PdfReader(str(out)).pages)
    assert len(pages) > 20
    header_pages = [i for i, p in enumerate(pages) if re.search(r"#\s+Time\s+Actor\s+Event\s+Details", p)]
    assert len(header_pages) >= 10            # the timeline's header row repeats on every page it runs onto
    assert header_pages == list(range(header_pages[0], header_pages[-1] + 1))
    t = flat("\n".join(pages))
    assert "Phrase 699 d'une très longue lettre" in t and "Fin de la lettre, Zoë." in t
    assert "Étape 499 : confirmation reçue" in t


def test_several_cases_into_one_folder_with_an_index(ws, clock, open_access_case, tmp_path):
    a = open_access_case("2027-04-01 09:30")
    b = open_access_case("2027-04-02 11:00", subject=a.subject.id)
    folder = tmp_path / "files"
    results = case_file.export_cases(ws, [a.reference, b.reference], folder)
    assert [r.path.name for r in results] == [f"{a.reference}.pdf", f"{b.reference}.pdf"]
    raw = (folder / "index.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and [r[0] for r in rows[1:]] == [a.reference, b.reference]
    assert rows[1][-1] == results[0].sha256 and "Hélène" not in raw.decode("utf-8-sig")
    with pytest.raises(InputError):
        case_file.export_cases(ws, [], folder)
    with pytest.raises(InputError):
        case_file.export_case(ws, a.reference, folder)       # a folder is not a file name
