"""Request types, channels, case states and the transitions between them.

Labels are English source texts marked ``N_()``: the domain stays free of the interface language,
and whatever shows a label to the officer translates it there (``_(state.label)``). Error messages
are for the officer at once, so they are translated when raised.
"""

from __future__ import annotations

from enum import Enum

from megacase.errors import IllegalTransition, InputError
from megacase.i18n import N_, _, join


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
    RequestType.ACCESS: N_("Access"),
    RequestType.RECTIFICATION: N_("Rectification"),
    RequestType.ERASURE: N_("Erasure"),
    RequestType.RESTRICTION: N_("Restriction"),
    RequestType.PORTABILITY: N_("Portability"),
    RequestType.OBJECTION: N_("Objection"),
    RequestType.AUTOMATED_DECISION: N_("Automated decision"),
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
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.EMAIL: N_("E-mail"),
    Channel.WEB_FORM: N_("Web form"),
    Channel.POST: N_("Post"),
    Channel.PHONE: N_("Phone"),
    Channel.IN_PERSON: N_("In person"),
}


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
    CaseState.RECEIVED: N_("Received"),
    CaseState.AWAITING_IDENTITY: N_("Awaiting subject"),
    CaseState.IN_PROGRESS: N_("In progress"),
    CaseState.DECIDED: N_("Decided"),
    CaseState.CLOSED: N_("Closed"),
}


class Outcome(str, Enum):
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"
    FEE_REQUESTED = "fee_requested"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def needs_legal_ground(self) -> bool:
        return self in (Outcome.PARTLY_GRANTED, Outcome.REFUSED, Outcome.FEE_REQUESTED)


OUTCOME_LABELS = {
    Outcome.GRANTED: N_("Granted"),
    Outcome.PARTLY_GRANTED: N_("Partly granted"),
    Outcome.REFUSED: N_("Refused"),
    Outcome.FEE_REQUESTED: N_("Fee requested"),
    Outcome.WITHDRAWN: N_("Withdrawn"),
}


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
    Action.START_WORK: N_("Start work"),
    Action.ASK_SUBJECT: N_("Ask for identity / clarification"),
    Action.SUBJECT_ANSWERED: N_("Record the answer"),
    Action.EXTEND: N_("Extend the deadline"),
    Action.DECIDE: N_("Decide"),
    Action.CLOSE: N_("Close"),
    Action.REOPEN: N_("Reopen"),
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
    return [action for action, (sources, _target) in TRANSITIONS.items() if state in sources]


def next_state(state: CaseState, action: Action, outcome: Outcome | None = None) -> CaseState:
    """The state after ``action``; raises IllegalTransition when it is not allowed."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise IllegalTransition(
            _("A case that is '{state}' cannot be given the action '{action}'. Allowed now: {allowed}.").format(
                state=_(state.label), action=_(action.label),
                allowed=join(", ", (_(a.label) for a in allowed_actions(state))) or _("none")))
    if action is Action.DECIDE and state is not CaseState.IN_PROGRESS and outcome is not Outcome.WITHDRAWN:
        raise IllegalTransition(
            _("Only a withdrawal can be recorded before work on the case has started; start work first."))
    return state if target is None else target


def parse_request_types(values) -> tuple[RequestType, ...]:
    """Validate and order request types; at least one, no duplicates."""
    out: list[RequestType] = []
    for value in values:
        try:
            rt = value if isinstance(value, RequestType) else RequestType(str(value).strip().lower().replace("-", "_"))
        except ValueError:
            known = ", ".join(t.value for t in RequestType)
            raise InputError(_("Unknown request type '{value}'. Known types: {known}.").format(
                value=value, known=known)) from None
        if rt not in out:
            out.append(rt)
    if not out:
        raise InputError(_("A case needs at least one request type."))
    order = list(RequestType)
    return tuple(sorted(out, key=order.index))
