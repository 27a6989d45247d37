"""Restriction of processing (Art. 18) and objection (Art. 21): the processing flags of a subject.

- **Restriction** is a state of the subject with a start and an end: it starts
  on a restriction case (``subjects.restricted_since``) and, while in force, the
  data are only stored. The subject must be told *before* it is lifted
  (Art. 18(3)): lifting is refused until the ``restriction-lifting`` letter was
  sent (status 'sent' in the outbox) to the subject since the restriction began.
  Start and end are audit events, so the case file shows the whole history.
- **Objection**: processing is suspended from intake until the decision
  (``cases.open_case`` sets the flag, a refusal clears it, a grant keeps it: the
  processing stops for good). An objection to direct marketing (Art. 21(2)-(3))
  is absolute: once a case is marked so, only 'granted' (or a withdrawal) can be
  decided; ``cases.decide`` enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain import case_status
from megacase.domain.requests import CaseState, Outcome, RequestType
from megacase.domain.validation import require_text
from megacase.errors import RuleViolation
from megacase.i18n import N_, _, format_date
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.case_lookup import load_case
from megacase.services.workspace import TZ, Workspace, to_local
from megacase.store.orm import Case, Letter, Subject

LIFTING_TEMPLATE = "restriction-lifting"

# Art. 18(1): the grounds on which processing is restricted (English in the audit trail, translated where shown).
GROUNDS = {
    "accuracy": N_("Art. 18(1)(a): the accuracy of the data is contested, for the time needed to verify it"),
    "unlawful": N_("Art. 18(1)(b): the processing is unlawful and the subject asks for restriction instead of "
                   "erasure"),
    "legal_claims": N_("Art. 18(1)(c): the subject needs the data for legal claims the company no longer needs "
                       "them for"),
    "objection_pending": N_("Art. 18(1)(d): an objection (Art. 21(1)) is pending the weighing of legitimate "
                            "grounds"),
}

DIRECT_MARKETING_RULE = N_("An objection to direct marketing is absolute (Art. 21(2)-(3) GDPR): it is granted "
                           "without weighing. Decide 'granted' (or record a withdrawal).")


@dataclass(frozen=True)
class RestrictionInfo:
    subject_reference: str
    restricted_since: date | None
    lifting_notice_sent_on: date | None     # the latest restriction-lifting letter sent since the start
    processing_suspended: bool              # objection pending, or granted (processing stopped for good)
    direct_marketing: bool = False          # this case: an objection to direct marketing (Art. 21(3))
    can_start: bool = False                 # what the window may offer now (the services decide)
    can_mark_direct_marketing: bool = False

    @property
    def restricted(self) -> bool:
        return self.restricted_since is not None

    @property
    def can_lift(self) -> bool:
        return self.restricted and self.lifting_notice_sent_on is not None


def _types(case: Case) -> set[str]:
    return {t.request_type for t in case.types}


def _lifting_notice(session: Session, subject: Subject) -> date | None:
    if subject.restricted_since is None:
        return None
    start = datetime.combine(subject.restricted_since, time(0, 0), TZ).astimezone(timezone.utc).replace(tzinfo=None)
    sent_at = session.scalar(select(Letter.sent_at).join(Case, Letter.case_id == Case.id)
                             .where(Case.subject_id == subject.id, Letter.template_id == LIFTING_TEMPLATE,
                                    Letter.status == "sent", Letter.sent_at >= start)
                             .order_by(Letter.sent_at.desc()).limit(1))
    return to_local(sent_at).date() if sent_at else None


def _start_problem(case: Case) -> str | None:
    subject = case.subject
    if RequestType.RESTRICTION.value not in _types(case):
        return _("{reference} is not a restriction request.").format(reference=case.reference)
    if subject.anonymised_at is not None:
        return _("The subject was erased: there is nothing left to restrict.")
    if case.state == CaseState.CLOSED.value:
        return _("The case is closed: reopen it first.")
    if case.outcome in (Outcome.REFUSED.value, Outcome.WITHDRAWN.value, Outcome.FEE_REQUESTED.value):
        return _("The restriction request was not granted.")
    if subject.restricted_since is not None:
        return _("The subject's data are already restricted since {date}.").format(
            date=format_date(subject.restricted_since, "short"))
    return None


def _mark_problem(case: Case) -> str | None:
    if RequestType.OBJECTION.value not in _types(case):
        return _("{reference} is not an objection.").format(reference=case.reference)
    if not case_status.is_live(case.state):
        return _("The objection was already decided: reopen the case to change what it objects to.")
    return None


def _info(session: Session, subject: Subject, case: Case | None = None) -> RestrictionInfo:
    return RestrictionInfo(subject.reference, subject.restricted_since, _lifting_notice(session, subject),
                           bool(subject.processing_suspended), bool(case is not None and case.direct_marketing),
                           can_start=case is not None and _start_problem(case) is None,
                           can_mark_direct_marketing=case is not None and _mark_problem(case) is None)


def status(ws: Workspace, reference: str) -> RestrictionInfo:
    """The processing flags of the subject of case ``reference``, and whether the case objects to direct marketing."""
    with ws.reading() as session:
        case = load_case(session, reference)
        return _info(session, case.subject, case)


def start(ws: Workspace, reference: str, ground: str) -> RestrictionInfo:
    """Restrict the processing of the subject's data from today (on a restriction case)."""
    roles.require_officer(ws)
    if ground not in GROUNDS:
        raise RuleViolation(_("Name the Art. 18(1) ground: one of {grounds}.").format(
                                grounds=', '.join(GROUNDS)))
    with ws.transaction() as session:
        case = load_case(session, reference)
        subject = case.subject
        problem = _start_problem(case)
        if problem:
            raise RuleViolation(problem)
        subject.restricted_since = ws.today()
        audit.record(session, ws, "restriction.started", case_id=case.id, subject_id=subject.id, details={
            "reference": case.reference, "subject": subject.reference, "since": ws.today().isoformat(),
            "ground": GROUNDS[ground]})
        return _info(session, subject, case)


