"""Where mail goes is not one person's setting.

The sender, the privacy contact (printed in letters and used as their Reply-To),
the mail server and each recipient's Art. 19 notice address are changed only by an
officer, and once the register has a manager such a change waits for a manager's
approval (four-eyes, like refusals) before it takes effect. Every proposal, approval
and sending back is audited with the old and the new values. A register without a
manager has nobody to approve: the change applies at once, audited the same way.

Rules checked before anything is stored: connection security ``none`` only for a
mail server on this computer (loopback); the sender and the privacy contact only in
the company's own domains (``company.domains``, fixed when the register is created).

``request_change`` is the one path every feature (window, command line, other mail
transports) calls to change where mail goes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from megacase.domain.validation import is_loopback
from megacase.errors import InputError, NotFound, PermissionDenied, RuleViolation
from megacase.i18n import N_, _
from megacase.services import roles, settings
from megacase.services.integrity import audit
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Processor, RouteChange, User

PENDING, APPLIED, SENT_BACK = "pending", "applied", "sent_back"
NOTICE_CHANNEL = "notice_channel"

COMPANY_DOMAINS = settings.COMPANY_DOMAINS
# The settings that decide where mail goes: those declared with mail_route=True (services.settings).
ROUTE_KEYS = tuple(key for key, spec in settings.SPECS.items() if spec.mail_route)
IN_COMPANY_DOMAINS = ("smtp.sender", "letters.privacy_contact")


@dataclass(frozen=True)
class RouteChangeInfo:
    id: int
    target: str                      # "settings" or "processor <name>"
    changes: dict                    # key -> [old, new]
    status: str
    requested_by: str
    requested_at: datetime
    reviewed_by: str | None
    comment: str | None

    @property
    def pending(self) -> bool:
        return self.status == PENDING


def _info(row: RouteChange) -> RouteChangeInfo:
    return RouteChangeInfo(row.id, row.target, json.loads(row.changes), row.status, row.requested_by,
                           to_local(row.requested_at), row.reviewed_by, row.comment)


def _processor(session: Session, name_or_id: str | int) -> Processor:
    """A recipient of the register by id or name (the register's rows: the processors feature owns the rest)."""
    if isinstance(name_or_id, int) or str(name_or_id).strip().isdigit():
        row = session.get(Processor, int(name_or_id))
    else:
        row = session.scalar(select(Processor).where(func.lower(Processor.name) == str(name_or_id).strip().lower()))
    if row is None:
        raise NotFound(_("No processor '{name_or_id}'.").format(name_or_id=name_or_id))
    return row


def _has_manager(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User).where(User.role == roles.MANAGER,
                                                                           User.active.is_(True))))


def _domains(session: Session) -> list[str]:
    return [d.strip().lower() for d in str(settings.get_in(session, COMPANY_DOMAINS.key)).split(",") if d.strip()]


def _check(session: Session, new: dict) -> None:
    """The rules on the values as they would be after the change."""
    effective = {k: settings.get_in(session, k) for k in ROUTE_KEYS}
    effective.update(new)
    if effective["smtp.security"] == "none" and not is_loopback(str(effective["smtp.host"])):
        raise InputError(_("Connection security 'none' sends letters in clear: it is allowed only for a mail "
                           "server on this computer (127.0.0.1, ::1 or localhost). Use starttls or tls."))
    domains = _domains(session)
    for key in IN_COMPANY_DOMAINS:
        value = str(new.get(key) or "")
        if value and value.rsplit("@", 1)[-1].lower() not in domains:
            raise InputError(_("{label} must be an address of the company's own domains ({domains}); '{value}' "
                               "is not.").format(
                                 label=_(settings.SPECS[key].label), domains=', '.join(domains), value=value))


def _apply(session: Session, ws: Workspace, row: RouteChange) -> None:
    changes = json.loads(row.changes)
    if row.target == "settings":
        for key, (_old, new) in changes.items():
            settings.set_in(session, ws, key, new, record=False)   # the route-change event says old and new
    else:
        p = session.get(Processor, row.processor_id)
        p.notice_channel = changes[NOTICE_CHANNEL][1]


