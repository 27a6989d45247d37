"""The register's current rows checked against the events that set them.

Every transaction that changes a case, subject, user, setting, processor or
letter writes the new values of each changed row into its last audit event
(``details["record_values"]``); a transaction that changed such rows without recording
an event gets a ``record.changed`` event. Personal and free-text values are
sealed under the subject's key (unreadable after erasure); ciphertexts and
password hashes are kept as SHA-256 digests. ``compare`` replays the events in
order, keeps each row's last recorded values, and names every row of the
register that differs: a raw ``UPDATE cases SET state = 'closed'`` shows as
"case DSR-…: state is 'closed', its events say 'in_progress' (event 57, …)".

Rows are checked from the event that first recorded them; a register created by
an older version is given one ``state.baseline`` event when opened, so what was
changed before that is not caught here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.i18n import _
from megacase.services import subject_keys
from megacase.store.orm import Case, CaseAnswer, Letter, Processor, Setting, SigningKey, Subject, User

log = logging.getLogger(__name__)

BASELINE = "state.baseline"
AUTO_EVENT = "record.changed"
ROWS = "record_values"     # the key of an event's details that holds the changed rows' new values


@dataclass(frozen=True)
class Tracked:
    table: str
    model: type
    pk: str
    clear: tuple[str, ...]                 # kept as they are
    sealed: tuple[str, ...] = ()           # personal or free text: under the subject's key
    digested: tuple[str, ...] = ()         # ciphertexts, password hashes: SHA-256 only
    subject_of: Callable[[Session, Any], int | None] | None = None
    label: Callable[[Any], str] = lambda row: ""


def _letter_subject(session: Session, row) -> int | None:
    """The subject of a row that belongs to a case (a letter, an answer)."""
    return session.scalar(select(Case.subject_id).where(Case.id == row.case_id))


TRACKED: tuple[Tracked, ...] = (
    Tracked("subjects", Subject, "id",
            ("reference", "language", "restricted_since", "processing_suspended", "created_at", "anonymised_at"),
            sealed=("name", "email", "postal_address", "customer_number"),
            subject_of=lambda s, row: row.id, label=lambda row: f"subject {row['reference']}"),
    Tracked("cases", Case, "id",
            ("reference", "subject_id", "channel", "received_at", "received_on", "state", "outcome", "decided_at",
             "closed_at", "extended", "extended_at", "extension_notice_on", "identified_by_known_address",
             "linked_case_id", "owner", "created_at", "skeleton_since", "direct_marketing"),
            sealed=("summary", "legal_ground", "decision_note", "extension_reason"),
            subject_of=lambda s, row: row.subject_id, label=lambda row: f"case {row['reference']}"),
    Tracked("case_answers", CaseAnswer, "id",
            ("case_id", "request_type", "outcome", "evidence_refs", "evidence_attachment_id", "decided_at",
             "decided_by"),
            sealed=("legal_ground", "reasons", "no_data_reason"),     # typed text, addressed to the subject
            subject_of=_letter_subject, label=lambda row: f"answer {row['id']} ({row['request_type']})"),
    Tracked("users", User, "id", ("name", "role", "active", "created_at"), digested=("password_hash",),
            label=lambda row: f"user {row['name']}"),
    Tracked("settings", Setting, "key", ("value",), label=lambda row: f"setting {row['key']}"),
    Tracked("processors", Processor, "id",
            ("name", "role", "categories", "purposes", "retention", "location", "active", "notice_language"),
            digested=("contact", "notice_channel"),   # a contact person's name and address stay out of the trail
            label=lambda row: f"processor {row['name']}"),
    Tracked("letters", Letter, "id",
            ("case_id", "template_id", "language", "status", "eml_sha256", "created_at", "created_by",
             "sent_at", "message_id"),
            sealed=("override_reason",), digested=("recipient_enc", "subject_enc", "body_enc"),
            subject_of=_letter_subject, label=lambda row: f"letter {row['id']}"),
    Tracked("signing_keys", SigningKey, "id", ("owner", "public_key", "created_at", "retired_at"),
            digested=("wrapped_private",), label=lambda row: f"signing key {row['id']} ({row['owner']})"),
)
BY_MODEL = {t.model: t for t in TRACKED}
BY_TABLE = {t.table: t for t in TRACKED}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return hashlib.sha256(bytes(value)).hexdigest()
    return value


def _digest(value: Any) -> str | None:
    if value is None:
        return None
    data = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()


# --- recording -----------------------------------------------------------------------------------------------

_TOUCHED = "megacase.state_touched"


def touch(session: Session, obj: Any) -> None:
    """Mark a row changed outside the ORM's unit of work (a bulk UPDATE): its values go into the event."""
    spec = BY_MODEL.get(type(obj))
    if spec is not None:
        session.info.setdefault(_TOUCHED, {})[(spec.table, getattr(obj, spec.pk))] = False


def _collect(session: Session, _flush_context, _instances) -> None:
    touched = session.info.setdefault(_TOUCHED, {})
    for obj in list(session.new) + list(session.dirty):
        spec = BY_MODEL.get(type(obj))
        if spec is not None and (obj in session.new or session.is_modified(obj)):
            touched.setdefault((spec.table, obj), False)
    for obj in session.deleted:
        spec = BY_MODEL.get(type(obj))
        if spec is not None:
            touched[(spec.table, obj)] = True


