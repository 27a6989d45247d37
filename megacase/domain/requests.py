"""Request types, channels, case states and the transitions between them."""

from __future__ import annotations

from enum import Enum

from megacase.errors import IllegalTransition, InputError


class RequestType(str, Enum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"
    AUTOMATED_DECISION = "automated_decision"

    @property
    def label(self) -> str:
        return REQUEST_LABELS[self]

    @property
    def article(self) -> str:
        return REQUEST_ARTICLES[self]


REQUEST_LABELS = {
    RequestType.ACCESS: "Access",
    RequestType.RECTIFICATION: "Rectification",
    RequestType.ERASURE: "Erasure",
    RequestType.RESTRICTION: "Restriction",
    RequestType.PORTABILITY: "Portability",
    RequestType.OBJECTION: "Objection",
    RequestType.AUTOMATED_DECISION: "Automated decision",
}

REQUEST_ARTICLES = {
    RequestType.ACCESS: "Art. 15",
    RequestType.RECTIFICATION: "Art. 16",
    RequestType.ERASURE: "Art. 17",
    RequestType.RESTRICTION: "Art. 18",
    RequestType.PORTABILITY: "Art. 20",
    RequestType.OBJECTION: "Art. 21",
    RequestType.AUTOMATED_DECISION: "Art. 22",
}


class Channel(str, Enum):
    EMAIL = "email"
    WEB_FORM = "web_form"
    POST = "post"
    PHONE = "phone"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize().replace("Email", "E-mail")


class Language(str, Enum):
    FR = "fr"
    NL = "nl"
    EN = "en"

    @property
    def label(self) -> str:
        return {"fr": "Français", "nl": "Nederlands", "en": "English"}[self.value]


class CaseState(str, Enum):
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"  # identity or clarification asked: clock suspended
    IN_PROGRESS = "in_progress"
    DECIDED = "decided"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self is not CaseState.CLOSED


STATE_LABELS = {
    CaseState.RECEIVED: "Received",
    CaseState.AWAITING_IDENTITY: "Awaiting subject",
    CaseState.IN_PROGRESS: "In progress",
    CaseState.DECIDED: "Decided",
    CaseState.CLOSED: "Closed",
}


class Outcome(str, Enum):
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"
    FEE_REQUESTED = "fee_requested"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def needs_legal_ground(self) -> bool:
        return self in (Outcome.PARTLY_GRANTED, Outcome.REFUSED, Outcome.FEE_REQUESTED)


class Action(str, Enum):
    """What an officer can do to a case; each maps to one transition."""

    START_WORK = "start_work"
    ASK_SUBJECT = "ask_subject"        # identity or clarification: suspends the clock
    SUBJECT_ANSWERED = "subject_answered"
    EXTEND = "extend"
    DECIDE = "decide"
    CLOSE = "close"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.START_WORK: "Start work",
    Action.ASK_SUBJECT: "Ask for identity / clarification",
    Action.SUBJECT_ANSWERED: "Record the answer",
    Action.EXTEND: "Extend the deadline",
    Action.DECIDE: "Decide",
    Action.CLOSE: "Close",
    Action.REOPEN: "Reopen",
}

_OPEN_WORKING = (CaseState.RECEIVED, CaseState.IN_PROGRESS)

# action -> (states it is allowed from, state it leads to; None keeps the state)
TRANSITIONS: dict[Action, tuple[tuple[CaseState, ...], CaseState | None]] = {
    Action.START_WORK: ((CaseState.RECEIVED,), CaseState.IN_PROGRESS),
    Action.ASK_SUBJECT: (_OPEN_WORKING, CaseState.AWAITING_IDENTITY),
    Action.SUBJECT_ANSWERED: ((CaseState.AWAITING_IDENTITY,), CaseState.IN_PROGRESS),
    Action.EXTEND: ((CaseState.RECEIVED, CaseState.AWAITING_IDENTITY, CaseState.IN_PROGRESS), None),
    # A withdrawal may come at any open moment; other decisions need the work started.
    Action.DECIDE: ((CaseState.RECEIVED, CaseState.AWAITING_IDENTITY, CaseState.IN_PROGRESS), CaseState.DECIDED),
    Action.CLOSE: ((CaseState.DECIDED,), CaseState.CLOSED),
    Action.REOPEN: ((CaseState.DECIDED, CaseState.CLOSED), CaseState.IN_PROGRESS),
}


def allowed_actions(state: CaseState) -> list[Action]:
    return [action for action, (sources, _) in TRANSITIONS.items() if state in sources]


def next_state(state: CaseState, action: Action, outcome: Outcome | None = None) -> CaseState:
    """The state after ``action``; raises IllegalTransition when it is not allowed."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise IllegalTransition(
            f"A case that is '{state.label}' cannot be given the action '{action.label}'. "
            f"Allowed now: {', '.join(a.label for a in allowed_actions(state)) or 'none'}."
        )
    if action is Action.DECIDE and state is not CaseState.IN_PROGRESS and outcome is not Outcome.WITHDRAWN:
        raise IllegalTransition(
            "Only a withdrawal can be recorded before work on the case has started; start work first."
        )
    return state if target is None else target


def parse_request_types(values) -> tuple[RequestType, ...]:
    """Validate and order request types; at least one, no duplicates."""
    out: list[RequestType] = []
    for value in values:
        try:
            rt = value if isinstance(value, RequestType) else RequestType(str(value).strip().lower().replace("-", "_"))
        except ValueError:
            known = ", ".join(t.value for t in RequestType)
            raise InputError(f"Unknown request type '{value}'. Known types: {known}.") from None
        if rt not in out:
            out.append(rt)
    if not out:
        raise InputError("A case needs at least one request type.")
    order = list(RequestType)
    return tuple(sorted(out, key=order.index))
