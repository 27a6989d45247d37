"""The case file of a case worked with the real letters service (real SMTP on loopback), before and after erasure."""

from __future__ import annotations

import pytest

from megacase.services.cases import queries
from megacase.services.privacy import erasure
from megacase.services.reports import case_file
from tests.mail_sink import configure_mail, smtp_sink
from tests.services.case_file_support import en_moment, flat, pdf_pages
from tests.services.erasure_flow import EMAIL, NAME, granted_erasure


@pytest.fixture
def sink(ws):
    with smtp_sink() as s:
        configure_mail(ws, s)
        yield s


def test_sent_letters_then_the_erased_subject(ws, open_access_case, clock, sink, tmp_path):
    ref = granted_erasure(ws, open_access_case, clock, keep_invoices=False)
    detail = queries.get_case(ws, ref)
    sent = [l for l in detail.letters if l.sent_at]
    assert len(sent) >= 2 and len(sink.messages) == len(sent)
    before = tmp_path / "before.pdf"
    case_file.export_case(ws, ref, before, "en")
    t = flat("\n".join(pdf_pages(before)))
    for letter in sent:
        assert f"Sent {en_moment(letter.sent_at)}" in t and letter.subject_line in t
        assert letter.message_id in t and letter.recipient in t
        assert flat(letter.body.split("\n\n")[1]) in t
    assert "Art. 19 notice to a recipient (art19-notice" in t and NAME in t and EMAIL in t

    erasure.erase(ws, ref)
    after = tmp_path / "after.pdf"
    result = case_file.export_case(ws, ref, after, "en")
    assert result.chain_ok
    t = flat("\n".join(pdf_pages(after)))
    assert NAME not in t and EMAIL not in t and "Dubois" not in t
    assert "Anonymised subject (record S-00001): identifying data erased" in t
    assert "[erased with the subject's data]" in t
    assert t.count("[erased]") >= len(sent)            # letter texts shredded, their dates and templates kept
    assert all(f"Sent {en_moment(letter.sent_at)}" in t for letter in sent)
    assert "Subject erased" in t                       # the erasure itself is in the timeline
