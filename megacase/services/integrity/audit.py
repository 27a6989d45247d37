"""Appending to and verifying the hash-chained audit trail."""

from __future__ import annotations

import base64
import logging
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from megacase.domain.audit_chain import GENESIS, ChainedEvent, ChainReport, chain_hash, verify_chain
from megacase.i18n import english
from megacase.services import subject_keys
from megacase.services.integrity import state
from megacase.services.integrity.events import _body, body_of  # noqa: F401  (what is hashed; callers use audit.*)
from megacase.services.workspace import TRANSACTION_WATCHERS, Workspace, to_local
from megacase.store.orm import AuditEvent, SubjectKey


log = logging.getLogger(__name__)


def record(session: Session, ws: Workspace, kind: str, *, case_id: int | None = None,
           subject_id: int | None = None, details: dict[str, Any] | None = None,
           personal: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event inside the caller's transaction.

    ``details`` must hold no personal data; ``personal`` is sealed under the
    subject's key (and becomes unreadable after erasure).
    """
    details, personal = _free_text_sealed(session, _in_english(details or {}), _in_english(personal), subject_id)
    secret = None
    if personal:
        if subject_id is None:
            raise ValueError("personal data in an event needs the subject it belongs to")
        secret = subject_keys.seal_json(session, subject_id, personal, f"audit:{kind}")
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = ws.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    body = _body(seq, at, ws.actor.name, kind, case_id, subject_id, details, secret)
    event = AuditEvent(seq=seq, at=at, actor=ws.actor.name, kind=kind, case_id=case_id, subject_id=subject_id,
                       details=json.dumps(details, sort_keys=True, ensure_ascii=False), secret=secret,
                       prev_hash=prev, hash=chain_hash(prev, body))
    _sign(session, ws, event)
    session.add(event)
    session.flush()
    _watch_commit(session, ws, event)
    return event


def _in_english(value):
    """A translated message recorded as its English: the record must not depend on who was at the keyboard."""
    if isinstance(value, dict):
        return {k: _in_english(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_in_english(v) for v in value]
    return english(value) if isinstance(value, str) else value


def _sign(session: Session, ws: Workspace, event: AuditEvent) -> None:
    """The signature covers the chain hash; it is kept beside the event, not inside what is hashed."""
    from megacase.services.integrity import signing
    event.signing_key_id, private = signing.signer(session, ws)
    event.signature = signing.sign(private, event.hash)
    session.info["audit_signer"] = (event.signing_key_id, private)


# Keys whose text an officer types (or a message carries): it may name the person, so it never goes into
# the clear part of an event when the event belongs to a subject; it is sealed under the subject's key.
FREE_TEXT_KEYS = frozenset({"asked", "reason", "answer", "note", "ground", "legal_ground", "comment", "text",
                            "question", "filename", "name", "summary", "grounds", "notes"})
ERASED_TEXT = "[not kept: the subject was erased]"


def _free_text_sealed(session: Session, details: dict, personal: dict | None,
                      subject_id: int | None) -> tuple[dict, dict | None]:
    moved = {k: v for k, v in details.items() if k in FREE_TEXT_KEYS and isinstance(v, str)}
    if not moved or subject_id is None:
        return details, personal
    clear = {k: v for k, v in details.items() if k not in moved}
    row = session.get(SubjectKey, subject_id)
    if row is not None and row.key is None:      # erased: nothing personal can be recorded any more
        return {**clear, **{k: ERASED_TEXT for k in moved}}, personal
    return clear, {**moved, **(personal or {})}


def _watch_commit(session: Session, ws: Workspace, event: AuditEvent) -> None:
    """Once the transaction commits, its last event is the chain's head: anchor it outside the database."""
    session.info["audit_last"] = event
    if session.info.get("audit_watched"):
        return
    session.info["audit_watched"] = True

    def after_commit(s: Session) -> None:
        last = s.info.pop("audit_last", None)
        from megacase.services.integrity import anchors, signing
        signing.pin_created_keys(s, ws.engine)
        if last is not None:
            anchors.write(ws.engine, last.seq, last.hash, ws.now())

    def after_rollback(s: Session) -> None:
        s.info.pop("audit_last", None)
        s.info.pop("megacase.key_pins", None)

    sa_event.listen(session, "after_commit", after_commit)
    sa_event.listen(session, "after_soft_rollback", lambda s, _t: after_rollback(s))


def attach_state(session: Session, event: AuditEvent, entries: list[dict]) -> None:
    """Write the new values of the rows a transaction changed into its last event, before commit.

    Nothing follows that event yet, so re-hashing it keeps the chain whole.
    """
    details = json.loads(event.details)
    merged = {(e["t"], str(e["id"])): e for e in details.get(state.ROWS, []) + entries}   # newer values win
    details[state.ROWS] = sorted(merged.values(), key=lambda e: (e["t"], str(e["id"])))
    event.details = json.dumps(details, sort_keys=True, ensure_ascii=False)
    event.hash = chain_hash(event.prev_hash, body_of(event))
    from megacase.services.integrity import signing
    event.signature = signing.sign(session.info["audit_signer"][1], event.hash)
    session.flush()


def _chained(row: AuditEvent) -> ChainedEvent:
    return ChainedEvent(row.seq, body_of(row), row.prev_hash, row.hash)


def verify_chain_only(ws: Workspace) -> ChainReport:
    with ws.reading() as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
        return verify_chain(_chained(r) for r in rows)


def verify(ws: Workspace, *, anchors: bool = True):
    """The whole check: chain, signatures, anchors outside the database, and current rows against their events.

    Returns an ``integrity.verify.IntegrityReport`` (``ok``, ``count``, ``head``, ``problem`` as before,
    plus every finding). The entry point other features (backups, the window) call. ``anchors=False``
    for a copy of the register (a backup): the live register's anchors have seen later events than it holds.
    """
    from megacase.services.integrity.verify import verify as verify_all
    return verify_all(ws, with_anchors=anchors)


def event_count(ws: Workspace) -> int:
    with ws.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime          # Brussels local time
    actor: str
    kind: str
    details: dict
    personal: dict | None  # None when absent or erased
    hash: str

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.kind, self.kind.replace(".", " ").replace("_", " ").capitalize())


