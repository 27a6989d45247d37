"""Per-subject keys for crypto-shredding, used inside a service's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from megacase.errors import RuleViolation
from megacase.i18n import _
from megacase.store.orm import SubjectKey
from megacase.store.subject_crypto import new_subject_key, open_sealed, seal


class SubjectErased(RuleViolation, ValueError):
    """The subject's key was destroyed (erasure): a message fit for the user, still a ValueError for old callers."""


_CACHE = "megacase.subject_key_rows"


def _row(session: Session, subject_id: int) -> SubjectKey | None:
    """The key row, held for the session's life.

    The session's identity map holds rows weakly, so without this every sealed value
    read (a case's timeline opens hundreds) would query the key again. The row object
    itself is kept, so a key destroyed in this session reads as destroyed at once.
    """
    cache = session.info.setdefault(_CACHE, {})
    row = cache.get(subject_id)
    if row is None:
        row = session.get(SubjectKey, subject_id)
        if row is not None:
            cache[subject_id] = row
    return row


def ensure_key(session: Session, subject_id: int) -> bytes:
    row = _row(session, subject_id)
    if row is None:
        row = SubjectKey(subject_id=subject_id, key=new_subject_key())
        session.add(row)
        session.flush()
        session.info.setdefault(_CACHE, {})[subject_id] = row
    if row.key is None:
        raise SubjectErased(_("This subject was erased: nothing personal can be recorded about them any more."))
    return row.key


def key_of(session: Session, subject_id: int) -> bytes | None:
    row = _row(session, subject_id)
    return row.key if row else None


def seal_text(session: Session, subject_id: int, text: str, context: str) -> bytes:
    return seal(ensure_key(session, subject_id), text.encode("utf-8"), context)


def open_text(session: Session, subject_id: int, blob: bytes | None, context: str) -> str | None:
    data = open_sealed(key_of(session, subject_id), blob, context)
    return data.decode("utf-8") if data is not None else None


def seal_json(session: Session, subject_id: int, value: Any, context: str) -> bytes:
    return seal_text(session, subject_id, json.dumps(value, sort_keys=True, ensure_ascii=False), context)


def open_json(session: Session, subject_id: int, blob: bytes | None, context: str) -> Any | None:
    text = open_text(session, subject_id, blob, context)
    return json.loads(text) if text is not None else None
