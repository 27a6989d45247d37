"""Retention of case records: the dry run lists exactly what the apply then changes."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from megacase.errors import PermissionDenied, RuleViolation
from megacase.services import settings
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.privacy import erasure, restriction, retention
from megacase.services.cases.subjects import NewSubject
from megacase.services.workspace import TZ, Actor
from megacase.store.orm import Case, InvoiceRetention, Letter, Note, Subject, SubjectKey
from tests.mail_sink import configure_mail, smtp_sink
from tests.services.erasure_flow import granted_erasure, send

ANNA = NewSubject("Anneleen Claes", "anneleen.claes@proximus.be", "nl", "Diestsestraat 77, 3000 Leuven", "C-107761")
BJORN = NewSubject("Björn Vermeulen", "bjorn.vermeulen@outlook.com", "nl", "Stationsstraat 5, 8850 Ardooie", None)
CELINE = NewSubject("Céline Desmet", "celine.desmet@hotmail.com", "fr", "Rue des Tanneurs 41, 7500 Tournai", None)


def _at(clock, text):
    clock.set(text)
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def _closed_case(ws, clock, opened, closed, types=("access",), new=None, subject_id=None, letter=False,
                 restrict=False):
    ref = cases.open_case(ws, cases.NewCase(types, "email", _at(clock, opened), subject_id=subject_id,
                                            new_subject=new, summary="Wants a copy of everything")).reference
    cases.start_work(ws, ref)
    cases.add_note(ws, ref, "Phoned the customer about the request.")
    if restrict:
        restriction.start(ws, ref, "accuracy")
    if letter:
        send(ws, ref, "acknowledgement")
    cases.decide(ws, ref, "granted", note="Everything sent.")
    _at(clock, closed)
    cases.close(ws, ref)
    return ref


@pytest.fixture
def register(ws, open_access_case, clock):
    """Five closed cases of four subjects, one of them erased with invoices kept until 2027-12-31."""
    with smtp_sink() as sink:
        configure_mail(ws, sink)
        erased = granted_erasure(ws, open_access_case, clock)
        erasure.erase(ws, erased, erasure.InvoiceKeep("F-2017-0042", date(2017, 3, 1)))
        cases.close(ws, erased)
        a1 = _closed_case(ws, clock, "2027-04-07 09:00", "2027-04-10 16:00", new=ANNA, letter=True)
        anna = queries.get_case(ws, a1).subject.id
        c = _closed_case(ws, clock, "2027-04-12 09:00", "2027-04-15 16:00", types=("restriction",), new=CELINE,
                         restrict=True)
        b = _closed_case(ws, clock, "2027-04-20 09:00", "2027-05-01 16:00", new=BJORN, letter=True)
        a2 = _closed_case(ws, clock, "2031-01-05 09:00", "2031-01-10 16:00", subject_id=anna)
    clock.set("2032-04-12 10:00")
    return {"erased": erased, "a1": a1, "a2": a2, "b": b, "c": c}


def test_the_dry_run_lists_exactly_what_the_apply_changes(ws, register, clock):
    assert retention.set_years(ws, 4) == 4
    dry = retention.plan(ws)
    assert dry.closed_on_or_before == date(2028, 4, 12)
    assert [(c.reference, c.anonymise_subject) for c in dry.cases] == [
        (register["erased"], False), (register["a1"], False), (register["c"], False), (register["b"], True)]
    assert [c.subject_kept_because for c in dry.cases] == [
        "it was erased already", "another of their cases is still within its term",
        "a restriction is in force (the subject must be told before it is lifted)", None]
    assert [(c.notes, c.letters) for c in dry.cases] == [(1, 2), (1, 1), (1, 0), (1, 1)]
    assert [(i.subject_reference, i.retain_until) for i in dry.invoices] == [("S-00001", date(2027, 12, 31))]
    lines = dry.lines()
    assert lines[0].startswith("Retention on 12/04/2032: cases closed on or before 12/04/2028 (4 years)")
    assert f"{register['b']} (closed 01/05/2027): reduced to its skeleton, removing 1 note, 1 letter text, " \
           "the request summary" in lines[4]
    assert "subject S-00004 anonymised and its key destroyed" in lines[4]
    assert "Invoice retention #1 (subject S-00001, case" in lines[5]

    with pytest.raises(PermissionDenied):
        retention.apply(ws.as_actor(Actor("maria", "manager")), dry)
    applied = retention.apply(ws, dry)
    assert applied == dry

    with ws.reading() as s:
        skeletons = set(s.scalars(select(Case.reference).where(Case.skeleton_since.is_not(None))))
        assert skeletons == {c.reference for c in dry.cases}
        for ref in skeletons:
            case = s.scalar(select(Case).where(Case.reference == ref))
            assert case.summary is None and case.decision_note is None
            assert s.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) == 0
            assert all(l.body_enc == b"" and l.eml_enc is None and l.eml_sha256
                       for l in s.scalars(select(Letter).where(Letter.case_id == case.id)))
        a2 = s.scalar(select(Case).where(Case.reference == register["a2"]))
        assert a2.skeleton_since is None and a2.summary == "Wants a copy of everything"
        by_name = {x.reference: x for x in s.scalars(select(Subject))}
        assert by_name["S-00004"].name is None and by_name["S-00004"].anonymised_at is not None
        assert s.get(SubjectKey, by_name["S-00004"].id).key is None
        assert by_name["S-00002"].name == "Anneleen Claes"            # her 2031 case is still within its term
        assert by_name["S-00003"].name == "Céline Desmet"             # restricted: she must be told before lifting
        row = s.get(InvoiceRetention, 1)
        assert row.purged_at is not None and row.holder_name is None and row.holder_address is None
        assert row.invoice_refs == "[purged]"

    assert [n.text for n in queries.get_case(ws, register["a2"]).notes] == ["Phoned the customer about the request."]
    skeleton = [c for c in queries.list_cases(ws) if c.reference == register["b"]][0]
    assert skeleton.subject_name == "Anonymous subject S-00004" and skeleton.outcome.value == "granted"
    events = [e.kind for e in queries.get_case(ws, register["b"]).timeline]
    assert events[-1] == "case.reduced_to_skeleton"
    assert audit.verify(ws).ok
    assert retention.plan(ws).empty and retention.plan(ws).lines()[-1] == "Nothing to do."


def test_apply_refuses_a_plan_that_no_longer_matches_the_register(ws, open_access_case, clock):
    old = _closed_case(ws, clock, "2027-04-07 09:00", "2027-04-10 16:00", new=ANNA)
    newer = _closed_case(ws, clock, "2028-04-07 09:00", "2028-04-10 16:00", new=BJORN)
    clock.set("2032-04-12 10:00")
    dry = retention.plan(ws)                        # 5 years: closed on or before 12/04/2027
    assert [c.reference for c in dry.cases] == [old]
    retention.set_years(ws, 4)
    with pytest.raises(RuleViolation, match="changed since the dry run"):
        retention.apply(ws, dry)
    assert settings.get(ws, retention.CASE_YEARS.key) == 4
    with ws.reading() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(Case.skeleton_since.is_not(None))) == 0
    assert [c.reference for c in retention.apply(ws).cases] == [old, newer]


def test_years_before_handles_the_29th_of_february():
    assert retention.years_before(date(2032, 2, 29), 5) == date(2027, 2, 28)
    assert retention.years_before(date(2032, 4, 12), 5) == date(2027, 4, 12)
