"""Erasure in MegaCase's own records (Art. 17), once an erasure request was granted and carried out.

Erasure is an explicit, irreversible action (``megacase erase REF``, or the
erasure dialog), not a side effect of closing: closing a case is routine and
reversible (a case can be reopened), forgetting a person is neither. It is the
*last* act of an erasure case because everything before it needs the person:
the Art. 19 notices name the subject to each processor, and the confirmation
letter goes to the known address. So erasure is allowed only when

- the case has the erasure request type and was decided granted or partly granted;
- every processor step is recorded: erased or kept under a named ground, and the
  Art. 19 notice sent (with its date) or not needed (with the reason);
- the erasure confirmation letter was sent (status 'sent': a letter still waiting
  in the outbox could never be delivered afterwards), and no other letter of the
  subject waits in the outbox;
- the subject has no other open case.

It then, in one transaction: moves the invoice references kept under
Art. 17(3)(b) to the invoice retention area (with the holder's name and address,
flagged, manager only, until 31 December of the tenth year after the last
invoice: Belgian VAT Code Art. 60, ten years from 1 January of the year after
the invoice date), removes the person from every case of the subject
(``forgetting``), destroys the subject's key and records one audit event without
personal data. Then it rebuilds the database file and truncates its WAL so that
no earlier version of a changed page survives on disk.

Outside the database: files exported earlier (case-file PDFs, saved letters or
.eml files) and backups of the profile folder are beyond MegaCase's reach; the
result says so, for the officer to delete them or let them age out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain.requests import CaseState, Outcome, RequestType
from megacase.domain.validation import require_text
from megacase.errors import InputError, RuleViolation
from megacase.i18n import N_, _, join, ngettext
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.privacy import forgetting
from megacase.services.case_lookup import load_case
from megacase.services.privacy.processor_steps import INVOICE_GROUND, KEPT, ProcessorSteps, steps_in
from megacase.services.workspace import Workspace, to_local
from megacase.store.compaction import compact
from megacase.store.orm import Case, InvoiceRetention, Letter, Subject

CONFIRMATION_TEMPLATE = "erasure-confirmation"
# English as the result carries it; the window and the command line show it with _().
OUTSIDE_THE_DATABASE = N_("Files exported before the erasure (case-file PDFs, saved letters, .eml files) and backups "
                          "of the profile folder are outside the database: delete them, or let backups age out.")


@dataclass(frozen=True)
class InvoiceKeep:
    """Invoice references kept under Art. 17(3)(b) (the invoices themselves stay in the accounting system)."""
    refs: str                  # e.g. "F-2025-0142, F-2026-0031"
    last_invoice_on: date


def retain_until(last_invoice_on: date) -> date:
    """Belgian VAT Code Art. 60: ten years from 1 January of the year after the invoice date."""
    return date(last_invoice_on.year + 10, 12, 31)


@dataclass(frozen=True)
class ErasureReadiness:
    reference: str
    subject_reference: str
    already_erased: bool
    blockers: tuple[str, ...]                  # why it cannot run yet (interface language); empty when ready
    steps: tuple[ProcessorSteps, ...]
    kept: tuple[tuple[str, str, str], ...]     # (processor, categories, ground)
    cases: tuple[str, ...]                     # every case of the subject: all become skeletons
    confirmation_sent_on: date | None

    @property
    def ready(self) -> bool:
        return not self.blockers


@dataclass(frozen=True)
class ErasureResult:
    reference: str
    subject_reference: str
    cases: tuple[str, ...]
    kept: tuple[tuple[str, str, str], ...]
    invoice_retention_id: int | None
    retain_until: date | None
    compacted: bool
    outside: str = OUTSIDE_THE_DATABASE


def _types(case: Case) -> set[str]:
    return {t.request_type for t in case.types}


def _blockers(session: Session, case: Case, steps: list[ProcessorSteps]) -> tuple[list[str], date | None]:
    subject: Subject = case.subject
    out: list[str] = []
    if RequestType.ERASURE.value not in _types(case):
        return [_("{reference} is not an erasure request.").format(reference=case.reference)], None
    if subject.anonymised_at is not None:
        return [_("The subject {subject} was already erased.").format(subject=subject.reference)], None
    if case.outcome not in (Outcome.GRANTED.value, Outcome.PARTLY_GRANTED.value):
        out.append(_("The erasure request must first be decided granted or partly granted."))
    missing_act = [r.processor for r in steps if r.act is not None and not r.act.done]
    missing_notice = [r.processor for r in steps if r.notify is not None and not r.notify.done]
    if missing_act:
        out.append(_("Record for each processor whether the data were erased or kept under a legal ground: "
                     "{processors}.").format(processors=", ".join(missing_act)))
    if missing_notice:
        out.append(_("Record the Art. 19 notice (sent, with its date, or not needed, with the reason) for: "
                     "{processors}.").format(processors=", ".join(missing_notice)))
    others = session.scalars(select(Case.reference).where(Case.subject_id == subject.id, Case.id != case.id,
                                                          Case.state != CaseState.CLOSED.value)).all()
    if others:
        out.append(_("The subject has other open cases ({references}): finish them first.").format(
            references=", ".join(others)))
    letters = session.scalars(select(Letter).join(Case, Letter.case_id == Case.id)
                              .where(Case.subject_id == subject.id)).all()
    sent = [l for l in letters if l.case_id == case.id and l.template_id == CONFIRMATION_TEMPLATE
            and l.status == "sent" and l.sent_at is not None]
    confirmation_on = to_local(max(l.sent_at for l in sent)).date() if sent else None
    if not sent:
        out.append(_("Send the erasure confirmation letter first (with what is kept and why): after the erasure "
                     "the subject's address is gone."))
    waiting = [l for l in letters if l.status in ("queued", "sending", "uncertain")]
    if waiting:
        out.append(ngettext("{n} letter to this subject still waits in the outbox: send or cancel it first.",
                            "{n} letters to this subject still wait in the outbox: send or cancel them first.",
                            len(waiting)).format(n=len(waiting)))
    return out, confirmation_on


def cannot_erase_yet(blockers) -> str:
    """The refusal that lists what still stands in the way (the audit trail keeps its English)."""
    return _("The subject cannot be erased yet: {blockers}").format(blockers=join(" ", blockers))


def _readiness(session: Session, case: Case) -> ErasureReadiness:
    steps = steps_in(session, case)
    blockers, confirmation_on = _blockers(session, case, steps)
    kept = tuple((r.processor, r.categories, r.act.ground) for r in steps if r.act is not None and r.act.status == KEPT)
    cases = tuple(session.scalars(select(Case.reference).where(Case.subject_id == case.subject_id)
                                  .order_by(Case.reference)))
    return ErasureReadiness(case.reference, case.subject.reference, case.subject.anonymised_at is not None,
                            tuple(blockers), tuple(steps), kept, cases, confirmation_on)


def readiness(ws: Workspace, reference: str) -> ErasureReadiness:
    """What an erasure of this case's subject would do, and what still stands in its way (a dry run)."""
    with ws.reading() as session:
        return _readiness(session, load_case(session, reference))


