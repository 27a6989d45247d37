"""Opening and working cases: every action is one transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from megacase.domain.deadlines import check_extension
from megacase.domain.references import case_reference
from megacase.domain.requests import Action, CaseState, Channel, Outcome, RequestType, next_state, parse_request_types
from megacase.domain.validation import require_text
from megacase.errors import InputError, NotFound, RuleViolation
from megacase.i18n import N_, _
from megacase.services import roles, subject_keys
from megacase.services.cases import decisions
from megacase.services.integrity import audit
from megacase.services.letters import letter_guards
from megacase.services.review import approvals
from megacase.services.case_lookup import load_case  # noqa: F401  (imported from here by other services)
from megacase.services.cases.checklist import generate_checklist
from megacase.services.cases.queries import deadline_of, get_case
from megacase.services.records import CaseDetail
from megacase.services.cases.subjects import NewSubject, create_subject_in
from megacase.services.workspace import TZ, Workspace
from megacase.store.orm import Case, CaseType, IdentityStep, Note, Subject, SuspensionRow

IDENTITY_METHODS = {
    "known_address": "Wrote from the known e-mail address",
    "additional_info": "Additional information (e.g. order or customer number)",
    "id_card": "Copy of an identity document (checked, then deleted)",
    "in_person": "Seen in person",
    "clarification": "Clarification of the request (no identity question)",
    "no_doubt": "No reasonable doubt about identity (reason recorded)",
}


@dataclass(frozen=True)
class NewCase:
    request_types: tuple
    channel: str
    received_at: datetime            # aware, or naive meaning Brussels local time
    subject_id: int | None = None
    new_subject: NewSubject | None = None
    summary: str | None = None
    linked_reference: str | None = None


def _require_officer(ws: Workspace) -> None:
    roles.require_officer(ws)   # managers review, viewers read; only an officer changes a case


def _received_utc(ws: Workspace, received_at: datetime) -> datetime:
    aware = received_at if received_at.tzinfo else received_at.replace(tzinfo=TZ)
    if aware > ws.now():
        raise InputError(_("The time of receipt cannot be in the future."))
    return aware.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def _next_reference(session: Session, year: int) -> str:
    # The highest number of the year as a number: as text, DSR-2027-9999 would come after DSR-2027-10000.
    prefix = case_reference(year, 0)[:-4]
    last = session.scalar(select(func.max(cast(func.substr(Case.reference, len(prefix) + 1), Integer)))
                          .where(Case.reference.like(prefix + "%")))
    return case_reference(year, (last or 0) + 1)


def open_case(ws: Workspace, new: NewCase) -> CaseDetail:
    _require_officer(ws)
    with ws.transaction() as session:
        reference = open_case_in(session, ws, new).reference
    return get_case(ws, reference)


def open_case_in(session: Session, ws: Workspace, new: NewCase) -> Case:
    """Open a case inside the caller's transaction (e.g. an e-mail import that also keeps the message)."""
    _require_officer(ws)
    types = parse_request_types(new.request_types)
    try:
        channel = Channel(new.channel)
    except ValueError:
        raise InputError(_("Unknown channel '{channel}': use one of {items}.").format(
                             channel=new.channel, items=', '.join(c.value for c in Channel))) from None
    received_utc = _received_utc(ws, new.received_at)
    if new.subject_id is not None:
        subject = session.get(Subject, new.subject_id)
        if subject is None or subject.anonymised_at is not None:
            raise NotFound(_("That subject does not exist or was erased."))
    elif new.new_subject is not None:
        subject = create_subject_in(session, ws, new.new_subject)
    else:
        raise InputError(_("Choose an existing subject or enter a new one."))
    linked = load_case(session, new.linked_reference) if new.linked_reference else None
    received_local = received_utc.replace(tzinfo=timezone.utc).astimezone(TZ)
    case = Case(reference=_next_reference(session, received_local.year), subject_id=subject.id,
                channel=channel.value, received_at=received_utc, received_on=received_local.date(),
                state=CaseState.RECEIVED.value, created_at=ws.now_naive(), owner=ws.actor.name,
                linked_case_id=linked.id if linked else None, extended=False,
                identified_by_known_address=False, summary=(new.summary or "").strip() or None)
    case.types = [CaseType(request_type=t.value, position=i) for i, t in enumerate(types)]
    session.add(case)
    session.flush()
    if RequestType.OBJECTION in types:
        subject.processing_suspended = True   # Art. 21: processing stops at once pending the decision
    generate_checklist(session, case, types)
    audit.record(session, ws, "case.opened", case_id=case.id, subject_id=subject.id, details={
        "reference": case.reference, "subject": subject.reference, "channel": channel.value,
        "received_at": received_utc.strftime("%Y-%m-%dT%H:%M:%SZ"), "request_types": [t.value for t in types],
        "linked_to": linked.reference if linked else None,
        "processing_suspended": RequestType.OBJECTION in types,
    }, personal={"summary": case.summary} if case.summary else None)
    return case


