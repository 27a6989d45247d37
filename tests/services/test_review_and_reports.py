"""Dashboard, manager's review, overdue report (PDF read back, CSV decoded) and the digest, on demo data."""

import csv
import io
import json
import re
import socket
from email import policy
from email.parser import BytesParser
from datetime import date, datetime, timezone

import keyring
import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from pypdf import PdfReader

from megacase import i18n
from megacase.errors import InputError, RuleViolation
from megacase.services import mail, settings, users
from megacase.services.cases import cases, queries
from megacase.services.demo import demo
from megacase.services.reports import overdue_report
from megacase.services.review import approvals, dashboard, digest, review
from megacase.services.workspace import Actor
from megacase.store.orm import AuditEvent
from sqlalchemy import select
from tests.conftest import FAST_SCRYPT, PASSPHRASE, Clock, MemoryKeyring

DEMO_NOW = "2027-05-10 10:00"      # a Monday


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    """One demo register (22 cases: every plan, both pending approvals) for the whole module: reading only."""
    from megacase.services.session import create_profile
    from megacase.store.keys import KeyStore
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    saved = users.HASHER
    users.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        clock = Clock(datetime(2027, 1, 1, tzinfo=timezone.utc))
        clock.set(DEMO_NOW)
        ws = create_profile(tmp_path_factory.mktemp("demo") / "p", PASSPHRASE, KeyStore(), Actor("alice"),
                            clock=clock, scrypt_n=FAST_SCRYPT)
        demo.populate(ws, count=22)
        yield ws
    finally:
        users.HASHER = saved
        keyring.set_keyring(previous)


def test_dashboard_counts_match_the_case_list(demo_ws):
    board = dashboard.build(demo_ws)
    listed = queries.list_cases(demo_ws)
    by_ref = {c.reference: c for c in listed}
    assert set(board.count("overdue").references) == {c.reference for c in listed if c.overdue}
    assert board.count("overdue").count > 0
    assert set(board.count("open").references) == {c.reference for c in listed if c.is_open}
    assert all(by_ref[r].suspended for r in board.count("suspended").references)
    assert board.count("suspended").count > 0 and board.count("extended").count > 0
    assert set(board.count("due_soon").references) == {c.reference for c in listed if c.due_soon}
    assert all(by_ref[r].working_days_left <= 5 and not by_ref[r].overdue for r in board.count("due_soon").references)
    assert [c.reference for c in board.cases("overdue")] == list(board.count("overdue").references)
    access = board.count("type:access")
    assert set(access.references) == {c.reference for c in listed if c.is_open and "access" in
                                      [t.value for t in c.request_types]}
    # a year of history: twelve months ending with this one, every case received in them counted once
    assert [m.month for m in board.months][-1] == date(2027, 5, 1) and len(board.months) == 12
    assert sum(m.received for m in board.months) == sum(1 for c in listed if c.received_at.date() >= date(2026, 6, 1))
    closed = [c for c in listed if c.state.value == "closed"]
    assert sum(m.closed for m in board.months) == len(closed)
    assert 0 < board.share("within_one_month") <= board.share("within_three_months") <= 1


def test_review_lists_overdue_then_at_risk_with_what_they_wait_on(demo_ws):
    rows = review.items(demo_ws, review.ReviewFilter(10))
    overdue = [r for r in rows if r.status == "overdue"]
    assert {r.reference for r in overdue} == {c.reference for c in queries.list_cases(demo_ws, overdue_only=True)}
    assert [r.days_late for r in overdue] == sorted((r.days_late for r in overdue), reverse=True)
    assert all(r.days_late > 0 and r.lateness.endswith("late") for r in overdue)
    assert all(r.waiting_on for r in rows)
    pending = {a.reference: a for a in approvals.pending(demo_ws)}
    assert {a.kind for a in pending.values()} == {"extension", "refusal"}
    for r in rows:
        if r.reference in pending and pending[r.reference].kind == "extension":
            assert any(w.startswith("Approval: extension awaiting") for w in r.waiting_on)
            assert r.extension_history[0].what == "Approval asked by sophie"
    only_overdue = review.items(demo_ws, review.ReviewFilter(None))
    assert [r.reference for r in only_overdue] == [r.reference for r in overdue]
    assert review.items(demo_ws, review.ReviewFilter(None, owner="nobody")) == []


def _section(text: str, start: str, end: str | None) -> str:
    part = text.split(start, 1)[1]
    return part.split(end, 1)[0] if end else part