EVENT_LABELS = {
    "case.opened": "Case opened",
    "case.work_started": "Work started",
    "case.extended": "Deadline extended",
    "case.decided": "Decision recorded",
    "case.closed": "Case closed",
    "case.reopened": "Case reopened",
    "case.note_added": "Note added",
    "case.linked": "Linked to an earlier case",
    "identity.asked": "Identity / clarification asked (clock suspended)",
    "identity.answered": "Answer received (clock resumed)",
    "identity.checked": "Identity checked",
    "checklist.done": "Processor step done",
    "checklist.undone": "Processor step reopened",
    "subject.created": "Subject registered",
    "subject.updated": "Subject details changed",
    "profile.created": "Register created",
    "register.restored": "Register restored from a backup (the previous one kept aside)",
    "checklist.erased": "Erased at a processor",
    "checklist.kept": "Kept at a processor under a legal ground",
    "checklist.notified": "Art. 19 notice sent to a processor",
    "checklist.no_notice": "No Art. 19 notice to a recipient (reason recorded)",
    "processor.updated": "Processor register changed",
    "processor.added": "Processor added to the register",
    "subject.erased": "Subject erased (key destroyed; invoices kept apart)",
    "restriction.started": "Restriction of processing started (Art. 18)",
    "restriction.lifted": "Restriction lifted after the Art. 18(3) notice",
    "objection.direct_marketing": "Objection to direct marketing (Art. 21(3))",
    "case.reduced_to_skeleton": "Reduced to its anonymous skeleton (retention)",
    "invoice_retention.purged": "Invoice data purged at the end of the legal term",
    "invoice_retention.viewed": "Invoice data kept after erasure consulted (manager)",
    "retention.applied": "Retention of case records applied",
}


def timeline(session: Session, case_id: int, subject_id: int) -> list[TimelineEntry]:
    rows = session.execute(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)).scalars()
    out = []
    for r in rows:
        personal = subject_keys.open_json(session, subject_id, r.secret, f"audit:{r.kind}") if r.secret else None
        out.append(TimelineEntry(r.seq, to_local(datetime.strptime(r.at, "%Y-%m-%dT%H:%M:%SZ")), r.actor, r.kind,
                                 json.loads(r.details), personal, r.hash))
    return out


def record_refusal(ws: Workspace, reference: str | None, action: str, message: str) -> None:
    """A refused action leaves a trace: one event, nothing else changed."""
    from megacase.store.orm import Case
    with ws.transaction() as session:
        case = session.scalar(select(Case).where(Case.reference == (reference or "").strip().upper()))
        record(session, ws, "action.refused", case_id=case.id if case else None,
               subject_id=case.subject_id if case else None,
               details={"reference": case.reference if case else reference, "action": action,
                        "rule": message[:300]})


@contextmanager
def audited_refusal(ws: Workspace, reference: str | None, action: str):
    """Run a guarded action; when a rule refuses it (and the transaction rolled back), record the refusal."""
    from megacase.errors import IllegalTransition, PermissionDenied, RuleViolation
    try:
        yield
    except (PermissionDenied, IllegalTransition):
        raise
    except RuleViolation as exc:
        record_refusal(ws, reference, action, english(exc))     # the record stays English, whatever the officer reads
        raise


# --- the rows a transaction changed, written into its event (services.integrity.state) ----------------------------

def _before_commit(session: Session) -> None:
    session.flush()
    touched = session.info.pop(state._TOUCHED, {})
    if not touched:
        return
    entries = state._entries(session, touched)
    last = session.info.get("audit_last")
    if last is None:
        ws = session.info.get("megacase.workspace")
        if ws is None:
            return
        log.debug("records changed without an audit event: %s", sorted({e["t"] for e in entries}))
        last = record(session, ws, state.AUTO_EVENT, details={state.ROWS: entries})
    else:
        attach_state(session, last, entries)
    more = session.info.pop(state._TOUCHED, {})   # rows the event itself added (a new signing key)
    if more:
        attach_state(session, last, state._entries(session, more))
    session.info.pop(state._TOUCHED, None)


def watch(session: Session, ws) -> None:
    """Called for every transaction the workspace opens."""
    session.info["megacase.workspace"] = ws
    sa_event.listen(session, "before_flush", state._collect)
    sa_event.listen(session, "before_commit", _before_commit)


def record_baseline(ws) -> bool:
    """Once, for a register made before rows were recorded in events: every tracked row as it is now."""
    from megacase.store.orm import AuditEvent
    with ws.transaction() as session:
        if session.scalar(select(AuditEvent.seq).where(AuditEvent.kind == state.BASELINE).limit(1)) is not None:
            return False
        first = session.scalar(select(AuditEvent.details).where(AuditEvent.seq == 1))
        if first is not None and json.loads(first).get("state_tracked"):
            return False
        record(session, ws, state.BASELINE, details={state.ROWS: state.snapshot_all(session)})
        return True


# Every user action's transaction is watched (services.workspace.TRANSACTION_WATCHERS): services.session loads
# this module, so every register opened through the composition root records its changed rows.
if watch not in TRANSACTION_WATCHERS:
    TRANSACTION_WATCHERS.append(watch)