def find_open_duplicates(ws: Workspace, subject_id: int, request_types) -> list[str]:
    """References of the subject's open cases that share a request type (a likely duplicate)."""
    wanted = {t.value for t in parse_request_types(request_types)}
    with ws.reading() as session:
        cases = session.execute(select(Case).where(Case.subject_id == subject_id,
                                                   Case.state != CaseState.CLOSED.value)).scalars()
        return [c.reference for c in cases if wanted & {t.request_type for t in c.types}]


def _transition(session: Session, case: Case, action: Action, outcome: Outcome | None = None) -> None:
    case.state = next_state(CaseState(case.state), action, outcome).value


def _act(ws: Workspace, reference: str, action: Action, kind: str, apply, details=None, personal=None,
         after=None) -> CaseDetail:
    """Run one action on one case in one transaction with its audit event (then ``after``, same transaction)."""
    _require_officer(ws)
    with ws.transaction() as session:
        case = load_case(session, reference)
        extra = apply(session, case) or {}
        # Free text that may name the person goes under the subject's key (erasure shreds it), never in details.
        personal = {**(personal or {}), **extra.pop("_personal", {})} or None
        audit.record(session, ws, kind, case_id=case.id, subject_id=case.subject_id,
                     details={"reference": case.reference, "state": case.state, **(details or {}), **extra},
                     personal=personal)
        if after is not None:
            after(session, case)
    return get_case(ws, reference)


def start_work(ws: Workspace, reference: str) -> CaseDetail:
    return _act(ws, reference, Action.START_WORK, "case.work_started",
                lambda s, c: _transition(s, c, Action.START_WORK))


def ask_subject(ws: Workspace, reference: str, method: str, asked: str, reason: str | None = None) -> CaseDetail:
    """Ask for identity information or a clarification: the clock is suspended from today."""
    if method not in IDENTITY_METHODS or method == "no_doubt":
        raise InputError(_("Unknown verification method '{method}'.").format(method=method))
    asked = require_text(asked, N_("What is asked"))
    reason = (reason or "").strip() or None
    if method == "id_card" and not reason:
        raise RuleViolation(_("A copy of an identity document is asked only when necessary: give the reason "
                              "(EDPB Guidelines 01/2022; APD/GBA decision 17/2020)."))

    def apply(session: Session, case: Case):
        _transition(session, case, Action.ASK_SUBJECT)
        step = IdentityStep(case_id=case.id, method=method, asked=asked, reason=reason, asked_at=ws.now_naive(),
                            asked_by=ws.actor.name, result="pending")
        session.add(step)
        session.flush()
        session.add(SuspensionRow(case_id=case.id, reason=IDENTITY_METHODS[method], started_on=ws.today(),
                                  identity_step_id=step.id))
        return {"step": step.id, "method": method, "asked": asked, "reason": reason,
                "suspended_from": ws.today().isoformat()}

    return _act(ws, reference, Action.ASK_SUBJECT, "identity.asked", apply)


def record_answer(ws: Workspace, reference: str, answer: str, result: str) -> CaseDetail:
    """The subject answered: the clock resumes today; the verification gets its result."""
    if result not in ("verified", "failed", "answered"):
        raise InputError(_("The result must be 'verified', 'failed' or 'answered' (for a clarification)."))
    answer = require_text(answer, N_("The answer"))

    def apply(session: Session, case: Case):
        step = session.scalar(select(IdentityStep).where(IdentityStep.case_id == case.id,
                                                         IdentityStep.answered_at.is_(None))
                              .order_by(IdentityStep.id.desc()))
        if step is None:
            raise RuleViolation(_("Nothing was asked of the subject on this case."))
        _transition(session, case, Action.SUBJECT_ANSWERED)
        # An ID document is never kept: the case records only that it was checked.
        stored = "ID document checked and deleted" if step.method == "id_card" else answer
        step.answer, step.answered_at, step.result, step.decided_by = stored, ws.now_naive(), result, ws.actor.name
        for susp in case.suspensions:
            if susp.ended_on is None:
                susp.ended_on = max(ws.today(), susp.started_on)
        said = {"answer": stored} if step.method == "id_card" else {"_personal": {"answer": stored}}
        return {"step": step.id, "method": step.method, "result": result, "resumed_on": ws.today().isoformat(),
                **said}

    return _act(ws, reference, Action.SUBJECT_ANSWERED, "identity.answered", apply)


