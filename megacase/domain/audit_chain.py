"""The tamper-evident audit chain.

Each event's hash is SHA-256 over the previous event's hash (hex) followed by
the canonical JSON of the event: keys sorted, no whitespace, UTF-8. Changing,
removing or reordering any event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

GENESIS = "0" * 64


def canonical_json(event: Mapping[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def chain_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(event)).hexdigest()


_string = encode_basestring    # one JSON string as canonical_json writes it (ensure_ascii=False), in C
_compact = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode


def _opt(value) -> str:
    return "null" if value is None else str(value)


def event_bytes(seq: int, at: str, actor: str, kind: str, case_id: int | None, subject_id: int | None,
                details: Any, secret_b64: str | None) -> bytes:
    """``canonical_json`` of an audit event body, written out directly (the same bytes, about 4x faster).

    The body's keys in sorted order are actor, at, case_id, details, kind, secret, seq, subject_id;
    a test checks that the bytes equal ``canonical_json`` of the same body.
    """
    return (f'{{"actor":{_string(actor)},"at":{_string(at)},"case_id":{_opt(case_id)},"details":{_compact(details)},'
            f'"kind":{_string(kind)},"secret":{"null" if secret_b64 is None else _string(secret_b64)},'
            f'"seq":{seq},"subject_id":{_opt(subject_id)}}}').encode("utf-8")


@dataclass(frozen=True)
class ChainedEvent:
    seq: int
    body: Mapping[str, Any]   # exactly what was hashed
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    problem: str = ""


def verify_chain(events: Iterable[ChainedEvent]) -> ChainReport:
    """Walk the chain in order; report the first event whose link does not hold."""
    prev = GENESIS
    count = 0
    for event in events:
        if event.prev_hash != prev:
            return ChainReport(False, count, prev, event.seq,
                               f"event {event.seq} does not follow the previous event (a row was removed or reordered)")
        if chain_hash(prev, event.body) != event.hash:
            return ChainReport(False, count, prev, event.seq,
                               f"event {event.seq} was changed after it was recorded (its hash does not match)")
        prev = event.hash
        count += 1
    return ChainReport(True, count, prev)