def _invoice_row(session: Session, ws: Workspace, case: Case, invoices: InvoiceKeep,
                 kept: tuple[tuple[str, str, str], ...]) -> InvoiceRetention:
    refs = require_text(invoices.refs, N_("The invoice references"), 2000)
    if invoices.last_invoice_on > ws.today():
        raise InputError(_("The date of the last invoice cannot be in the future."))
    if not kept:
        raise RuleViolation(_("Invoices are kept only where the checklist says so: record which processor "
                              "keeps them (e.g. the accounting system) and under which legal ground first."))
    subject = case.subject
    row = InvoiceRetention(case_id=case.id, subject_id=subject.id, invoice_refs=refs, holder_name=subject.name,
                           holder_address=subject.postal_address, legal_ground=INVOICE_GROUND,
                           retain_until=retain_until(invoices.last_invoice_on), created_at=ws.now_naive())
    session.add(row)
    session.flush()
    return row


def erase(ws: Workspace, reference: str, invoices: InvoiceKeep | None = None) -> ErasureResult:
    """Forget the subject of a granted erasure case everywhere in MegaCase. Irreversible."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        case = load_case(session, reference)
        ready = _readiness(session, case)
        if ready.blockers:
            raise RuleViolation(cannot_erase_yet(ready.blockers))
        subject = case.subject
        row = _invoice_row(session, ws, case, invoices, ready.kept) if invoices else None
        values = forgetting.identifying_values(subject)
        all_cases = session.scalars(select(Case).where(Case.subject_id == subject.id)).all()
        for c in all_cases:
            forgetting.scrub_case(session, c, values)
        forgetting.anonymise_subject(session, subject, ws.now_naive())
        audit.record(session, ws, "subject.erased", case_id=case.id, subject_id=subject.id, details={
            "reference": case.reference, "subject": subject.reference, "cases": list(ready.cases),
            "kept": [{"processor": p, "ground": g} for p, _c, g in ready.kept],
            "invoice_retention": {"id": row.id, "retain_until": row.retain_until.isoformat()} if row else None,
            "removed": ["name", "email", "postal_address", "customer_number", "subject_key", "case_summaries",
                        "decision_notes", "identity_answers"],
        })
        result = ErasureResult(case.reference, subject.reference, ready.cases, ready.kept,
                               row.id if row else None, row.retain_until if row else None, compacted=False)
    compacted = compact(ws.engine)
    return ErasureResult(**{**result.__dict__, "compacted": compacted})