def lift(ws: Workspace, reference: str, reason: str) -> RestrictionInfo:
    """Lift the restriction: only after the Art. 18(3) notice was sent to the subject."""
    roles.require_officer(ws)
    reason = require_text(reason, N_("The reason for lifting the restriction"), 2000)
    with ws.transaction() as session:
        case = load_case(session, reference)
        subject = case.subject
        if subject.restricted_since is None:
            raise RuleViolation(_("The subject's data are not restricted."))
        notice = _lifting_notice(session, subject)
        if notice is None:
            raise RuleViolation(_("Before a restriction is lifted the subject must be told (Art. 18(3) GDPR): "
                                  "send the 'restriction-lifting' letter first."))
        since = subject.restricted_since
        subject.restricted_since = None
        audit.record(session, ws, "restriction.lifted", case_id=case.id, subject_id=subject.id, details={
            "reference": case.reference, "subject": subject.reference, "since": since.isoformat(),
            "until": ws.today().isoformat(), "notice_sent_on": notice.isoformat()},
            personal={"reason": reason})
        return _info(session, subject, case)


def mark_direct_marketing(ws: Workspace, reference: str, direct_marketing: bool = True) -> bool:
    """Mark an objection case as an objection to direct marketing (Art. 21(2)): it can then only be granted."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        case = load_case(session, reference)
        problem = _mark_problem(case)
        if problem:
            raise RuleViolation(problem)
        if bool(case.direct_marketing) != direct_marketing:
            case.direct_marketing = direct_marketing
            audit.record(session, ws, "objection.direct_marketing", case_id=case.id, subject_id=case.subject_id,
                         details={"reference": case.reference, "direct_marketing": direct_marketing})
        return direct_marketing


def check_decision(case: Case, outcome: Outcome) -> None:
    """Called by ``cases.decide``: a direct-marketing objection is granted without weighing."""
    if case.direct_marketing and outcome not in (Outcome.GRANTED, Outcome.WITHDRAWN):
        raise RuleViolation(_(DIRECT_MARKETING_RULE))
