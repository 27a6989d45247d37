"""What is hashed for an audit event: the one definition, shared by appending (audit) and checking (verify)."""

from __future__ import annotations

import base64
import json

from megacase.store.orm import AuditEvent


def _body(seq: int, at: str, actor: str, kind: str, case_id, subject_id, details: dict, secret: bytes | None) -> dict:
    return {
        "seq": seq, "at": at, "actor": actor, "kind": kind, "case_id": case_id, "subject_id": subject_id,
        "details": details, "secret": base64.b64encode(secret).decode("ascii") if secret is not None else None,
    }


def body_of(row: AuditEvent) -> dict:
    """Exactly what was hashed for a stored event."""
    try:
        details = json.loads(row.details)
    except ValueError:
        details = {"unreadable": row.details}
    return _body(row.seq, row.at, row.actor, row.kind, row.case_id, row.subject_id, details, row.secret)
