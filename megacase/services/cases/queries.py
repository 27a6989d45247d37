"""Reading the register: case lists and case details as plain records.

The list is read as plain rows (SQLAlchemy Core, no ORM objects): at 100,000 cases building
ORM objects cost most of the load. Deadlines are computed once per distinct input (date of
receipt, suspensions, extension; the day only while a suspension runs) and kept, and so is
what a deadline means today: a case's deadline is recomputed when its inputs change or the
day turns. The rules stay those of ``domain.case_status`` and ``domain.answers``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from megacase import i18n
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
                                       SuspensionInfo, anonymous_subject)
from megacase.services.cases.subjects import subject_info
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Case, CaseAnswer, CaseType, ChecklistItem, Letter, Note, Subject, SuspensionRow


SuspensionSpan = tuple[date, "date | None"]


@lru_cache(maxsize=65536)
def _cached_deadline(received: date, spans: tuple[SuspensionSpan, ...], extended: bool, day: date | None) -> Deadline:
    return compute_deadline(received, [Suspension(a, b) for a, b in spans], extended, day)


def cached_deadline(received: date, spans: tuple[SuspensionSpan, ...], extended: bool, today: date) -> Deadline:
    """``compute_deadline``, kept per distinct input; ``today`` only counts while a suspension runs."""
    running = any(end is None for _start, end in spans)
    return _cached_deadline(received, spans, bool(extended), today if running else None)


def deadline_of(case: Case, today: date) -> Deadline:
    spans = tuple((s.started_on, s.ended_on) for s in case.suspensions)
    return cached_deadline(case.received_on, spans, bool(case.extended), today)


def due_soon_lead(session: Session) -> int:
    """The register's "due soon": this many Belgian working days before the due date (see domain.case_status)."""
    return settings.get_in(session, settings.REMINDER_DUE_SOON_DAYS.key)


def summary_of(case: Case, today: date, due_soon_days: int = case_status.DUE_SOON_WORKING_DAYS,
               promise_days: int = 30) -> CaseSummary:
    d = deadline_of(case, today)
    subject = case.subject
    # The clock runs until every right is answered (its reply left): a decided case whose reply did not leave
    # is still live, and late when past due (domain.answers, domain.case_status).
    answers = decisions.answers_for(case)
    return make_summary(
        id=case.id, reference=case.reference, subject_id=subject.id, subject_reference=subject.reference,
        name=subject.name, email=subject.email, types=tuple(RequestType(t.request_type) for t in case.types),
        state=case.state, outcome=case.outcome, channel=case.channel, received_at=case.received_at,
        received_on=case.received_on, deadline=d, owner=case.owner, restricted=subject.restricted_since is not None,
        processing_suspended=subject.processing_suspended, today=today, due_soon_days=due_soon_days,
        promise_days=promise_days, not_sent=answer_rules.decided_not_sent(case.state, answers),
        answered_at=answer_rules.answered_at(answers))


def make_summary(*, id: int, reference: str, subject_id: int, subject_reference: str, name: str | None,
                 email: str | None, types: tuple[RequestType, ...], state: str, outcome: str | None, channel: str,
                 received_at: datetime, received_on: date, deadline: Deadline, owner: str | None, restricted: bool,
                 processing_suspended: bool, today: date, due_soon_days: int, promise_days: int, not_sent: bool,
                 answered_at: datetime | None) -> CaseSummary:
    d = deadline
    state = CaseState(state)
    promise = promise_date(received_on, promise_days, d.suspended_days) if promise_days > 0 else None
    overdue, live, wdays, urgency = _as_of(state, d, today, due_soon_days, not_sent, promise)
    return CaseSummary(
        id=id, reference=reference, subject_id=subject_id,
        subject_name=name or anonymous_subject(subject_reference), subject_email=email or "",
        request_types=types, state=state,
        outcome=Outcome(outcome) if outcome else None, channel=Channel(channel),
        received_at=to_local(received_at), due=d.due, days_left=d.days_left(today),
        overdue=overdue, suspended=d.suspended_now, extended=d.extended,
        extension_possible=live and d.extension_possible(today), extension_last_day=d.extension_notice_last_day,
        owner=owner, restricted=restricted, processing_suspended=bool(processing_suspended),
        working_days_left=wdays, urgency=urgency, decided_not_sent=not_sent, promise=promise,
        answered_at=to_local(answered_at),
    )


@lru_cache(maxsize=65536)
def _as_of(state: CaseState, d: Deadline, today: date, lead: int, not_sent: bool, promise: date | None) -> tuple:
    """What a deadline means today, by the rules of domain.case_status (kept: many cases share one)."""
    return (case_status.is_overdue(state, d, today, not_sent), case_status.is_live(state, not_sent),
            case_status.working_days_left(d, today),
            case_status.urgency(state, d, today, lead, not_sent, promise))


