"""The letter-type registry: one table says what each letter is, which rights it answers, and what must hold first.

Everything else (titles in the compose window, the letters offered for a case,
the guards that refuse a letter, which letters answer which right) is derived
from ``LETTER_TYPES``. The preconditions are codes; the services check them
(``megacase.services.letters.letter_guards``) because they read the register.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from megacase.domain.requests import Outcome, RequestType
from megacase.i18n import N_



def N_(message: str) -> str:
    """Marks a title for the catalogues (Babel extracts ``N_``); documents translate it where they print it."""
    return message


G, P, R, F = Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REFUSED, Outcome.FEE_REQUESTED
ALL_RIGHTS = tuple(RequestType)

# Precondition codes (checked by services.letter_guards before a letter is queued).
DECIDED = "decided"                  # a right it answers is decided with an outcome it answers, not yet answered
SUBJECT_DATA = "subject_data"        # the subject's data attached, or "no data held" recorded with its reason
MACHINE_READABLE = "machine_readable"  # at least one machine-readable file (JSON, CSV, XML) attached
STEPS_DONE = "steps_done"            # every recipient's step done, not applicable, or kept under a legal ground
RECIPIENT_CONTACT = "recipient_contact"  # the recipient has a contact address in the register
IDENTITY_ASKED = "identity_asked"    # an identity question is open on the case
CLARIFICATION_ASKED = "clarification_asked"  # a clarification question is open on the case


@dataclass(frozen=True)
class LetterType:
    id: str
    title: str
    answers: dict = field(default_factory=dict)      # RequestType -> tuple of Outcomes it answers
    for_types: tuple = ALL_RIGHTS                      # offered on cases with one of these rights
    preconditions: tuple = ()
    options: tuple = ()                                # LetterOptions fields the officer gives when composing
    attachments: tuple = ()                            # what the compose window suggests attaching
    approval: str | None = None                        # four-eyes kind it completes (approvals)
    to_recipient: bool = False                         # addressed to a recipient (processor), not the subject
    fact_sentences: dict = field(default_factory=dict)  # sentence -> the fact that must be recorded for it
    internal: bool = False                             # queued only by the service that needs it, never offered


LETTER_TYPES: tuple[LetterType, ...] = (
    LetterType("acknowledgement", N_("Acknowledgement of receipt")),
    LetterType("identity-request", N_("Request for identity information (Art. 12(6))"),
               options=("identity_requested",), preconditions=(IDENTITY_ASKED,)),
    LetterType("clarification-request", N_("Request for clarification of the request (Art. 12(3))"),
               options=("identity_requested",), preconditions=(CLARIFICATION_ASKED,)),
    LetterType("extension", N_("Extension notice (Art. 12(3))"), approval="extension"),
    LetterType("access-reply", N_("Access reply (Art. 15)"),
               answers={RequestType.ACCESS: (G, P), RequestType.AUTOMATED_DECISION: (G, P)},
               for_types=(RequestType.ACCESS, RequestType.AUTOMATED_DECISION),
               preconditions=(DECIDED, SUBJECT_DATA), attachments=("access_copy",)),
    LetterType("portability-reply", N_("Portability reply (Art. 20)"), answers={RequestType.PORTABILITY: (G, P)},
               for_types=(RequestType.PORTABILITY,), preconditions=(DECIDED, MACHINE_READABLE),
               attachments=("portability",)),
    LetterType("refusal", N_("Refusal or partial refusal (Art. 12(4))"),
               answers={t: (R, P) for t in ALL_RIGHTS}, preconditions=(DECIDED,), approval="refusal"),
    LetterType("fee-notice", N_("Fee notice (Art. 12(5), 15(3))"), answers={t: (F,) for t in ALL_RIGHTS},
               preconditions=(DECIDED,), options=("fee_amount", "fee_reason"), approval="fee"),
    LetterType("rectification-confirmation", N_("Rectification confirmation (Art. 16)"),
               answers={RequestType.RECTIFICATION: (G, P)}, for_types=(RequestType.RECTIFICATION,),
               preconditions=(DECIDED, STEPS_DONE),
               fact_sentences={"art19": "an Art. 19 notice left, or its reason was recorded, for a recipient"}),
    LetterType("erasure-confirmation", N_("Erasure confirmation (Art. 17)"), answers={RequestType.ERASURE: (G, P)},
               for_types=(RequestType.ERASURE,), preconditions=(DECIDED, STEPS_DONE),
               fact_sentences={"art19": "an Art. 19 notice left, or its reason was recorded, for a recipient",
                               "kept": "data kept under a legal ground on a recipient's step"}),
    LetterType("restriction-confirmation", N_("Restriction confirmation (Art. 18)"),
               answers={RequestType.RESTRICTION: (G, P)}, for_types=(RequestType.RESTRICTION,),
               preconditions=(DECIDED, STEPS_DONE), options=("restriction_lift_on", "restriction_reason"),
               fact_sentences={"art19": "an Art. 19 notice left, or its reason was recorded, for a recipient"}),
    LetterType("restriction-lifting", N_("Notice before lifting a restriction (Art. 18(3))"),
               for_types=(RequestType.RESTRICTION,), options=("restriction_lift_on", "restriction_reason")),
    LetterType("objection-outcome", N_("Objection outcome (Art. 21)"), answers={RequestType.OBJECTION: (G, P, R)},
               for_types=(RequestType.OBJECTION,), preconditions=(DECIDED,)),
    LetterType("art19-notice", N_("Art. 19 notice to a recipient"),
               for_types=(RequestType.RECTIFICATION, RequestType.ERASURE, RequestType.RESTRICTION),
               options=("processor",), to_recipient=True, preconditions=(RECIPIENT_CONTACT,)),
    # Tells the former known address that a rectification replaced it; answers nothing, goes only with the change.
    LetterType("address-change-notice", N_("Notice to the former e-mail address (Art. 16)"),
               for_types=(RequestType.RECTIFICATION,), internal=True),
)

BY_ID: dict[str, LetterType] = {t.id: t for t in LETTER_TYPES}


def letter_type(letter_id: str) -> LetterType | None:
    return BY_ID.get(letter_id)


def title_of(letter_id: str) -> str:
    t = BY_ID.get(letter_id)
    return t.title if t else letter_id.replace("-", " ").capitalize()


def letters_for(types) -> list[str]:
    """Letter ids that fit a case of these rights, in the registry's order."""
    wanted = {RequestType(t) for t in types}
    return [t.id for t in LETTER_TYPES if wanted & set(t.for_types) and not t.internal]