def test_the_overdue_pdf_lists_exactly_the_overdue_cases(demo_ws, tmp_path):
    pdf, csv_path = tmp_path / "overdue.pdf", tmp_path / "overdue.csv"
    report = overdue_report.export(demo_ws, pdf, csv_path)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    overdue = {c.reference for c in queries.list_cases(demo_ws, overdue_only=True)}
    section = _section(text, f"1. Overdue ({len(overdue)})", "2. At risk")
    assert set(re.findall(r"DSR-\d{4}-\d{4}", section)) == overdue
    at_risk = {i.reference for i in report.at_risk}
    assert set(re.findall(r"DSR-\d{4}-\d{4}", _section(text, "2. At risk", "Extensions of"))) == at_risk
    assert "Report date" in text and "10/05/2027" in text          # the interface's short date format
    assert "Overdue cases, and open cases due within 5 working days" in text.replace("\n", " ")
    reader = PdfReader(pdf)
    assert reader.metadata.title == "Overdue and at-risk data subject requests"
    fonts = {f["/BaseFont"] for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert all("DejaVu" in f for f in fonts)          # embedded TrueType, no base-14 font


def test_the_overdue_csv_has_a_bom_the_filter_and_correct_accents(demo_ws, tmp_path):
    csv_path = tmp_path / "overdue.csv"
    overdue_report.export(demo_ws, csv_path=csv_path, review_filter=review.ReviewFilter(None))
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][0] == "Report date" and rows[1][1].startswith("2027-05-10")
    assert rows[2] == ["Filter", "Overdue cases (working days: Belgian calendar)"]
    header = rows[5]
    body = [dict(zip(header, r)) for r in rows[6:]]
    listed = {c.reference: c for c in queries.list_cases(demo_ws, overdue_only=True)}
    assert {r["Reference"] for r in body} == set(listed)
    for r in body:
        assert r["Subject"] == listed[r["Reference"]].subject_name      # accents survive the round trip
    assert any(not r["Subject"].isascii() for r in body)


@pytest.fixture
def french():
    i18n.install("fr")
    yield
    i18n.install("en")


def test_the_overdue_csv_in_english_keeps_its_columns(demo_ws):
    rows = list(csv.reader(io.StringIO(overdue_report.render_csv(overdue_report.compute(demo_ws)).decode("utf-8-sig"))))
    assert rows[0] == ["Report", "Overdue and at-risk data subject requests"]
    assert rows[5] == ["Status", "Reference", "Subject", "Requests", "Case state", "Owner", "Received", "Due date",
                       "Days late", "Working days left", "Waiting on", "Extended", "Extension notice possible until",
                       "Extension history"]
    assert {r[0] for r in rows[6:]} == {"overdue", "at risk"} and {r[11] for r in rows[6:]} <= {"yes", "no"}


def test_the_overdue_report_speaks_the_officers_language(demo_ws, tmp_path, french):
    pdf, csv_path = tmp_path / "retards.pdf", tmp_path / "retards.csv"
    report = overdue_report.export(demo_ws, pdf, csv_path)
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == "Rapport" and rows[1][0] == "Date du rapport" and rows[1][1].startswith("2027-05-10")
    assert rows[2][0] == "Filtre" and rows[2][1].startswith("Dossiers en retard")
    header = rows[5]
    assert header[:4] == ["Statut", "Référence", "Personne concernée", "Demandes"]
    assert len(set(header)) == len(header)
    assert "Jours de retard" in header and "Jours ouvrables restants" in header
    body = [dict(zip(header, r)) for r in rows[6:]]
    assert {r["Statut"] for r in body} == {"en retard", "à risque"}
    assert {r["Prolongés"] for r in body} <= {"oui", "non"}
    assert all(r["Demandes"] and r["Demandes"].split(", ")[0] in (
        "Accès", "Rectification", "Effacement", "Limitation", "Portabilité", "Opposition", "Décision automatisée")
        for r in body)
    waiting = " | ".join(r["En attente de"] for r in body)
    for english in ("Officer:", "Processors:", "Approval:", "Subject:", "working day", "late"):
        assert english not in waiting, english
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = " ".join(text.split())
    assert f"1. En retard ({len(report.overdue)})" in flat and f"2. À risque ({len(report.at_risk)})" in flat
    assert "Date du rapport 10/05/2027" in flat and "jours de retard" in flat
    assert "Tête de la chaîne d'audit événement " in flat
    for english in ("Overdue", "Report date", "Waiting on", "Prepared by", "days late", "working days left",
                    "Extensions of the cases listed"):
        assert english not in flat, english
    assert PdfReader(pdf).metadata.title == "Demandes de personnes concernées en retard ou à risque"
    with demo_ws.reading() as session:
        event = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert json.loads(event.details)["filter"].startswith("Overdue cases, and open cases due within")


@pytest.fixture
def smtp_server():
    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append((envelope.rcpt_tos, envelope.original_content))
            return "250 2.0.0 Ok: queued"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, messages
    controller.stop()


