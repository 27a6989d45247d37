"""Reading the register: case lists and case details as plain records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from megacase.domain import answers as answer_rules
from megacase.domain import case_status
from megacase.domain.deadlines import Deadline, Suspension, compute_deadline, promise_date
from megacase.domain.requests import Action, CaseState, Channel, Outcome, RequestType, allowed_actions, next_state
from megacase.errors import IllegalTransition, NotFound
from megacase.services import roles, settings, subject_keys
from megacase.services.cases import decisions
from megacase.services.integrity import audit
from megacase.services.case_lookup import load_case
from megacase.services.cases.checklist import ACTION_LABELS
from megacase.services.records import (CaseDetail, CaseSummary, ChecklistInfo, IdentityStepInfo, LetterInfo, NoteInfo,
                                       SuspensionInfo)
from megacase.services.cases.subjects import subject_info
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Case, ChecklistItem, Letter, Note


def deadline_of(case: Case, today: date) -> Deadline:
    suspensions = [Suspension(s.started_on, s.ended_on) for s in case.suspensions]
    return compute_deadline(case.received_on, suspensions, bool(case.extended), today)


def due_soon_lead(session: Session) -> int:
    """The register's "due soon": this many Belgian working days before the due date (see domain.case_status)."""
    return settings.get_in(session, settings.REMINDER_DUE_SOON_DAYS.key)


def summary_of(case: Case, today: date, due_soon_days: int = case_status.DUE_SOON_WORKING_DAYS,
               promise_days: int = 30) -> CaseSummary:
    d = deadline_of(case, today)
    state = CaseState(case.state)
    subject = case.subject
    # The clock runs until every right is answered (its reply left): a decided case whose reply did not leave
    # is still live, and late when past due (domain.answers, domain.case_status).
    answers = decisions.answers_for(case)
    not_sent = answer_rules.decided_not_sent(case.state, answers)
    live = case_status.is_live(state, not_sent)
    promise = promise_date(case.received_on, promise_days, d.suspended_days)
    return CaseSummary(
        id=case.id, reference=case.reference, subject_id=subject.id,
        subject_name=subject.name or f"Anonymous subject {subject.reference}", subject_email=subject.email or "",
        request_types=tuple(RequestType(t.request_type) for t in case.types), state=state,
        outcome=Outcome(case.outcome) if case.outcome else None, channel=Channel(case.channel),
        received_at=to_local(case.received_at), due=d.due, days_left=d.days_left(today),
        overdue=case_status.is_overdue(state, d, today, not_sent), suspended=d.suspended_now, extended=d.extended,
        extension_possible=live and d.extension_possible(today), extension_last_day=d.extension_notice_last_day,
        owner=case.owner, restricted=subject.restricted_since is not None,
        processing_suspended=bool(subject.processing_suspended),
        working_days_left=case_status.working_days_left(d, today),
        urgency=case_status.urgency(state, d, today, due_soon_days, not_sent, promise),
        decided_not_sent=not_sent,
        promise=promise,
        answered_at=to_local(answer_rules.answered_at(answers)),
    )


def answer_loads():
    """Eager loads for "answered": the per-right decisions and the letters' status (not their sealed text)."""
    return (selectinload(Case.answers),
            selectinload(Case.letters).load_only(Letter.id, Letter.template_id, Letter.status, Letter.sent_at))


def _case_query():
    return select(Case).options(selectinload(Case.types), selectinload(Case.suspensions), selectinload(Case.subject),
                                *answer_loads())


def list_cases(ws: Workspace, overdue_only: bool = False, open_only: bool = False) -> list[CaseSummary]:
    today = ws.today()
    with ws.reading() as session:
        cases = session.execute(_case_query().order_by(Case.received_at.desc())).scalars().all()
        lead, days = due_soon_lead(session), settings.get_in(session, settings.PROMISE_DAYS.key)
        out = [summary_of(c, today, lead, days) for c in cases]
    if overdue_only:
        out = [c for c in out if c.overdue]
    if open_only:
        out = [c for c in out if c.is_open]
    return out


