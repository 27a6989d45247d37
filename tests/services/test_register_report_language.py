"""The register report PDF is written for the authority in a language of its own: the officer's interface
language by default, or the one chosen at export; the figures are the same, the audit record stays English."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from megacase import i18n
from megacase.errors import InputError
from megacase.services.reports import register_report
from megacase.store.orm import AuditEvent
from tests.services.case_file_support import flat
from tests.services.test_register_report import GROUND, year_2027  # noqa: F401  (fixture)

NL = i18n.for_language("nl")

# Fixed English phrases of the report: none may survive in a Dutch one.
ENGLISH = ("Register report", "Requests received", "Answered within", "Median days", "Requests by right",
           "Requests by outcome", "by channel", "Extensions and their reasons", "Refusals and their grounds",
           "The requests", "Right invoked", "Share", "Reason given", "Legal ground", "Reference", "Received",
           "Due date", "Generated", "Brussels time", "page 1 of", "Access", "Refused", "Granted", "Web form",
           "no decision yet", "reply not sent", "answered LATE", "(extended)", "Withdrawn", "Audit chain head",
           "event ")


@pytest.fixture
def interface():
    yield i18n.install
    i18n.install("en")


def text_of(path) -> str:
    return flat("\n".join(page.extract_text() for page in PdfReader(str(path)).pages))


def test_a_dutch_register_report_reads_dutch_throughout(ws, year_2027, tmp_path, interface):
    interface("fr")                              # the officer works in French, the report goes out in Dutch
    pdf = tmp_path / "register-nl.pdf"
    register_report.export_register(ws, 2027, pdf, None, language="nl")
    reader = PdfReader(str(pdf))
    t = text_of(pdf)
    assert reader.metadata.title == NL._("Register of data subject requests {year}").format(year=2027)
    assert reader.trailer["/Root"]["/Lang"] == "nl-BE"
    for msgid in ("1. Requests by right", "2. Requests by outcome", "3. Requests by channel of receipt",
                  "4. Extensions and their reasons", "5. Refusals and their grounds", "6. The requests",
                  "Right invoked", "Reason given for the extension"):
        assert NL._(msgid) in t, msgid
    assert NL._("Register report {year}").format(year=2027) in t
    assert f"{NL._('Requests received')} 6" in t and f"{NL._('Median days to reply')} 26" in t
    assert f"{NL._('Answered within one month')} 2 (50,0%)" in t           # the Dutch decimal comma
    assert NL._("{right} (Art. {article} GDPR)").format(right=NL._("Access"), article="15") in t
    assert NL._("Refused") in t and NL._("Web form") in t
    assert NL._("Open (no decision yet)") in t
    assert NL._("page {page} of {total}").format(page=1, total=len(reader.pages)) in t
    assert "België" in t                                                  # the country in the report's language
    assert re.search(r"\b[1-9]\d?/\d\d/2027\b", t) and not re.search(r"2027-\d\d-\d\d", t)   # Belgian dates
    assert GROUND in t and "Complexité : sept sous-traitants à interroger." in t    # free text as recorded
    for phrase in ENGLISH:
        assert phrase not in t, phrase
    # The audit trail records the export in English, whatever language the report and the officer speak.
    with ws.reading() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.kind == "register.exported"))
    assert json.loads(event.details) == {"year": 2027, "requests": 6, "formats": ["pdf"], "language": "nl"}


def test_the_report_follows_the_interface_language_unless_another_is_chosen(ws, year_2027, tmp_path, interface):
    fr = i18n.for_language("fr")
    interface("fr")
    register_report.export_register(ws, 2027, tmp_path / "fr.pdf", None)
    t = text_of(tmp_path / "fr.pdf")
    assert fr._("Register report {year}").format(year=2027) in t and fr._("1. Requests by right") in t
    assert PdfReader(str(tmp_path / "fr.pdf")).trailer["/Root"]["/Lang"] == "fr-BE"
    assert f"{fr._('Answered within one month')} 2 (50,0 %)" in t      # flat() makes the narrow no-break space a space
    register_report.export_register(ws, 2027, tmp_path / "en.pdf", None, language="en")
    english = text_of(tmp_path / "en.pdf")
    assert "Register report 2027" in english and "Answered within one month 2 (50.0%)" in english
    with pytest.raises(InputError, match="de"):                   # an unknown language, said in French
        register_report.export_register(ws, 2027, tmp_path / "de.pdf", None, language="de")
    assert not (tmp_path / "de.pdf").exists()
