"""Deciding each right of a case on its own, and reading back whether each right was answered.

A decision records, per right: the outcome, its legal ground and, for a partial
refusal, a refusal or a fee, the reasons written to the subject in their language
(kept apart from the officer's internal note). The case is "decided" once every
right is; it stays live (domain.answers) until every right's reply has left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain import answers as rules
from megacase.domain.grounds import ground as known_ground, ground_label
from megacase.domain.requests import Action, CaseState, Outcome, RequestType, next_state
from megacase.errors import InputError, RuleViolation
from megacase.i18n import _
from megacase.services.integrity import audit
from megacase.services.workspace import Workspace
from megacase.store.orm import Attachment, Case, CaseAnswer

MAX_REASONS = 4000


@dataclass(frozen=True)
class RightInfo:
    """One right of a case as the window, the command line and the case file show it."""
    right: RequestType
    outcome: Outcome | None
    legal_ground: str | None
    reasons: str | None
    evidence_refs: tuple[str, ...]
    no_data_reason: str | None
    decided_at: datetime | None        # UTC, naive
    decided_by: str | None
    answered: bool
    letter_id: int | None
    answered_at: datetime | None       # UTC, naive

    @property
    def status(self) -> str:
        if self.outcome is None:
            return "undecided"
        if self.outcome is Outcome.WITHDRAWN:
            return "withdrawn"
        return "answered" if self.answered else rules.DECIDED_NOT_SENT

    def as_json(self) -> dict:
        return {"right": self.right.value, "outcome": self.outcome.value if self.outcome else None,
                "ground": self.legal_ground, "reasons": self.reasons, "evidence": list(self.evidence_refs),
                "no_data_reason": self.no_data_reason, "answered": self.answered,
                "answering_letter_id": self.letter_id, "status": self.status,
                "answered_at": self.answered_at.strftime("%Y-%m-%dT%H:%M:%SZ") if self.answered_at else None}


def rights_of(case: Case) -> list[RequestType]:
    return [RequestType(t.request_type) for t in case.types]


def decisions_of(case: Case) -> dict[RequestType, rules.RightDecision]:
    return {RequestType(a.request_type): rules.RightDecision(RequestType(a.request_type), Outcome(a.outcome),
                                                             a.decided_at) for a in case.answers if a.outcome}


def left_letters(case: Case) -> list[rules.LeftLetter]:
    """Letters to the subject that left (outbox delivered, posted, handed over)."""
    return [rules.LeftLetter(l.id, l.template_id, l.sent_at) for l in case.letters
            if l.status == "sent" and l.sent_at is not None]


def answers_for(case: Case) -> tuple[rules.RightAnswer, ...]:
    return rules.answers_of(rights_of(case), decisions_of(case), left_letters(case))


def is_live(case: Case) -> bool:
    return rules.is_live(case.state, answers_for(case))


def right_infos(case: Case) -> tuple[RightInfo, ...]:
    rows = {RequestType(a.request_type): a for a in case.answers}
    out = []
    for ans in answers_for(case):
        row = rows.get(ans.right)
        out.append(RightInfo(ans.right, ans.outcome, row.legal_ground if row and row.outcome else None,
                             row.reasons if row and row.outcome else None,
                             tuple(r for r in (row.evidence_refs or "").split(",") if r) if row else (),
                             row.no_data_reason if row else None, row.decided_at if row and row.outcome else None,
                             row.decided_by if row and row.outcome else None, ans.answered, ans.letter_id, ans.answered_at))
    return tuple(out)


def clear_in(session: Session, case: Case) -> None:
    """Reopening: the decisions go (their events stay); a "no data held" statement stays."""
    for row in list(case.answers):
        if row.no_data_reason:
            row.outcome = row.legal_ground = row.reasons = row.evidence_refs = None
            row.evidence_attachment_id = row.decided_at = row.decided_by = None
        else:
            session.delete(row)
    session.flush()
    session.expire(case, ["answers"])


def rights_for(case: Case, right: str | RequestType | None) -> list[RequestType]:
    rights = rights_of(case)
    if right is None or right == "":
        return rights
    try:
        wanted = RequestType(str(getattr(right, "value", right)).strip().lower().replace("-", "_"))
    except ValueError:
        raise InputError(_("Unknown right '{right}': use one of {items}.").format(
                             right=right, items=', '.join(r.value for r in rights))) from None
    if wanted not in rights:
        raise InputError(_("{reference} does not invoke the right '{wanted}': it invokes {items}.").format(
                             reference=case.reference, wanted=wanted.value, items=', '.join(r.value for r in rights)))
    return [wanted]


def _evidence(session: Session, case: Case, refs, attachment_id: int | None) -> tuple[list[str], int | None]:
    """Art. 12(5): the earlier requests relied on must be in the register (the same subject, received earlier)."""
    out = []
    for raw in refs or ():
        ref = str(raw).strip().upper()
        if not ref:
            continue
        earlier = session.scalar(select(Case).where(Case.reference == ref))
        if earlier is None:
            raise InputError(_("No case '{ref}' in the register to rely on.").format(ref=ref))
        if earlier.subject_id != case.subject_id or earlier.received_at >= case.received_at:
            raise RuleViolation(_("{ref} is not an earlier request of the same subject: it cannot show that "
                                  "this request is repetitive.").format(ref=ref))
        out.append(ref)
    if attachment_id is not None:
        att = session.get(Attachment, attachment_id)
        if att is None or att.case_id != case.id:
            raise InputError(_("Attachment {attachment_id} is not a document of {reference}.").format(
                                 attachment_id=attachment_id, reference=case.reference))
    return out, attachment_id


def _cites_12_5(text: str | None) -> bool:
    """A ground typed as text that relies on Art. 12(5) (manifestly unfounded or excessive) needs evidence too."""
    flat = " ".join((text or "").lower().split())
    return any(k in flat for k in ("12(5)", "12, paragraphe 5", "12, lid 5", "12.5"))


def apply_decision(session: Session, ws: Workspace, case: Case, outcome: Outcome, rights: list[RequestType],
                   ground: str | None, reasons: str | None, refs=(), attachment_id: int | None = None,
                   no_data_reason: str | None = None) -> dict:
    """Record the decision on ``rights`` inside the caller's transaction; returns the audit details."""
    if outcome.needs_legal_ground and not ground:
        raise RuleViolation(_("A decision '{outcome}' needs its legal ground (Art. 12(4), 12(5)); the subject "
                              "is told of it and of the right to complain to the APD/GBA.").format(
                                outcome=_(outcome.label)))
    if outcome.needs_legal_ground and not reasons:
        raise RuleViolation(_("A decision '{outcome}' needs its reasons, written to the subject in the "
                              "letter's language (Art. 12(4)); the internal note is not sent.").format(
                                outcome=_(outcome.label)))
    if reasons and len(reasons) > MAX_REASONS:
        raise InputError(_("The reasons are too long (at most {max_reasons} characters).").format(
                             max_reasons=MAX_REASONS))
    g = known_ground(ground)
    evidence, att = _evidence(session, case, refs, attachment_id)
    needs_evidence = g.needs_evidence if g is not None else _cites_12_5(ground)
    if needs_evidence and outcome.needs_legal_ground and not (evidence or att):
        label = g.label if g is not None else ground
        raise RuleViolation(_("'{label}' must be demonstrated (Art. 12(5)): pick the earlier requests from the "
                              "register (--evidence REF) or attach the document that shows it.").format(
                                label=_(label)))
    current = {RequestType(a.request_type): a for a in case.answers}
    done = {a.right for a in answers_for(case) if a.answered and a.outcome is not Outcome.WITHDRAWN}
    for right in rights:
        if right in done:
            raise RuleViolation(_("The right '{right}' was already answered: reopen the case to decide again.").format(
                                    right=right.value))
    state = CaseState(case.state)
    next_state(state, Action.DECIDE, outcome)          # the state machine's rule (withdrawal before work, ...)
    now = ws.now_naive()
    for right in rights:
        row = current.get(right)
        if row is None:
            row = CaseAnswer(case_id=case.id, request_type=right.value)
            session.add(row)
        row.outcome, row.legal_ground, row.reasons = outcome.value, ground, reasons
        row.evidence_refs = ",".join(evidence) or None
        row.evidence_attachment_id = att
        row.no_data_reason = no_data_reason if no_data_reason else row.no_data_reason
        row.decided_at, row.decided_by = now, ws.actor.name
    session.flush()
    session.expire(case, ["answers"])
    decided = {RequestType(a.request_type): Outcome(a.outcome) for a in case.answers if a.outcome}
    complete = all(r in decided for r in rights_of(case))
    if complete:
        combined = rules.combined_outcome(decided.values())
        case.state = next_state(state, Action.DECIDE, combined).value
        case.outcome, case.decided_at = combined.value, now
        # The case's one-line ground (lists, reviews, reports) in words; each right keeps its code.
        grounds = list(dict.fromkeys(ground_label(a.legal_ground) for a in case.answers
                                     if a.outcome and a.legal_ground))
        case.legal_ground = "; ".join(grounds) or None
    return {"rights": [r.value for r in rights], "outcome": outcome.value, "legal_ground": ground,
            "evidence": evidence, "evidence_attachment": att, "all_rights_decided": complete}


