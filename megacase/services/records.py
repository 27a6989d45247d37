"""Frozen plain records that services hand to the window and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from megacase.domain.deadlines import Deadline
from megacase.domain.requests import Action, CaseState, Channel, Outcome, RequestType
from megacase.i18n import _, english
from megacase.services.integrity.audit import TimelineEntry


def anonymous_subject(reference: str) -> str:
    """How the window names a subject whose identity was erased (a Message: its English stays at hand)."""
    return _("Anonymous subject {reference}").format(reference=reference)


@dataclass(frozen=True)
class SubjectInfo:
    id: int
    reference: str
    name: str | None
    email: str | None
    postal_address: str | None
    customer_number: str | None
    language: str
    restricted_since: date | None
    processing_suspended: bool
    anonymised: bool

    @property
    def display_name(self) -> str:
        # The window's words (letters and case files say it their own way): the interface language.
        return self.name if self.name else anonymous_subject(self.reference)


@dataclass(frozen=True)
class CaseSummary:
    id: int
    reference: str
    subject_id: int
    subject_name: str
    subject_email: str
    request_types: tuple[RequestType, ...]
    state: CaseState
    outcome: Outcome | None
    channel: Channel
    received_at: datetime            # Brussels local time
    due: date
    days_left: int
    overdue: bool
    suspended: bool
    extended: bool
    extension_possible: bool
    extension_last_day: date
    owner: str | None
    restricted: bool
    processing_suspended: bool
    working_days_left: int           # Belgian working days to the due date (negative: late)
    urgency: str                     # done | overdue | suspended | due_soon | normal (domain.case_status)
    decided_not_sent: bool = False      # every right decided, a reply has not left: the clock still runs
    promise: date | None = None         # the policy's promise date (30 days), beside the legal due date
    answered_at: datetime | None = None  # when the last right's reply left (Brussels local time)

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def due_soon(self) -> bool:
        return self.urgency == "due_soon"

    @property
    def reply_by(self) -> date:
        """The earlier of the legal due date and the policy's promise: what the officer works to."""
        return min(self.due, self.promise) if self.promise and not self.extended else self.due

    @property
    def state_label(self) -> str:
        """The state as the lists show it, with "decided, reply not sent" where that is the truth."""
        from megacase.domain.answers import DECIDED_NOT_SENT
        return DECIDED_NOT_SENT.capitalize() if self.decided_not_sent else self.state.label

    @property
    def types_label(self) -> str:
        return ", ".join(t.label for t in self.request_types)

    # The two above stay English for reports and records; these are what the officer reads.
    @property
    def state_text(self) -> str:
        return _(self.state_label)

    @property
    def types_text(self) -> str:
        return ", ".join(_(t.label) for t in self.request_types)

    def as_json(self) -> dict:
        return {
            "reference": self.reference, "state": self.state.value,
            "outcome": self.outcome.value if self.outcome else None,
            "request_types": [t.value for t in self.request_types],
            "channel": self.channel.value, "received_at": self.received_at.isoformat(),
            "due_date": self.due.isoformat(), "promise_date": self.promise.isoformat() if self.promise else None,
            "reply_by": self.reply_by.isoformat(), "days_left": self.days_left, "overdue": self.overdue,
            "suspended": self.suspended, "extended": self.extended, "decided_not_sent": self.decided_not_sent,
            "subject": {"name": english(self.subject_name), "email": self.subject_email},   # English, as JSON is
        }


@dataclass(frozen=True)
class IdentityStepInfo:
    id: int
    method: str
    asked: str
    reason: str | None
    asked_at: datetime
    asked_by: str
    answer: str | None
    answered_at: datetime | None
    result: str
    decided_by: str | None


@dataclass(frozen=True)
class SuspensionInfo:
    reason: str
    started_on: date
    ended_on: date | None
    days: int


@dataclass(frozen=True)
class ChecklistInfo:
    id: int
    processor: str
    categories: str
    action: str
    done_at: datetime | None
    done_by: str | None
    note: str | None
    keep_ground: str | None


@dataclass(frozen=True)
class NoteInfo:
    author: str
    created_at: datetime
    text: str


@dataclass(frozen=True)
class LetterInfo:
    id: int
    template_id: str
    language: str
    status: str
    recipient: str
    subject_line: str
    body: str
    created_at: datetime
    sent_at: datetime | None
    message_id: str | None


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    subject: SubjectInfo
    deadline: Deadline
    summary_text: str | None
    legal_ground: str | None
    decision_note: str | None
    decided_at: datetime | None
    closed_at: datetime | None
    extension_reason: str | None
    extended_at: datetime | None
    extension_notice_on: date | None
    identified_by_known_address: bool
    linked_reference: str | None
    allowed_actions: tuple[Action, ...]
    identity_steps: tuple[IdentityStepInfo, ...] = field(default_factory=tuple)
    suspensions: tuple[SuspensionInfo, ...] = field(default_factory=tuple)
    checklist: tuple[ChecklistInfo, ...] = field(default_factory=tuple)
    notes: tuple[NoteInfo, ...] = field(default_factory=tuple)
    letters: tuple[LetterInfo, ...] = field(default_factory=tuple)
    timeline: tuple[TimelineEntry, ...] = field(default_factory=tuple)
    # What the window may offer now; decided by the services, never by the window.
    allowed_outcomes: tuple[Outcome, ...] = field(default_factory=tuple)
    identity_check_allowed: bool = False
    checklist_editable: bool = False
    rights: tuple = ()                  # services.decisions.RightInfo per right invoked

    @property
    def reference(self) -> str:
        return self.summary.reference

    @property
    def id(self) -> int:
        return self.summary.id

    def as_json(self) -> dict:
        data = self.summary.as_json()
        data.update({
            "legal_ground": self.legal_ground,
            "extension_reason": self.extension_reason,
            "extension_possible_until": self.deadline.extension_notice_last_day.isoformat(),
            "suspended_days": self.deadline.suspended_days,
            "identity_steps": [{"method": s.method, "asked": s.asked, "asked_at": s.asked_at.isoformat(),
                                "result": s.result, "decided_by": s.decided_by} for s in self.identity_steps],
            "suspensions": [{"reason": s.reason, "from": s.started_on.isoformat(),
                             "to": s.ended_on.isoformat() if s.ended_on else None, "days": s.days}
                            for s in self.suspensions],
            "allowed_actions": [a.value for a in self.allowed_actions],
            "rights": [r.as_json() for r in self.rights],
            "events": len(self.timeline),
        })
        return data


@dataclass(frozen=True)
class OutgoingFile:
    """A file that travels with a letter (an access package, a portability ZIP): name, type and bytes."""
    filename: str
    mime_type: str
    data: bytes