def test_the_digest_goes_once_a_day_to_the_internal_address_with_references_only(ws, clock, open_access_case,
                                                                                 smtp_server):
    port, messages = smtp_server
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(ws, ref)
    clock.set("2027-05-04 08:00")           # due Monday 3 May: one day late
    mail.configure(ws, "127.0.0.1", port, "none", sender="megacase@megasecurity.eu")
    assert digest.send(ws) is None           # switched off by default
    settings.set_value(ws, settings.DIGEST_ENABLED.key, "on")
    settings.set_value(ws, settings.DIGEST_ADDRESS.key, "helene.dubois@skynet.be")   # a subject's address
    with pytest.raises(RuleViolation, match="internal address"):
        digest.send(ws)
    settings.set_value(ws, settings.DIGEST_ADDRESS.key, "privacy-team@megasecurity.eu")
    sent = digest.send(ws)
    assert sent is not None and sent.overdue == 1
    assert digest.send(ws) is None           # once a day
    (rcpt, data), = messages
    assert rcpt == ["privacy-team@megasecurity.eu"]
    message = BytesParser(policy=policy.default).parsebytes(data)
    text = message["Subject"] + "\n" + message.get_content()      # decoded: quoted-printable breaks long lines
    assert ref in text and "due 3 May 2027" in text and "1 day late" in text
    assert "in progress; Access; owner" in text
    for personal in ("Hélène", "Dubois", "helene", "skynet", "Namur"):
        assert personal not in text and personal not in data.decode("utf-8")
    clock.set("2027-05-05 08:00")
    assert digest.send(ws) is not None and len(messages) == 2


# Every fixed phrase of the English digest: none may remain in the French one.
ENGLISH_DIGEST = ("MegaCase daily digest for", "Open cases", "overdue:", "due within", "suspended:", "OVERDUE",
                  "DUE WITHIN", "WORKING DAYS", "EXTENSION NOTICE", "none", " due ", "day late", "days late",
                  "working day", "owner", "in progress", "Access", "Audit chain head", "keep this mail",
                  "References and deadlines only", "MegaCase digest", "due soon", "May", "Tuesday", "event ")


def test_the_digest_is_written_in_the_language_the_manager_chose(ws, clock, open_access_case, smtp_server):
    port, messages = smtp_server
    ref = open_access_case("2027-04-01 09:30").reference
    cases.start_work(ws, ref)
    clock.set("2027-05-04 08:00")           # due Monday 3 May: one day late
    mail.configure(ws, "127.0.0.1", port, "none", sender="megacase@megasecurity.eu")
    with pytest.raises(InputError, match="fr, nl or en"):
        settings.set_value(ws, settings.DIGEST_LANGUAGE.key, "de")
    for key, value in ((settings.DIGEST_ENABLED.key, "on"),
                       (settings.DIGEST_ADDRESS.key, "privacy-team@megasecurity.eu"),
                       (settings.DIGEST_LANGUAGE.key, "FR")):
        settings.set_value(ws, key, value)
    assert settings.get(ws, settings.DIGEST_LANGUAGE.key) == "fr"
    assert i18n.current() == "en"            # the officer's window speaks English; the manager reads French
    sent = digest.send(ws)
    assert sent is not None and sent.language == "fr"
    (rcpt, data), = messages
    message = BytesParser(policy=policy.default).parsebytes(data)
    subject, body = message["Subject"], message.get_content().replace("\r\n", "\n")
    assert subject == "Récapitulatif MegaCase du 4 mai 2027 : 1 en retard, 0 à échéance proche"
    assert body.startswith("Récapitulatif quotidien MegaCase du mardi 4 mai 2027\n")
    assert "EN RETARD (1)" in body and "échéance le 3 mai 2027" in body and "1 jour de retard" in body
    assert f"{ref} " in body and "en traitement ; Accès ; attribué à" in body
    assert "Tête de la chaîne d'audit : événement " in body
    for english in ENGLISH_DIGEST:
        assert english not in subject and english not in body, english
    for personal in ("Hélène", "Dubois", "helene", "skynet", "Namur"):
        assert personal not in data.decode("utf-8", "replace")
    with ws.reading() as session:
        event = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    details = json.loads(event.details)     # as before: English keys, figures, no language and no text
    assert event.kind == "digest.sent" and details["day"] == "2027-05-04" and details["overdue"] == 1
    assert details["server_reply"].startswith("250") and {"subject", "body", "language"}.isdisjoint(details)
    # unset: the interface language of whoever sends it
    settings.set_value(ws, settings.DIGEST_LANGUAGE.key, "")
    i18n.install("nl")
    try:
        assert digest.compose(ws).subject_line.startswith("MegaCase-overzicht")
    finally:
        i18n.install("en")
    assert digest.compose(ws).subject_line == "MegaCase digest 4 May 2027: 1 overdue, 0 due soon"