def _letters(session: Session, case: Case) -> tuple[LetterInfo, ...]:
    rows = session.execute(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).scalars()
    sid = case.subject_id
    return tuple(LetterInfo(
        l.id, l.template_id, l.language, l.status,
        subject_keys.open_text(session, sid, l.recipient_enc, "letter:recipient") or "[erased]",
        subject_keys.open_text(session, sid, l.subject_enc, "letter:subject") or "[erased]",
        subject_keys.open_text(session, sid, l.body_enc, "letter:body") or "[erased]",
        to_local(l.created_at), to_local(l.sent_at), l.message_id) for l in rows)


def allowed_outcomes(state: CaseState) -> tuple[Outcome, ...]:
    """The decisions the state machine accepts from ``state`` (only a withdrawal before work starts)."""
    out = []
    for outcome in Outcome:
        try:
            next_state(state, Action.DECIDE, outcome)
        except IllegalTransition:
            continue
        out.append(outcome)
    return tuple(out)


def get_case(ws: Workspace, reference: str) -> CaseDetail:
    today = ws.today()
    with ws.reading() as session:
        case = load_case(session, reference, selectinload(Case.types), selectinload(Case.suspensions),
                         selectinload(Case.subject), selectinload(Case.identity_steps),
                         selectinload(Case.checklist).selectinload(ChecklistItem.processor))
        d = deadline_of(case, today)
        notes = session.execute(select(Note).where(Note.case_id == case.id).order_by(Note.id)).scalars()
        linked = session.get(Case, case.linked_case_id) if case.linked_case_id else None
        works = roles.is_officer(ws)    # a manager or a viewer is offered no action that changes the case
        return CaseDetail(
            summary=summary_of(case, today, due_soon_lead(session), settings.get_in(session, settings.PROMISE_DAYS.key)),
            subject=subject_info(case.subject), deadline=d,
            summary_text=case.summary, legal_ground=case.legal_ground, decision_note=case.decision_note,
            decided_at=to_local(case.decided_at), closed_at=to_local(case.closed_at),
            extension_reason=case.extension_reason, extended_at=to_local(case.extended_at),
            extension_notice_on=case.extension_notice_on,
            identified_by_known_address=case.identified_by_known_address,
            linked_reference=linked.reference if linked else None,
            allowed_actions=tuple(allowed_actions(CaseState(case.state))) if works else (),
            identity_steps=tuple(IdentityStepInfo(s.id, s.method, s.asked, s.reason, to_local(s.asked_at), s.asked_by,
                                                  s.answer, to_local(s.answered_at), s.result, s.decided_by)
                                 for s in case.identity_steps),
            suspensions=tuple(SuspensionInfo(s.reason, s.started_on, s.ended_on,
                                             Suspension(s.started_on, s.ended_on).days(today))
                              for s in case.suspensions),
            checklist=tuple(ChecklistInfo(i.id, i.processor.name, i.processor.categories, ACTION_LABELS[i.action],
                                          to_local(i.done_at), i.done_by, i.note, i.keep_ground)
                            for i in case.checklist),
            notes=tuple(NoteInfo(n.author, to_local(n.created_at),
                                 subject_keys.open_text(session, case.subject_id, n.body_enc, "note") or "[erased]")
                        for n in notes),
            letters=_letters(session, case),
            timeline=tuple(audit.timeline(session, case.id, case.subject_id)),
            allowed_outcomes=allowed_outcomes(CaseState(case.state)) if works else (),
            # Offered before the decision only (record_identity_check itself accepts any open case).
            identity_check_allowed=works and case_status.is_live(case.state),
            checklist_editable=works and CaseState(case.state).is_open,   # as checklist.mark_item enforces
            rights=decisions.right_infos(case),
        )