STREAM_ROWS = 500


def streamed(session: Session, query):
    """The rows of ``query`` fetched 500 at a time. One fetchall() of 100,000 rows (and SQLAlchemy's
    conversion of them, in C) holds the interpreter lock throughout, freezing the window's thread
    while a worker reads; between small batches the window runs."""
    result = session.connection().execution_options(yield_per=STREAM_ROWS).execute(query)
    for part in result.partitions():
        yield from part


def case_spans(session: Session) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """(case id -> request types in order, case id -> suspension spans) of every case, read as plain rows."""
    ct, sp = CaseType.__table__.c, SuspensionRow.__table__.c
    enum = {t.value: t for t in RequestType}
    types: dict[int, list] = {}
    for case_id, rtype in streamed(session, select(ct.case_id, ct.request_type).order_by(ct.case_id, ct.position)):
        types.setdefault(case_id, []).append(enum[rtype])
    spans: dict[int, list] = {}
    for case_id, start, end in streamed(session, select(sp.case_id, sp.started_on, sp.ended_on).order_by(sp.id)):
        spans.setdefault(case_id, []).append((start, end))
    shared: dict[tuple, tuple] = {}     # one tuple per distinct list of request types, not one per case
    return ({k: shared.setdefault(tuple(v), tuple(v)) for k, v in types.items()},
            {k: tuple(v) for k, v in spans.items()})


def case_answers(session: Session) -> tuple[dict[int, dict], dict[int, list]]:
    """(case id -> its per-right decisions, case id -> its letters that left), for the cases with a decision."""
    a, lt = CaseAnswer.__table__.c, Letter.__table__.c
    decided: dict[int, dict] = {}
    for case_id, rtype, outcome, at in streamed(session, select(a.case_id, a.request_type, a.outcome, a.decided_at)
                                                .where(a.outcome.is_not(None))):
        right = RequestType(rtype)
        decided.setdefault(case_id, {})[right] = answer_rules.RightDecision(right, Outcome(outcome), at)
    left: dict[int, list] = {}
    sent = (select(lt.id, lt.case_id, lt.template_id, lt.sent_at)
            .where(lt.status == "sent", lt.sent_at.is_not(None), lt.case_id.in_(select(a.case_id)))
            .order_by(lt.id))
    for lid, case_id, template, sent_at in streamed(session, sent):
        left.setdefault(case_id, []).append(answer_rules.LeftLetter(lid, template, sent_at))
    return decided, left


def _summaries(session: Session, today: date) -> list[CaseSummary]:
    types, spans = case_spans(session)
    decided, left = case_answers(session)
    lead, days = due_soon_lead(session), settings.get_in(session, settings.PROMISE_DAYS.key)
    c, s = Case.__table__.c, Subject.__table__.c
    rows = streamed(session,
                    select(c.id, c.reference, c.subject_id, s.reference, s.name, s.email, c.state, c.outcome,
                           c.channel, c.received_at, c.received_on, c.extended, c.owner, s.restricted_since,
                           s.processing_suspended)
                    .join_from(Case.__table__, Subject.__table__, s.id == c.subject_id).order_by(c.received_at.desc()))
    out = []
    decided_state = CaseState.DECIDED.value
    for (cid, ref, sid, sref, name, email, state, outcome, channel, received_at, received_on, extended, owner,
         restricted_since, suspended) in rows:
        rights = types.get(cid, ())
        not_sent, answered = False, None
        if cid in decided or state == decided_state:      # only then can a right be decided (domain.answers)
            answers = answer_rules.answers_of(rights, decided.get(cid, {}), left.get(cid, ()))
            not_sent, answered = answer_rules.decided_not_sent(state, answers), answer_rules.answered_at(answers)
        out.append(make_summary(
            id=cid, reference=ref, subject_id=sid, subject_reference=sref, name=name, email=email, types=rights,
            state=state, outcome=outcome, channel=channel, received_at=received_at, received_on=received_on,
            deadline=cached_deadline(received_on, spans.get(cid, ()), extended, today), owner=owner,
            restricted=restricted_since is not None, processing_suspended=suspended, today=today,
            due_soon_days=lead, promise_days=days, not_sent=not_sent, answered_at=answered))
    return out


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
        out = _summaries(session, today)
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
                                                  i18n.from_record(s.answer), to_local(s.answered_at), s.result,
                                                  s.decided_by)
                                 for s in case.identity_steps),
            suspensions=tuple(SuspensionInfo(s.reason, s.started_on, s.ended_on,
                                             Suspension(s.started_on, s.ended_on).days(today))
                              for s in case.suspensions),
            checklist=tuple(ChecklistInfo(i.id, i.processor.name, i.processor.categories, ACTION_LABELS[i.action],
                                          to_local(i.done_at), i.done_by, i18n.from_record(i.note),
                                          i.keep_ground)
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
