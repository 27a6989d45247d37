"""Erasure, restriction and retention speak the officer's language: what still blocks an erasure, why a
restriction cannot start, the retention dry run. The audit trail and the JSON of a plan stay English."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from megacase import i18n
from megacase.errors import RuleViolation
from megacase.services.cases import cases, queries
from megacase.services.letters import letters
from megacase.services.privacy import erasure, processors, restriction, retention
from megacase.store.orm import AuditEvent
from tests.mail_sink import configure_mail, smtp_sink
from tests.services.erasure_flow import granted_erasure
from tests.services.test_retention import register  # noqa: F401  (fixture)

FR, NL = i18n.for_language("fr"), i18n.for_language("nl")


@pytest.fixture
def interface():
    """Switch the interface language inside a test; English again afterwards."""
    yield i18n.install
    i18n.install("en")


@pytest.fixture
def sink(ws):
    with smtp_sink() as s:
        configure_mail(ws, s)
        yield s


def details(ws, kind: str) -> list[dict]:
    with ws.reading() as s:
        return [json.loads(d) for d in s.scalars(select(AuditEvent.details).where(AuditEvent.kind == kind)
                                                 .order_by(AuditEvent.seq))]


def test_what_blocks_an_erasure_reads_in_french_and_the_refusal_stays_english(ws, open_access_case, clock,
                                                                              interface):
    ref = open_access_case(types=("erasure",)).reference
    interface("fr")
    blockers = erasure.readiness(ws, ref).blockers
    assert FR._("The erasure request must first be decided granted or partly granted.") in blockers
    assert FR._("Send the erasure confirmation letter first (with what is kept and why): after the erasure the "
                "subject's address is gone.") in blockers
    steps = FR._("Record for each processor whether the data were erased or kept under a legal ground: "
                 "{processors}.")
    assert any(b.startswith(steps.split("{")[0]) and "Lightspeed" in b for b in blockers)
    assert all(b != i18n.english(b) for b in blockers)             # every line in French, none left in English
    with pytest.raises(RuleViolation) as refused:
        erasure.erase(ws, ref)
    assert str(refused.value).startswith(FR._("The subject cannot be erased yet: {blockers}").split("{")[0])
    assert i18n.english(refused.value).startswith("The subject cannot be erased yet: The erasure request must first")

    subject_id = queries.get_case(ws, ref).subject.id
    access = open_access_case(types=("access",), subject=subject_id).reference
    interface("nl")
    assert erasure.readiness(ws, access).blockers == (
        NL._("{reference} is not an erasure request.").format(reference=access),)


def test_letters_waiting_in_the_outbox_are_counted_in_dutch(ws, open_access_case, clock, sink, interface):
    ref = granted_erasure(ws, open_access_case, clock)
    for _n in range(2):                  # queued, not sent: the erasure waits for them
        letters.queue_letter(ws, ref, "erasure-confirmation")
    interface("nl")
    assert erasure.readiness(ws, ref).blockers == (NL.ngettext(
        "{n} letter to this subject still waits in the outbox: send or cancel it first.",
        "{n} letters to this subject still wait in the outbox: send or cancel them first.", 2).format(n=2),)


def test_a_restriction_problem_reads_in_french_with_a_belgian_date_and_the_ground_is_audited_in_english(
        ws, open_access_case, clock, interface):
    ref = open_access_case(received="2027-04-01 09:30", types=("restriction",)).reference
    cases.start_work(ws, ref)
    interface("fr")
    restriction.start(ws, ref, "accuracy")
    with pytest.raises(RuleViolation) as refused:
        restriction.start(ws, ref, "accuracy")
    assert str(refused.value) == FR._("The subject's data are already restricted since {date}.").format(
        date="01/04/2027")
    assert i18n.english(refused.value) == "The subject's data are already restricted since 01/04/2027."
    (started,) = [e for e in queries.get_case(ws, ref).timeline if e.kind == "restriction.started"]
    ground = (started.personal or {}).get("ground") or started.details.get("ground")    # sealed: free text
    assert ground == restriction.GROUNDS["accuracy"]                    # the English text of Art. 18(1)(a)
    assert ground.startswith("Art. 18(1)(a): the accuracy of the data is contested")

    objection = open_access_case(received="2027-04-02 09:30", types=("access",),
                                 subject=queries.get_case(ws, ref).subject.id).reference
    interface("nl")
    with pytest.raises(RuleViolation) as not_an_objection:
        restriction.mark_direct_marketing(ws, objection)
    assert str(not_an_objection.value) == NL._("{reference} is not an objection.").format(reference=objection)


def test_a_processor_missing_what_a_notice_needs_says_so_in_dutch(ws, interface):
    interface("nl")
    gaps = {tuple(p.notice_gaps) for p in processors.list_processors(ws) if p.notice_gaps}
    assert (NL._("no address for Art. 19 notices"), NL._("notice language not set")) in gaps


def test_the_retention_dry_run_reads_in_dutch_and_its_json_and_audit_stay_english(ws, register, clock, interface):
    retention.set_years(ws, 4)
    interface("nl")
    dry = retention.plan(ws)
    lines = dry.lines()
    assert lines[0] == NL.ngettext(
        "Retention on {today}: cases closed on or before {cutoff} ({years} year) and invoice terms ended before "
        "today.", "Retention on {today}: cases closed on or before {cutoff} ({years} years) and invoice terms ended "
        "before today.", 4).format(today="12/04/2032", cutoff="12/04/2028", years=4)
    removed = ", ".join([NL.ngettext("{n} note", "{n} notes", 1).format(n=1),
                         NL.ngettext("{n} letter text", "{n} letter texts", 2).format(n=2),
                         NL.ngettext("{n} attachment", "{n} attachments", 1).format(n=1),
                         NL._("the request summary, decision note and identity answers")])
    who = NL._("subject {subject} anonymised and its key destroyed").format(subject="S-00004")
    assert lines[4] == NL._("{reference} (closed {closed_on}): reduced to its skeleton, removing {removed}; "
                            "{who}").format(reference=register["b"], closed_on="1/05/2027", removed=removed, who=who)
    kept = NL._("subject {subject} kept: {reason}").format(
        subject="S-00003", reason=NL._("a restriction is in force (the subject must be told before it is lifted)"))
    assert lines[3].endswith(kept)
    assert lines[5].startswith(NL._("Invoice retention #{id} (subject {subject}, case {reference}): term ended "
                                    "{date}, holder's name, address and invoice references purged").split("{")[0])
    # The JSON (the command line's --json, a script's input) keeps the English reasons and ISO dates.
    plan_json = dry.as_json()
    assert [c["subject_kept_because"] for c in plan_json["cases"]] == [
        "it was erased already", "another of their cases is still within its term",
        "a restriction is in force (the subject must be told before it is lifted)", None]
    assert plan_json["invoices"][0]["retain_until"] == "2027-12-31"
    retention.apply(ws, dry)
    assert retention.plan(ws).lines()[-1] == NL._("Nothing to do.")
    (applied,) = details(ws, "retention.applied")
    assert applied["closed_on_or_before"] == "2028-04-12" and applied["cases"] == [c.reference for c in dry.cases]


def test_an_erased_subject_is_named_in_the_officers_language_and_the_json_keeps_english(ws, open_access_case, clock,
                                                                                         sink, interface):
    ref = granted_erasure(ws, open_access_case, clock)
    erasure.erase(ws, ref)
    interface("nl")
    (summary,) = [c for c in queries.list_cases(ws) if c.reference == ref]
    anonymous = NL._("Anonymous subject {reference}").format(reference="S-00001")
    assert summary.subject_name == anonymous and "S-00001" in anonymous and anonymous != "Anonymous subject S-00001"
    assert queries.get_case(ws, ref).subject.display_name == anonymous
    assert summary.as_json()["subject"] == {"name": "Anonymous subject S-00001", "email": ""}