def answers(letter_id: str, right: RequestType, outcome: Outcome) -> bool:
    t = BY_ID.get(letter_id)
    return bool(t) and outcome in t.answers.get(RequestType(right), ())


def answering_letters(right: RequestType, outcome: Outcome) -> tuple[str, ...]:
    return tuple(t.id for t in LETTER_TYPES if outcome in t.answers.get(RequestType(right), ()))


def required_letters(right: RequestType, outcome: Outcome) -> tuple[tuple[str, ...], ...]:
    """Groups of letters that must all have left (any one letter of each group) for the right to be answered.

    A partly granted access, portability, rectification or restriction needs its reply (the part granted) and the
    partial refusal (the reasons, the ground, the APD/GBA); an erasure or objection letter carries both parts.
    """
    right, outcome = RequestType(right), Outcome(outcome)
    if outcome is Outcome.WITHDRAWN:
        return ()
    own = tuple(i for i in answering_letters(right, outcome) if i not in ("refusal", "fee-notice"))
    if outcome is Outcome.REFUSED:
        return (("refusal",) + own,)
    if outcome is Outcome.FEE_REQUESTED:
        return (("fee-notice",),)
    if outcome is Outcome.PARTLY_GRANTED and right not in (RequestType.ERASURE, RequestType.OBJECTION):
        return (own, ("refusal",))
    return (own,)


def outcome_letter_ids() -> frozenset[str]:
    """Letters that announce a decision (they need one recorded first)."""
    return frozenset(t.id for t in LETTER_TYPES if t.answers)
