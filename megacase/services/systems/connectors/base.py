"""The small interface every system connector offers, and the plain records it returns.

A connector finds the subject, fetches their data by category, and, where the
system allows it, erases or anonymises them; ``plan_erasure`` is the dry run that
says what an erasure would do without doing it. Every answer carries the exact
bytes received (``raw``), whose SHA-256 the case keeps as evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class SubjectRef:
    """What a connector may use to find the subject (from the subject record; ``identifier``: a system id the
    subject gave, e.g. a Google Analytics client id)."""
    email: str
    name: str | None = None
    customer_number: str | None = None
    identifier: str | None = None


@dataclass(frozen=True)
class Collected:
    categories: dict[str, list[dict]]       # category code -> rows
    raw: bytes                              # what the system answered, as received (JSON documents joined)
    summary: str                            # one line without personal data, e.g. "1 customer, 3 orders"
    statement: str | None = None            # where the system cannot search by person, what it can and cannot link

    @property
    def found(self) -> bool:
        return any(self.categories.values())

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.categories.values())


@dataclass(frozen=True)
class ErasurePlan:
    actions: tuple[str, ...]                # the calls an erasure would make, e.g. "DELETE /customers/7.json"
    outcome: str                            # what it would give: erased | task | nothing_held
    summary: str


@dataclass(frozen=True)
class ErasureAnswer:
    outcome: str                            # erased | task | nothing_held
    answer: dict = field(default_factory=dict)   # the system's reply (status codes, ids, times): the receipt
    summary: str = ""

    @property
    def raw(self) -> bytes:
        return json.dumps(self.answer, sort_keys=True, ensure_ascii=False).encode("utf-8")


class Connector(Protocol):
    def test(self) -> str: ...
    def collect(self, subject: SubjectRef) -> Collected: ...
    def plan_erasure(self, subject: SubjectRef, objection: bool = False) -> ErasurePlan: ...
    def erase(self, subject: SubjectRef, objection: bool = False) -> ErasureAnswer: ...


def raw_of(documents: list[Any]) -> bytes:
    """The received JSON documents, one per line, as the evidence whose hash is kept."""
    return b"\n".join(json.dumps(d, sort_keys=True, ensure_ascii=False).encode("utf-8") for d in documents)