def earlier_requests(ws: Workspace, reference: str) -> tuple[str, ...]:
    """The subject's earlier requests, newest first: what an Art. 12(5) decision may rely on."""
    from megacase.services.case_lookup import load_case
    with ws.reading() as session:
        case = load_case(session, reference)
        return tuple(session.execute(select(Case.reference).where(Case.subject_id == case.subject_id,
                                                                  Case.received_at < case.received_at)
                                     .order_by(Case.received_at.desc())).scalars())


def record_no_data(ws: Workspace, reference: str, reason: str) -> None:
    """Access: nothing about the subject is held; the reason is recorded (it lets the access reply say so)."""
    from megacase.services import roles
    from megacase.services.case_lookup import load_case
    roles.require_officer(ws)
    reason = (reason or "").strip()
    if not reason:
        raise InputError(_("Say why no data are held (e.g. which systems were searched, with which "
                           "identifiers)."))
    with ws.transaction() as session:
        case = load_case(session, reference)
        if RequestType.ACCESS not in rights_of(case):
            raise RuleViolation(_("{reference} is not an access request.").format(reference=case.reference))
        row = next((a for a in case.answers if a.request_type == RequestType.ACCESS.value), None)
        if row is None:   # a statement of fact, recorded before (or after) the decision
            row = CaseAnswer(case_id=case.id, request_type=RequestType.ACCESS.value)
            session.add(row)
        row.no_data_reason = reason
        audit.record(session, ws, "case.no_data_recorded", case_id=case.id, subject_id=case.subject_id,
                     details={"reference": case.reference, "right": "access"}, personal={"reason": reason})

