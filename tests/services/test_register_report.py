"""The yearly register report: figures, CSV for spreadsheets, PDF read back."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.answering import answer
from pypdf import PdfReader
from sqlalchemy import select

from megacase.errors import InputError
from megacase.services.cases import cases
from megacase.services.reports import register_report
from megacase.services.cases.subjects import NewSubject
from megacase.store.orm import AuditEvent
from tests.services.case_file_support import flat

TZ = ZoneInfo("Europe/Brussels")
GROUND = "Art. 15(4) RGPD : droits et libertés d'autrui"
REASONS = "Les données demandées concernent aussi d'autres clients."


def _open(ws, clock, when, types, channel, who):
    clock.set(when)
    return cases.open_case(ws, cases.NewCase(types, channel, datetime.fromisoformat(when).replace(tzinfo=TZ),
                                             new_subject=who)).reference


@pytest.fixture
def year_2027(ws, clock):
    people = [NewSubject(f"Personne {i} Hélène", f"p{i}@example.be") for i in range(7)]
    # Received 2026: not in the 2027 report.
    old = _open(ws, clock, "2026-12-30 10:00", ("access",), "email", people[0])
    a = _open(ws, clock, "2027-01-04 09:00", ("access",), "email", people[1])
    b = _open(ws, clock, "2027-02-01 09:00", ("erasure", "objection"), "web_form", people[2])
    c = _open(ws, clock, "2027-03-01 09:00", ("access",), "post", people[3])
    e = _open(ws, clock, "2027-04-01 09:00", ("rectification",), "email", people[4])
    f = _open(ws, clock, "2027-05-03 09:00", ("access",), "phone", people[5])
    g = _open(ws, clock, "2027-06-01 09:00", ("portability",), "email", people[6])
    clock.set("2027-01-05 09:00")
    for ref in (old, a):
        cases.start_work(ws, ref)
    clock.set("2027-01-20 09:00")
    cases.decide(ws, a, "granted")                                       # 16 days
    answer(ws, a)
    clock.set("2027-02-02 09:00")
    cases.start_work(ws, b)
    clock.set("2027-02-15 09:00")
    cases.extend(ws, b, "Complexité : sept sous-traitants à interroger.")
    clock.set("2027-04-20 09:00")
    cases.decide(ws, b, "partly_granted", "Art. 17(3)(b) RGPD : factures conservées dix ans",
                 reasons="Les factures sont conservées dix ans.")  # 78 days
    answer(ws, b)
    clock.set("2027-03-02 09:00")
    cases.start_work(ws, c)
    clock.set("2027-04-06 09:00")                                         # due Thu 1 April: 5 days late
    cases.decide(ws, c, "refused", GROUND, reasons=REASONS)              # 36 days
    answer(ws, c)
    clock.set("2027-04-02 09:00")
    cases.decide(ws, e, "withdrawn")
    clock.set("2027-05-04 09:00")
    cases.start_work(ws, f)
    clock.set("2027-05-10 09:00")
    cases.decide(ws, f, "refused", GROUND, reasons=REASONS)              # 7 days
    answer(ws, f)
    clock.set("2027-12-31 12:00")
    return {"a": a, "b": b, "c": c, "e": e, "f": f, "g": g, "old": old}


def test_the_figures(ws, year_2027):
    s = register_report.compute(ws, 2027)
    assert s.total == 6 and s.answered == 4 and s.undecided == 1
    assert year_2027["old"] not in [r.reference for r in s.rows]
    assert sorted(s.days) == [7, 16, 36, 78]
    assert s.median_days == 26 and s.max_days == 78
    assert s.within_one_month == 2                # a and f; c is 5 days late, b needed its extension
    assert s.within_three_months == 4
    assert s.on_time == 3 and s.late == 1
    assert dict(s.by_type)["Access (Art. 15)"] == 3 and dict(s.by_type)["Objection (Art. 21)"] == 1
    assert dict(s.by_outcome) == {"Granted": 1, "Partly granted": 1, "Refused": 2, "Fee requested": 0,
                                  "Withdrawn": 1, "Open (decided, reply not sent)": 0, "Open (no decision yet)": 1}
    assert dict(s.by_channel) == {"E-mail": 3, "Web form": 1, "Post": 1, "Phone": 1, "In person": 0}
    assert s.extension_reasons == [("Complexité : sept sous-traitants à interroger.", 1)]
    assert s.refusal_grounds == [("Refused", GROUND, 2),
                                 ("Partly granted", "Art. 17(3)(b) RGPD : factures conservées dix ans", 1)]
    assert s.share(s.within_one_month) == 50.0


def test_csv_and_pdf_files(ws, year_2027, tmp_path):
    pdf, csv_path = tmp_path / "r.pdf", tmp_path / "r.csv"
    register_report.export_register(ws, 2027, pdf, csv_path, delimiter=";")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                 # BOM: spreadsheets read UTF-8 and show the accents
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Section", "Item", "Value", "Share of answered requests (%)"]
    table = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert table[("Summary", "Requests received")] == ["6", ""]
    assert table[("Days to reply", "Median")][0] == "26" and table[("Days to reply", "Maximum")][0] == "78"
    assert table[("Timeliness", "Answered within one month")] == ["2", "50.0"]
    assert table[("Timeliness", "Answered within three months")] == ["4", "100.0"]
    assert table[("Refusal grounds (refused)", GROUND)][0] == "2"
    assert table[("Extension reasons", "Complexité : sept sous-traitants à interroger.")][0] == "1"
    assert "Hélène" not in raw.decode("utf-8-sig")           # no personal data
    reader = PdfReader(str(pdf))
    t = flat("\n".join(p.extract_text() for p in reader.pages))
    assert reader.metadata.title == "Register of data subject requests 2027"
    assert "Register report 2027" in t and "Requests received 6" in t and "Median days to reply 26" in t
    assert "Answered within one month 2 (50.0%)" in t and GROUND in t
    assert "Complexité : sept sous-traitants à interroger." in t
    assert all(ref in t for key, ref in year_2027.items() if key != "old") and year_2027["old"] not in t
    assert "Hélène" not in t
    with ws.reading() as session:
        event = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event.kind == "register.exported" and json.loads(event.details) == {
        "year": 2027, "requests": 6, "formats": ["pdf", "csv"], "language": "en"}


def test_the_csv_speaks_the_officers_language(ws, year_2027):
    from megacase import i18n
    stats = register_report.compute(ws, 2027)
    english = list(csv.reader(io.StringIO(register_report.render_csv(stats).decode("utf-8-sig"))))
    i18n.install("fr")
    try:
        rows = list(csv.reader(io.StringIO(register_report.render_csv(stats).decode("utf-8-sig"))))
    finally:
        i18n.install("en")
    assert english[0] == ["Section", "Item", "Value", "Share of answered requests (%)"]
    assert ("Days to reply", "Median") in {(r[0], r[1]) for r in english}
    assert rows[0] == ["Section", "Élément", "Valeur", "Part des demandes traitées (%)"]
    table = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert table[("Résumé", "Demandes reçues")] == ["6", ""]
    assert table[("Résumé", "Tête de la chaîne d'audit")][0].startswith("événement ")
    assert table[("Délai de réponse (jours)", "Médiane")][0] == "26"
    assert table[("Demandes par droit", "Accès (Art. 15)")][0] == "3"
    assert table[("Demandes par issue", "Refusé")][0] == "2"
    assert table[("Demandes par canal", "Courrier postal")][0] == "1"
    assert table[("Motifs de refus (refusé)", GROUND)][0] == "2"
    assert table[("Motifs de prolongation", "Complexité : sept sous-traitants à interroger.")][0] == "1"
    assert len(rows) == len(english)
    for english_word in ("Summary", "Requests", "Answered", "Median", "Timeliness", "Open (", "Refused"):
        assert all(english_word not in cell for r in rows for cell in r[:2]), english_word


def test_an_empty_year_and_bad_input(ws, tmp_path):
    register_report.export_register(ws, 2031, tmp_path / "empty.pdf", None)
    t = flat("\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "empty.pdf")).pages))
    assert "Requests received 0" in t and "No request was received in this year." in t
    with pytest.raises(InputError):
        register_report.export_register(ws, 2027)
    with pytest.raises(InputError):
        register_report.compute(ws, 27)


def test_a_cancelled_register_report_writes_nothing(ws, year_2027, tmp_path):
    pdf, csv_path = tmp_path / "register.pdf", tmp_path / "register.csv"
    with pytest.raises(register_report.ExportCancelled):
        register_report.export_register(ws, 2027, pdf, csv_path, cancelled=lambda: True)
    assert not pdf.exists() and not csv_path.exists()
    with ws.reading() as session:
        assert session.scalar(select(AuditEvent.seq).where(AuditEvent.kind == "register.exported")) is None
