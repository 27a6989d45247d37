"""Erasure in MegaCase's own records: the law kept (invoices, the case skeleton, the audit chain), the person gone."""

from __future__ import annotations

from datetime import date

import pytest

from megacase import cli
from megacase.errors import PermissionDenied, RuleViolation
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.privacy import erasure, invoice_retention, processor_steps
from megacase.services.workspace import Actor
from tests import forensics
from tests.mail_sink import configure_mail, smtp_sink
from tests.services.erasure_flow import ADDRESS, CUSTOMER, EMAIL, NAME, granted_erasure

INVOICES = erasure.InvoiceKeep("F-2026-0042, F-2026-0107", date(2026, 11, 3))


@pytest.fixture
def sink(ws):
    with smtp_sink() as s:
        configure_mail(ws, s)
        yield s


def test_retain_until_counts_ten_years_from_the_first_of_january_after_the_invoice():
    assert erasure.retain_until(date(2026, 11, 3)) == date(2036, 12, 31)
    assert erasure.retain_until(date(2027, 1, 1)) == date(2037, 12, 31)


def test_erasure_waits_for_the_decision_the_steps_the_notices_and_the_confirmation(ws, open_access_case, clock, sink):
    ref = open_access_case(types=("erasure",)).reference
    r = erasure.readiness(ws, ref)
    assert not r.ready and any("decided granted" in b for b in r.blockers)
    assert any("Lightspeed" in b and "erased or kept" in b for b in r.blockers)
    assert any("Art. 19 notice" in b for b in r.blockers)
    assert any("confirmation letter" in b for b in r.blockers)
    with pytest.raises(RuleViolation, match="cannot be erased yet"):
        erasure.erase(ws, ref)

    subject_id = queries.get_case(ws, ref).subject.id
    access = open_access_case(types=("access",), subject=subject_id).reference
    assert erasure.readiness(ws, access).blockers == (f"{access} is not an erasure request.",)


def test_no_erasure_before_the_confirmation_letter_or_while_another_case_is_open(ws, open_access_case, clock, sink):
    ref = granted_erasure(ws, open_access_case, clock, send_confirmation=False)
    assert erasure.readiness(ws, ref).blockers == (
        "Send the erasure confirmation letter first (with what is kept and why): after the erasure the subject's "
        "address is gone.",)
    subject_id = queries.get_case(ws, ref).subject.id
    other = open_access_case(received="2027-04-06 11:00", types=("access",), subject=subject_id).reference
    from tests.services.erasure_flow import send
    send(ws, ref, "erasure-confirmation")
    assert erasure.readiness(ws, ref).blockers == (
        f"The subject has other open cases ({other}): finish them first.",)
    cases.decide(ws, other, "withdrawn")
    cases.close(ws, other)
    assert erasure.readiness(ws, ref).ready


def test_only_an_officer_erases_and_only_a_manager_sees_the_invoices_kept(ws, open_access_case, clock, sink):
    ref = granted_erasure(ws, open_access_case, clock)
    manager = ws.as_actor(Actor("maria", "manager"))
    with pytest.raises(PermissionDenied):
        erasure.erase(manager, ref, INVOICES)
    result = erasure.erase(ws, ref, INVOICES)
    assert result.retain_until == date(2036, 12, 31) and result.compacted
    assert result.kept == (("Silvasoft", "name, addresses, order details, invoices", processor_steps.INVOICE_GROUND),)

    with pytest.raises(PermissionDenied):
        invoice_retention.list_retained(ws)
    [row] = invoice_retention.list_retained(manager)
    assert (row.holder_name, row.holder_address, row.invoice_refs) == (NAME, ADDRESS, "F-2026-0042, F-2026-0107")
    assert row.case_reference == ref and row.retain_until == date(2036, 12, 31) and "17(3)(b)" in row.legal_ground
    with pytest.raises(RuleViolation, match="already erased"):
        erasure.erase(ws, ref)


def test_after_erasure_the_skeleton_stays_listed_and_nothing_personal_can_be_read(ws, open_access_case, clock, sink):
    ref = granted_erasure(ws, open_access_case, clock, keep_invoices=False)
    erasure.erase(ws, ref)
    [summary] = [c for c in queries.list_cases(ws) if c.reference == ref]
    assert summary.subject_name == "Anonymous subject S-00001" and summary.subject_email == ""
    assert summary.outcome.value == "granted" and [t.value for t in summary.request_types] == ["erasure"]
    detail = queries.get_case(ws, ref)
    assert detail.subject.anonymised and detail.summary_text is None and detail.decision_note is None
    assert [n.text for n in detail.notes] == ["[erased]"]
    assert {l.body for l in detail.letters} == {"[erased]"} and len(detail.letters) == 2
    assert all(s.answer is None for s in detail.identity_steps)
    assert all(e.personal is None for e in detail.timeline)
    assert detail.timeline[-1].kind == "subject.erased"
    assert audit.verify(ws).ok
    with pytest.raises(RuleViolation):
        cases.add_note(ws, ref, "anything")


def test_the_whole_profile_holds_the_person_only_in_the_flagged_invoice_rows(ws, open_access_case, clock, sink,
                                                                              data_dir, capsys):
    ref = granted_erasure(ws, open_access_case, clock)
    key = forensics.engine_key(ws.engine)
    before = forensics.profile_plaintext(data_dir, key)
    assert forensics.occurrences(before, EMAIL), "the decryption must see the subject before the erasure"

    # Another connection stays open (the window, a background reader): SQLite then keeps the WAL file, and
    # with it the earlier versions of every changed page, unless the erasure checkpoints and truncates it.
    with ws.engine.connect() as keeper:
        keeper.exec_driver_sql("SELECT count(*) FROM subjects").scalar_one()
        keeper.commit()
        erasure.erase(ws, ref, INVOICES)
        files = forensics.profile_plaintext(data_dir, key)
    assert "megacase.db" in files and "recovery.json" in files
    page1 = files["megacase.db"][:8]
    assert page1[:2] == b"\x10\x00" and page1[4] == forensics.RESERVE    # page 1 decrypted: 4096 bytes, 80 reserved
    assert forensics.occurrences(files, "S-00001") and forensics.occurrences(files, "CREATE TABLE")
    dump = forensics.sql_dump(ws.engine)
    for needle in (EMAIL, "helene.dubois", "skynet", CUSTOMER, "2026-118"):
        assert not forensics.occurrences(files, needle), needle
        assert not [line for line in dump if needle.lower() in line.lower()], needle
    for needle in (NAME, "Dubois", ADDRESS, "Namur"):
        on_disk = sum(forensics.occurrences(files, needle).values())
        quoted = needle.replace("'", "''").lower()          # as an SQL literal
        rows = [line for line in dump if quoted in line.lower()]
        assert rows and all(line.startswith('INSERT INTO "invoice_retention"') for line in rows), needle
        assert on_disk == sum(line.lower().count(quoted) for line in rows), needle   # no stale copy on disk

    assert cli.main(["audit", "verify", "--data-dir", str(data_dir)]) == 0
    assert "Audit trail intact" in capsys.readouterr().out
    assert ref in [c.reference for c in queries.list_cases(ws)]