def _record(session: Session, ws: Workspace, kind: str, row: RouteChange, **extra) -> None:
    audit.record(session, ws, kind, details={"route_change": row.id, "target": row.target,
                                              "changes": json.loads(row.changes), "status": row.status, **extra})


def request_change(ws: Workspace, values: dict, processor: str | int | None = None) -> RouteChangeInfo | None:
    """Propose new values for where mail goes: settings (``values`` by key), or one processor's notice address.

    Officers only. Applied at once when the register has no manager; otherwise pending a manager's approval.
    None when nothing would change.
    """
    roles.require_officer(ws)
    with ws.transaction() as session:
        return request_in(session, ws, values, processor)


def request_in(session: Session, ws: Workspace, values: dict,
               processor: str | int | None = None) -> RouteChangeInfo | None:
    """``request_change`` inside the caller's transaction (e.g. a processor edited together with its address)."""
    roles.require_officer(ws)
    if processor is None:
        unknown = set(values) - set(ROUTE_KEYS)
        if unknown:
            raise InputError(_("Not a mail setting: {unknown}.").format(unknown=', '.join(sorted(unknown))))
        parsed = {k: settings.parse(k, v) for k, v in values.items()}
        _check(session, parsed)
        changes = {k: [settings.get_in(session, k), v] for k, v in parsed.items()
                   if settings.get_in(session, k) != v}
        target, processor_id = "settings", None
    else:
        p = _processor(session, processor)
        new = (values.get(NOTICE_CHANNEL) or "").strip() or None     # as processors keep it
        changes = {NOTICE_CHANNEL: [p.notice_channel, new]} if new != p.notice_channel else {}
        target, processor_id = f"processor {p.name}", p.id
    if not changes:
        return None
    row = RouteChange(target=target, processor_id=processor_id, changes=json.dumps(changes, sort_keys=True),
                      status=PENDING, requested_by=ws.actor.name, requested_at=ws.now_naive())
    session.add(row)
    session.flush()
    if _has_manager(session):
        _record(session, ws, "mail_route.proposed", row)
    else:
        row.status = APPLIED
        _apply(session, ws, row)
        _record(session, ws, "mail_route.changed", row, approved="no manager in the register")
    return _info(row)


def _pending_row(session: Session, ws: Workspace, change_id: int) -> RouteChange:
    roles.require_manager(ws, N_("Approving a change of where mail goes"))
    row = session.get(RouteChange, change_id)
    if row is None:
        raise NotFound(_("No change of mail routing numbered {change_id}.").format(change_id=change_id))
    if row.status != PENDING:
        raise RuleViolation(_("Change {change_id} is no longer waiting for approval ({status}).").format(
                                change_id=change_id, status=row.status))
    if row.requested_by == ws.actor.name:
        raise PermissionDenied(_("Four eyes: someone else must approve the change you asked for."))
    return row


def approve(ws: Workspace, change_id: int, comment: str | None = None) -> RouteChangeInfo:
    with ws.transaction() as session:
        row = _pending_row(session, ws, change_id)
        if row.target == "settings":   # the rules again, on the values in force now
            _check(session, {k: new for k, (_old, new) in json.loads(row.changes).items()})
        row.status, row.reviewed_by, row.reviewed_at = APPLIED, ws.actor.name, ws.now_naive()
        row.comment = (comment or "").strip() or None
        _apply(session, ws, row)
        _record(session, ws, "mail_route.changed", row, approved=ws.actor.name)
        return _info(row)


def send_back(ws: Workspace, change_id: int, comment: str) -> RouteChangeInfo:
    with ws.transaction() as session:
        row = _pending_row(session, ws, change_id)
        row.status, row.reviewed_by, row.reviewed_at = SENT_BACK, ws.actor.name, ws.now_naive()
        row.comment = (comment or "").strip() or None
        _record(session, ws, "mail_route.sent_back", row)
        return _info(row)


def list_changes(ws: Workspace, pending_only: bool = True) -> list[RouteChangeInfo]:
    with ws.reading() as session:
        q = select(RouteChange).order_by(RouteChange.id)
        if pending_only:
            q = q.where(RouteChange.status == PENDING)
        return [_info(r) for r in session.execute(q).scalars()]