def record_identity_check(ws: Workspace, reference: str, method: str, result: str, note: str) -> CaseDetail:
    """A check that needed no question (e.g. the request came from the known address)."""
    if method not in IDENTITY_METHODS or method == "clarification":
        raise InputError(_("Unknown verification method '{method}'.").format(method=method))
    if result not in ("verified", "failed"):
        raise InputError(_("The result must be 'verified' or 'failed'."))
    note = require_text(note, N_("What was checked"))
    _require_officer(ws)
    with ws.transaction() as session:
        case = load_case(session, reference)
        if not CaseState(case.state).is_open:
            raise RuleViolation(_("The case is closed: reopen it first."))
        now = ws.now_naive()
        stored = "ID document checked and deleted" if method == "id_card" else note
        session.add(IdentityStep(case_id=case.id, method=method, asked=IDENTITY_METHODS[method], asked_at=now,
                                 asked_by=ws.actor.name, answer=stored, answered_at=now, result=result,
                                 decided_by=ws.actor.name))
        if method == "known_address" and result == "verified":
            case.identified_by_known_address = True
        audit.record(session, ws, "identity.checked", case_id=case.id, subject_id=case.subject_id,
                     details={"reference": case.reference, "method": method, "result": result,
                              **({"note": stored} if method == "id_card" else {})},
                     personal=None if method == "id_card" else {"note": stored})
    return get_case(ws, reference)


def extend(ws: Workspace, reference: str, reason: str) -> CaseDetail:
    """Extend to three months from receipt (Art. 12(3)): only with a reason, only within the first month."""
    def apply(session: Session, case: Case):
        next_state(CaseState(case.state), Action.EXTEND)
        deadline = deadline_of(case, ws.today())
        check_extension(deadline, ws.today(), reason)
        approvals.require_approval(session, case, approvals.EXTENSION, ws.today())  # four-eyes
        case.extended, case.extension_reason, case.extended_at = True, reason.strip(), ws.now_naive()
        new = deadline_of(case, ws.today())
        return {"reason": reason.strip(), "old_due": deadline.due.isoformat(), "new_due": new.due.isoformat(),
                "notice_due_by": deadline.extension_notice_last_day.isoformat()}

    return _act(ws, reference, Action.EXTEND, "case.extended", apply)


def decide(ws: Workspace, reference: str, outcome: str, legal_ground: str | None = None,
           note: str | None = None, *, right: str | None = None, reasons: str | None = None,
           evidence: tuple = (), evidence_attachment: int | None = None) -> CaseDetail:
    """Decide one right (``right``), or every right of the case at once; see services.decisions."""
    try:
        result = Outcome(outcome)
    except ValueError:
        raise InputError(_("Unknown outcome '{outcome}': use one of {items}.").format(
                             outcome=outcome, items=', '.join(o.value for o in Outcome))) from None
    ground = (legal_ground or "").strip() or None
    reasons = (reasons or "").strip() or None

    def apply(session: Session, case: Case):
        from megacase.services.privacy.restriction import check_decision
        check_decision(case, result)   # Art. 21(3): an objection to direct marketing is granted without weighing
        rights = decisions.rights_for(case, right)
        details = decisions.apply_decision(session, ws, case, result, rights, ground, reasons, evidence,
                                           evidence_attachment)
        if RequestType.OBJECTION in rights and result is Outcome.REFUSED:
            case.subject.processing_suspended = False  # objection not founded: processing may resume
        note_text = (note or "").strip() or None
        if details["all_rights_decided"]:
            case.decision_note = note_text
        personal = {k: v for k, v in (("note", note_text), ("reasons", reasons)) if v}
        return {**details, "_personal": personal}

    return _act(ws, reference, Action.DECIDE, "case.decided", apply,
                after=lambda session, case: approvals.on_decision(session, ws, case))  # four-eyes review


def close(ws: Workspace, reference: str) -> CaseDetail:
    def apply(session: Session, case: Case):
        _transition(session, case, Action.CLOSE)
        approvals.require_decision_approval(session, case, ws.today())  # a refusal or fee needs its approval
        letter_guards.check_close(session, case)   # every right answered, the identity conclusion recorded
        case.closed_at = ws.now_naive()

    with audit.audited_refusal(ws, reference, "close"):
        return _act(ws, reference, Action.CLOSE, "case.closed", apply)


def reopen(ws: Workspace, reference: str, reason: str) -> CaseDetail:
    reason = require_text(reason, N_("The reason for reopening"))

    def apply(session: Session, case: Case):
        _transition(session, case, Action.REOPEN)
        case.closed_at = None
        case.outcome = case.legal_ground = case.decided_at = None
        decisions.clear_in(session, case)   # every right is decided (and answered) again
        return {"reason": reason}

    return _act(ws, reference, Action.REOPEN, "case.reopened", apply)


def add_note(ws: Workspace, reference: str, text: str) -> CaseDetail:
    text = require_text(text, N_("The note"), 10000)
    _require_officer(ws)
    with ws.transaction() as session:
        case = load_case(session, reference)
        note = Note(case_id=case.id, body_enc=subject_keys.seal_text(session, case.subject_id, text, "note"),
                    author=ws.actor.name, created_at=ws.now_naive())
        session.add(note)
        session.flush()
        audit.record(session, ws, "case.note_added", case_id=case.id, subject_id=case.subject_id,
                     details={"reference": case.reference, "note": note.id}, personal={"text": text})
    return get_case(ws, reference)
