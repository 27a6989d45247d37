"""Four-eyes review: a manager approves or sends back a refusal, a fee request or an extension.

The rule lives here, not in the window: ``require_approval(session, case, kind)``
is called by every service that completes such an action (``cases.extend``,
``cases.close`` of a refused or fee case, and the letters service before it sends
a refusal, fee notice or extension notice).

- With four-eyes on (setting ``review.four_eyes``), the action needs an approved
  approval of that kind for the case's current decision (or, for an extension,
  for the case as it stands).
- A request the manager sent back blocks the action even with four-eyes off: the
  officer asked for a review and got a "no".
- Deciding 'refused' or 'fee requested' with four-eyes on files the request
  automatically, in the same transaction as the decision.

The officer's note and the manager's comment may mention the subject: the note is
sealed in the audit event under the subject's key; the comment is kept on the
approval and sealed in its event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain import case_status
from megacase.domain.letter_types import LETTER_TYPES
from megacase.domain.requests import Action, CaseState, Outcome, allowed_actions
from megacase.domain.validation import require_text
from megacase.errors import InputError, NotFound, PermissionDenied, RuleViolation
from megacase.i18n import N_, _
from megacase.services import roles, settings, subject_keys
from megacase.services.integrity import audit
from megacase.services.case_lookup import load_case
from megacase.services.cases.queries import deadline_of
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Approval, AuditEvent, Case, Note

REFUSAL, FEE, EXTENSION = "refusal", "fee", "extension"
KIND_LABELS = {REFUSAL: N_("Refusal"), FEE: N_("Fee request"), EXTENSION: N_("Extension")}
KIND_FOR_OUTCOME = {Outcome.REFUSED.value: REFUSAL, Outcome.FEE_REQUESTED.value: FEE}
# Letters whose sending completes a reviewed action (template ids of resources/templates).
KIND_FOR_TEMPLATE = {t.id: t.approval for t in LETTER_TYPES if t.approval}   # from the letter-type registry
PENDING, APPROVED, SENT_BACK = "pending", "approved", "sent_back"
STATUS_LABELS = {PENDING: N_("Awaiting approval"), APPROVED: N_("Approved"), SENT_BACK: N_("Sent back")}


@dataclass(frozen=True)
class ApprovalInfo:
    id: int
    case_id: int
    reference: str
    kind: str
    status: str
    requested_by: str
    requested_at: datetime          # Brussels local time
    note: str | None                # the officer's reason for the request
    reviewed_by: str | None
    reviewed_at: datetime | None
    comment: str | None             # the manager's comment
    outcome: str | None
    legal_ground: str | None
    extension_reason: str | None
    due: date
    extension_last_day: date
    current: bool                   # still about the case as it stands (not superseded by a new decision)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def four_eyes_on(session: Session) -> bool:
    return bool(settings.get_in(session, settings.FOUR_EYES.key))


def _check_kind(kind: str) -> str:
    if kind not in KIND_LABELS:
        raise InputError(_("Unknown approval kind '{kind}': use refusal, fee or extension.").format(kind=kind))
    return kind


def is_current(case: Case, approval: Approval, today: date) -> bool:
    """Is this approval about the case as it stands now?"""
    if approval.kind == EXTENSION:
        d = deadline_of(case, today)
        return not case.extended and today <= d.extension_notice_last_day and CaseState(case.state).is_open
    wanted = {REFUSAL: Outcome.REFUSED.value, FEE: Outcome.FEE_REQUESTED.value}[approval.kind]
    return (case.outcome == wanted and case.decided_at is not None
            and approval.requested_at >= case.decided_at)


def _latest(session: Session, case: Case, kind: str) -> Approval | None:
    return session.scalar(select(Approval).where(Approval.case_id == case.id, Approval.kind == kind)
                          .order_by(Approval.id.desc()).limit(1))


def require_approval(session: Session, case: Case, kind: str, today: date) -> None:
    """Raise RuleViolation unless the reviewed action may complete now (see the module's rules)."""
    _check_kind(kind)
    latest = _latest(session, case, kind)
    current = latest if latest is not None and is_current(case, latest, today) else None
    label = _(KIND_LABELS[kind]).lower()
    if current is not None and current.status == SENT_BACK:
        raise RuleViolation(_("The {label} on {reference} was sent back by {reviewed_by}{comment}. Reconsider "
                              "it, then ask again.").format(
                                label=label, reference=case.reference, reviewed_by=current.reviewed_by,
                                comment=": " + current.comment if current.comment else ""))
    if not four_eyes_on(session):
        return
    if current is None:
        raise RuleViolation(_("Four-eyes review is on: a manager must approve the {label} on {reference} "
                              "first. Ask for approval.").format(label=label, reference=case.reference))
    if current.status == PENDING:
        raise RuleViolation(_("The {label} on {reference} is awaiting a manager's approval (asked by "
                              "{requested_by}); it cannot go out before it is approved.").format(
                                label=label, reference=case.reference, requested_by=current.requested_by))


def require_decision_approval(session: Session, case: Case, today: date) -> None:
    """For closing or replying: a refused or fee decision needs its approval (no-op for other outcomes)."""
    kind = KIND_FOR_OUTCOME.get(case.outcome or "")
    if kind:
        require_approval(session, case, kind, today)


def require_letter_approval(session: Session, case: Case, template_id: str, today: date) -> None:
    """For the letters service, before a letter is queued: a refusal (of a 'refused' decision), a fee notice
    and an extension notice (before the extension is recorded; ``cases.extend`` checked it already) need approval.
    A partial refusal is not held: four-eyes covers full refusals, fees and extensions."""
    kind = KIND_FOR_TEMPLATE.get(template_id)
    if kind == EXTENSION:
        if not case.extended:
            require_approval(session, case, kind, today)
    elif kind and KIND_FOR_OUTCOME.get(case.outcome or "") == kind:
        require_approval(session, case, kind, today)


def _check_requestable(case: Case, kind: str, today: date) -> None:
    if kind == EXTENSION:
        if not case_status.is_live(case.state) or Action.EXTEND not in allowed_actions(CaseState(case.state)):
            raise RuleViolation(_("{reference} is not open for an extension.").format(reference=case.reference))
        d = deadline_of(case, today)
        if case.extended:
            raise RuleViolation(_("The deadline has already been extended."))
        if today > d.extension_notice_last_day:
            raise RuleViolation(_("The first month ended on {extension_notice_last_day}: an extension can no "
                                  "longer be notified (Art. 12(3)).").format(
                                    extension_notice_last_day=d.extension_notice_last_day.isoformat()))
        return
    wanted = {REFUSAL: Outcome.REFUSED, FEE: Outcome.FEE_REQUESTED}[kind]
    if case.outcome != wanted.value or case.state != CaseState.DECIDED.value:
        raise RuleViolation(_("{reference} has no '{wanted}' decision to review: decide first.").format(
                                reference=case.reference, wanted=_(wanted.label)))


def request_in(session: Session, ws: Workspace, case: Case, kind: str, note: str | None) -> Approval:
    """File a request for approval inside the caller's transaction (officer already checked)."""
    today = ws.today()
    _check_requestable(case, kind, today)
    latest = _latest(session, case, kind)
    if latest is not None and is_current(case, latest, today):
        if latest.status == PENDING:
            raise RuleViolation(_("The {kind} on {reference} is already awaiting approval.").format(
                                    kind=_(KIND_LABELS[kind]).lower(), reference=case.reference))
        if latest.status == APPROVED:
            raise RuleViolation(_("The {kind} on {reference} is already approved.").format(
                                    kind=_(KIND_LABELS[kind]).lower(), reference=case.reference))
    approval = Approval(case_id=case.id, kind=kind, status=PENDING, requested_by=ws.actor.name,
                        requested_at=ws.now_naive())
    session.add(approval)
    session.flush()
    audit.record(session, ws, "approval.requested", case_id=case.id, subject_id=case.subject_id,
                 details={"reference": case.reference, "approval": approval.id, "kind": kind,
                          "four_eyes": four_eyes_on(session)},
                 personal={"note": note} if note else None)
    return approval


def on_decision(session: Session, ws: Workspace, case: Case) -> None:
    """Called by ``cases.decide`` in its transaction: with four-eyes on, file the review of a refusal or fee."""
    kind = KIND_FOR_OUTCOME.get(case.outcome or "")
    if kind and four_eyes_on(session):
        request_in(session, ws, case, kind, case.decision_note)


def request_approval(ws: Workspace, reference: str, kind: str, note: str | None = None) -> ApprovalInfo:
    roles.require_officer(ws)
    _check_kind(kind)
    note = (note or "").strip() or None
    if kind == EXTENSION:
        note = require_text(note, N_("The reason for the extension"))
    with ws.transaction() as session:
        case = load_case(session, reference)
        approval = request_in(session, ws, case, kind, note)
        approval_id = approval.id
    return get_approval(ws, approval_id)


def _review(ws: Workspace, approval_id: int, status: str, comment: str | None) -> ApprovalInfo:
    roles.require_manager(ws, N_("Approving or sending back"))
    with ws.transaction() as session:
        approval = session.get(Approval, approval_id)
        if approval is None:
            raise NotFound(_("No approval request #{approval_id}.").format(approval_id=approval_id))
        case = session.get(Case, approval.case_id)
        if approval.status != PENDING:
            raise RuleViolation(_("Request #{approval_id} was already {status}.").format(
                                    approval_id=approval_id, status=_(STATUS_LABELS[approval.status]).lower()))
        if not is_current(case, approval, ws.today()):
            raise RuleViolation(_("Request #{approval_id} no longer matches {reference} (the case changed "
                                  "since); nothing to review.").format(
                                    approval_id=approval_id, reference=case.reference))
        if approval.requested_by == ws.actor.name:
            raise PermissionDenied(_("Four eyes means two people: you cannot review your own request."))
        approval.status, approval.reviewed_by, approval.reviewed_at = status, ws.actor.name, ws.now_naive()
        approval.comment = comment
        audit.record(session, ws, "approval.approved" if status == APPROVED else "approval.sent_back",
                     case_id=case.id, subject_id=case.subject_id,
                     details={"reference": case.reference, "approval": approval.id, "kind": approval.kind},
                     personal={"comment": comment} if comment else None)
    return get_approval(ws, approval_id)


def approve(ws: Workspace, approval_id: int, comment: str | None = None) -> ApprovalInfo:
    return _review(ws, approval_id, APPROVED, (comment or "").strip() or None)


def send_back(ws: Workspace, approval_id: int, comment: str) -> ApprovalInfo:
    return _review(ws, approval_id, SENT_BACK, require_text(comment, N_("What should be reconsidered")))


def add_comment(ws: Workspace, reference: str, text: str) -> None:
    """A reviewer's comment on a case: kept like a note (sealed under the subject's key), with its event.

    Any identified user may comment; it is how a manager, who cannot change the case, speaks on it.
    """
    roles.require_identified(ws)
    text = require_text(text, N_("The comment"), 10000)
    with ws.transaction() as session:
        case = load_case(session, reference)
        note = Note(case_id=case.id, body_enc=subject_keys.seal_text(session, case.subject_id, text, "note"),
                    author=ws.actor.name, created_at=ws.now_naive())
        session.add(note)
        session.flush()
        audit.record(session, ws, "case.comment_added", case_id=case.id, subject_id=case.subject_id,
                     details={"reference": case.reference, "note": note.id, "role": ws.actor.role},
                     personal={"text": text})


def _notes(session: Session, approvals: list[Approval]) -> dict[int, str]:
    """The officers' request notes, read back from their (sealed) audit events."""
    if not approvals:
        return {}
    case_ids = {a.case_id for a in approvals}
    wanted = {a.id for a in approvals}
    out: dict[int, str] = {}
    rows = session.execute(select(AuditEvent).where(AuditEvent.kind == "approval.requested",
                                                    AuditEvent.case_id.in_(case_ids),
                                                    AuditEvent.secret.is_not(None))).scalars()
    for ev in rows:
        approval_id = json.loads(ev.details).get("approval")
        if approval_id in wanted:
            personal = subject_keys.open_json(session, ev.subject_id, ev.secret, "audit:approval.requested")
            if personal:
                out[approval_id] = personal.get("note")
    return out


def _infos(session: Session, approvals: list[Approval], today: date) -> list[ApprovalInfo]:
    notes = _notes(session, approvals)
    out = []
    for a in approvals:
        case = session.get(Case, a.case_id)
        d = deadline_of(case, today)
        out.append(ApprovalInfo(
            id=a.id, case_id=case.id, reference=case.reference, kind=a.kind, status=a.status,
            requested_by=a.requested_by, requested_at=to_local(a.requested_at), note=notes.get(a.id),
            reviewed_by=a.reviewed_by, reviewed_at=to_local(a.reviewed_at), comment=a.comment,
            outcome=case.outcome, legal_ground=case.legal_ground, extension_reason=case.extension_reason,
            due=d.due, extension_last_day=d.extension_notice_last_day, current=is_current(case, a, today)))
    return out


def get_approval(ws: Workspace, approval_id: int) -> ApprovalInfo:
    with ws.reading() as session:
        a = session.get(Approval, approval_id)
        if a is None:
            raise NotFound(_("No approval request #{approval_id}.").format(approval_id=approval_id))
        return _infos(session, [a], ws.today())[0]


def pending(ws: Workspace) -> list[ApprovalInfo]:
    """The approvals queue: pending requests still about their case, oldest first."""
    with ws.reading() as session:
        rows = list(session.execute(select(Approval).where(Approval.status == PENDING)
                                    .order_by(Approval.requested_at, Approval.id)).scalars())
        return [i for i in _infos(session, rows, ws.today()) if i.current]


def history(ws: Workspace, reference: str | None = None) -> list[ApprovalInfo]:
    """Every request (of one case, or all), newest first."""
    with ws.reading() as session:
        q = select(Approval).order_by(Approval.id.desc())
        if reference:
            q = q.where(Approval.case_id == load_case(session, reference).id)
        return _infos(session, list(session.execute(q).scalars()), ws.today())