def snapshot_of(session: Session, spec: Tracked, obj: Any) -> dict:
    """The values an event records for one row: clear, digested, and sealed under the subject's key."""
    entry: dict[str, Any] = {"t": spec.table, "id": getattr(obj, spec.pk)}
    values = {c: _plain(getattr(obj, c)) for c in spec.clear}
    values.update({c: _digest(getattr(obj, c)) for c in spec.digested})
    personal = {c: getattr(obj, c) for c in spec.sealed if getattr(obj, c) is not None}
    values.update({c: None for c in spec.sealed if c not in personal})
    if personal:
        subject_id = spec.subject_of(session, obj) if spec.subject_of else None
        key = subject_keys.key_of(session, subject_id) if subject_id is not None else None
        if key is not None:
            blob = subject_keys.seal_json(session, subject_id, personal, f"state:{spec.table}:{entry['id']}")
            entry["sealed"], entry["k"] = base64.b64encode(blob).decode("ascii"), subject_id
        else:   # erased (or no subject): what erasure left is scrubbed text; keep only its digest
            values.update({c: _digest(v) for c, v in personal.items()})
            entry["digested"] = sorted(personal)
    entry["v"] = values
    return entry


def _entries(session: Session, touched: dict) -> list[dict]:
    entries = []
    for (table, target), deleted in touched.items():
        spec = BY_TABLE[table]
        if deleted:
            ident = getattr(target, spec.pk) if not isinstance(target, (int, str)) else target
            entries.append({"t": table, "id": ident, "deleted": True})
            continue
        obj = target if not isinstance(target, (int, str)) else session.get(spec.model, target)
        if obj is not None:
            entries.append(snapshot_of(session, spec, obj))
    return sorted({(e["t"], str(e["id"])): e for e in entries}.values(), key=lambda e: (e["t"], str(e["id"])))


# The transaction watcher and the baseline that write events live in services.integrity.audit (which uses this
# module's snapshots); kept reachable here under their names.


def snapshot_all(session: Session) -> list[dict]:
    """Every tracked row as it is now (a new register's seeded processors, an older register's rows)."""
    return [snapshot_of(session, spec, obj) for spec in TRACKED
            for obj in session.execute(select(spec.model)).scalars()]


# --- checking ------------------------------------------------------------------------------------------------

@dataclass
class _Expected:
    entry: dict
    seq: int
    kind: str


def _expected_rows(session: Session) -> dict[tuple[str, str], _Expected]:
    """Each row's last recorded values, replaying the events in order (streamed)."""
    from megacase.store.orm import AuditEvent
    latest: dict[tuple[str, str], _Expected] = {}
    rows = session.execute(select(AuditEvent.seq, AuditEvent.kind, AuditEvent.details)
                           .where(AuditEvent.details.like(f'%"{ROWS}"%')).order_by(AuditEvent.seq)
                           .execution_options(yield_per=500))
    for seq, kind, details in rows:
        try:
            entries = json.loads(details).get(ROWS) or []
        except (ValueError, AttributeError):
            continue
        for e in entries:
            if isinstance(e, dict) and e.get("t") in BY_TABLE:
                latest[(e["t"], str(e.get("id")))] = _Expected(e, seq, kind)
    return latest


def _current(spec: Tracked, row: dict) -> dict:
    values = {c: _plain(row[c]) for c in spec.clear}
    values.update({c: _digest(row[c]) for c in spec.digested})
    return values


def _differences(session: Session, spec: Tracked, row: dict, exp: _Expected) -> list[str]:
    where = f"(event {exp.seq}, {exp.kind})"
    label = spec.label(row)
    if exp.entry.get("deleted"):
        return [_("{row}: deleted by its events {where} but still in the register").format(row=label, where=where)]
    said = exp.entry.get("v", {})
    out = []
    for field, now in _current(spec, row).items():
        if field in said and said[field] != now:
            if field in spec.digested:
                out.append(_differs(label, field, where))
            else:
                out.append(_("{row}: {field} is {now}, its events say {said} {where}").format(
                    row=label, field=field, now=repr(now), said=repr(said[field]), where=where))
    personal = None
    for field in spec.sealed:
        now = row[field]
        if field in exp.entry.get("digested", ()):
            same = _digest(now) == said.get(field)
        elif field in said:                       # recorded as empty
            same = now is None
        else:
            if personal is None:
                blob = exp.entry.get("sealed")
                personal = subject_keys.open_json(session, exp.entry.get("k"), base64.b64decode(blob),
                                                  f"state:{spec.table}:{exp.entry['id']}") if blob else {}
                personal = personal if personal is not None else False   # False: key destroyed, unverifiable
            if personal is False:
                continue
            same = personal.get(field) == now
        if not same:   # personal values are never printed: name the field and the event only
            out.append(_differs(label, field, where))
    return out


def _differs(label: str, field: str, where: str) -> str:
    return _("{row}: {field} differs from what its events say {where}").format(row=label, field=field, where=where)


def compare(ws) -> tuple[int, list[str]]:
    """(rows checked, one line per row field that differs from its events)."""
    differences: list[str] = []
    checked = 0
    with ws.reading() as session:
        expected = _expected_rows(session)
        for spec in TRACKED:
            table = spec.model.__table__
            for row in session.execute(select(table).execution_options(yield_per=500)).mappings():
                checked += 1
                exp = expected.pop((spec.table, str(row[spec.pk])), None)
                if exp is None:
                    differences.append(_("{row}: no event records this row (added outside the application)"
                                         ).format(row=spec.label(row)))
                    continue
                differences.extend(_differences(session, spec, row, exp))
        for (table, ident), exp in sorted(expected.items()):
            if not exp.entry.get("deleted"):
                spec = BY_TABLE[table]
                label = spec.label({**exp.entry.get("v", {}), spec.pk: exp.entry["id"], "id": exp.entry["id"]})
                differences.append(_("{row}: its events say it exists (event {seq}, {kind}) but the register has "
                                     "no such row").format(row=label, seq=exp.seq, kind=exp.kind))
    return checked, differences

