"""Access copies (PDF, optionally password-protected) and portability files (JSON, CSV) travel with letters."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from pypdf import PdfReader

from megacase.services.cases import cases, checklist, queries
from megacase.services.letters import attachments, letters
from megacase.services.cases.subjects import NewSubject
from tests.smtp_server import LoopbackSmtp, point_at

ZOE = NewSubject("Zoë Van den Bossche", "zoe.vandenbossche@telenet.be", "nl", "Kortrijksesteenweg 310, 9000 Gent",
                 "C-105544")


def pdf_text(data: bytes, password: str | None = None) -> str:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def zoe_case(ws, clock):
    clock.set("2027-04-01 10:00")
    detail = cases.open_case(ws, cases.NewCase(("access", "portability"), "web_form", datetime(2027, 4, 1, 9, 0),
                                               new_subject=ZOE))
    lightspeed = next(i for i in detail.checklist if i.processor == "Lightspeed")
    checklist.mark_item(ws, lightspeed.id, True, "Account C-105544 with 12 orders since 2021.")
    clock.set("2027-04-03 10:00")
    return detail.reference


def test_access_copy_pdf_in_the_subjects_language(ws, zoe_case):
    copy, password = attachments.access_copy(ws, zoe_case)
    assert password is None and copy.mime_type == "application/pdf" and copy.filename.endswith(".pdf")
    text = pdf_text(copy.data)
    for expected in ("Kopie van uw persoonsgegevens", "Zoë Van den Bossche", "zoe.vandenbossche@telenet.be",
                     "Kortrijksesteenweg 310", "C-105544", zoe_case, "Lightspeed",
                     "Account C-105544 with 12 orders since 2021", "recht op inzage (art. 15)"):
        assert expected in text, expected


def test_protected_copy_opens_only_with_its_password(ws, zoe_case):
    copy, password = attachments.access_copy(ws, zoe_case, protect=True)
    assert len(password) == 19 and password.count("-") == 3
    reader = PdfReader(io.BytesIO(copy.data))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong password")
    assert "Zoë" not in copy.data.decode("latin-1")
    assert "Zoë Van den Bossche" in pdf_text(copy.data, password)
    assert attachments.access_copy(ws, zoe_case, protect=True)[1] != password   # a new one each time


def test_portability_files_json_and_csv(ws, zoe_case):
    js, cs = attachments.portability_files(ws, zoe_case)
    data = json.loads(js.data.decode("utf-8"))
    assert data["subject"] == {"name": ZOE.name, "email": ZOE.email, "postal_address": ZOE.postal_address,
                               "customer_number": ZOE.customer_number, "language": "nl"}
    assert data["requests"][0]["reference"] == zoe_case
    rows = list(csv.reader(io.StringIO(cs.data.decode("utf-8"))))
    assert rows[0] == ["field", "value"] and ["subject.name", ZOE.name] in rows
    assert ["requests[1].request_types", "access; portability"] in rows
    assert js.mime_type == "application/json" and cs.mime_type == "text/csv"


def test_attachments_travel_with_the_letter_and_are_kept_sealed(ws, zoe_case):
    server = LoopbackSmtp().start()
    try:
        point_at(ws, server)
        copy, _ = attachments.access_copy(ws, zoe_case, protect=True)
        js, cs = attachments.portability_files(ws, zoe_case)
        result = letters.send_letter(ws, zoe_case, "access-reply", attachments=(copy, js, cs))
        assert result.sent
        msg = server.messages[0].message
        got = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
        assert got[copy.filename] == copy.data and json.loads(got[js.filename]) == json.loads(js.data)
    finally:
        server.stop()
    stored = attachments.list_attachments(ws, zoe_case)
    assert [(a.kind, a.filename, a.letter_id) for a in stored] == [
        ("letter", copy.filename, result.letter_id), ("letter", js.filename, result.letter_id),
        ("letter", cs.filename, result.letter_id)]
    assert attachments.attachment_data(ws, stored[0].id).data == copy.data
    queued = next(e for e in queries.get_case(ws, zoe_case).timeline if e.kind == "letter.queued")
    assert copy.filename not in str(queued.details) and queued.personal["attachments"][0] == copy.filename
