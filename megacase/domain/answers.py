"""What "answered", "live" and "overdue" mean for a request (GDPR Art. 12(3)-(4)).

Each right invoked in a case is answered on its own: it is answered when the
letter(s) giving the decision on it left (delivered by the outbox, or handed
over by post or in person under the identity rule), not when the decision was
recorded. The case's clock runs until every right is answered (or withdrawn):
a case decided but whose reply did not leave is still live, late when past due,
and shown as "decided, reply not sent".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from megacase.domain.letter_types import required_letters
from megacase.domain import case_status
from megacase.domain.requests import CaseState, Outcome, RequestType
from megacase.i18n import N_

DECIDED_NOT_SENT = N_("decided, reply not sent")   # also a key: translated where shown
# States in which the work itself is still going on (the clock may be suspended in the second).
WORKING_STATES = case_status.LIVE_STATE_VALUES     # received, awaiting the subject, in progress
# States that may still be live: a decided case whose reply did not leave keeps its clock running.
LIVE_STATES = WORKING_STATES + (CaseState.DECIDED.value,)


@dataclass(frozen=True)
class RightDecision:
    right: RequestType
    outcome: Outcome
    decided_at: datetime          # UTC, naive


@dataclass(frozen=True)
class LeftLetter:
    """A letter that left: by the outbox, by post or handed over in person."""
    id: int
    template_id: str
    sent_at: datetime             # UTC, naive
    answers: tuple[str, ...] = ()  # rights it was written for (empty: every right its type answers)


@dataclass(frozen=True)
class RightAnswer:
    right: RequestType
    outcome: Outcome | None
    answered: bool
    letter_id: int | None         # the letter that completed the answer
    answered_at: datetime | None  # when that letter left

    @property
    def decided_not_sent(self) -> bool:
        return self.outcome is not None and not self.answered


def answer_of(right: RequestType, decision: RightDecision | None, letters) -> RightAnswer:
    """Is this right answered by the letters that left (those sent after its decision)?"""
    if decision is None:
        return RightAnswer(right, None, False, None, None)
    if decision.outcome is Outcome.WITHDRAWN:
        return RightAnswer(right, decision.outcome, True, None, decision.decided_at)
    last: LeftLetter | None = None
    for group in required_letters(right, decision.outcome):
        found = [l for l in letters if l.template_id in group and l.sent_at >= decision.decided_at
                 and (not l.answers or right.value in l.answers)]
        if not found:
            return RightAnswer(right, decision.outcome, False, None, None)
        first = min(found, key=lambda l: (l.sent_at, l.id))
        last = first if last is None or first.sent_at > last.sent_at else last
    if last is None:
        return RightAnswer(right, decision.outcome, False, None, None)
    return RightAnswer(right, decision.outcome, True, last.id, last.sent_at)


def answers_of(rights, decisions: dict, letters) -> tuple[RightAnswer, ...]:
    letters = tuple(letters)
    return tuple(answer_of(RequestType(r), decisions.get(RequestType(r)), letters) for r in rights)


def all_answered(answers) -> bool:
    return all(a.answered for a in answers)


def answered_at(answers) -> datetime | None:
    """When the last right was answered (withdrawals aside); None while one is unanswered or all withdrawn."""
    if not all_answered(answers):
        return None
    times = [a.answered_at for a in answers if a.outcome is not Outcome.WITHDRAWN and a.answered_at]
    return max(times) if times else None


def is_live(state: str, answers) -> bool:
    """Does the case's clock still run? Yes while working, and while decided but not every right answered."""
    return case_status.is_live(state, decided_not_sent(state, answers))


def decided_not_sent(state: str, answers) -> bool:
    return state == CaseState.DECIDED.value and not all_answered(answers)


def is_overdue(state: str, answers, due: date, today: date) -> bool:
    return is_live(state, answers) and today > due


def status_label(state_label: str, state: str, answers) -> str:
    return DECIDED_NOT_SENT.capitalize() if decided_not_sent(state, answers) else state_label


def combined_outcome(outcomes) -> Outcome:
    """One word for the case as a whole (registers, reports): all the same, or 'partly granted'."""
    outs = [Outcome(o) for o in outcomes]
    given = [o for o in outs if o is not Outcome.WITHDRAWN] or outs
    if len(set(given)) == 1:
        return given[0]
    if Outcome.FEE_REQUESTED in given and set(given) <= {Outcome.FEE_REQUESTED, Outcome.REFUSED}:
        return Outcome.FEE_REQUESTED
    if set(given) == {Outcome.REFUSED}:
        return Outcome.REFUSED
    if Outcome.GRANTED in given or Outcome.PARTLY_GRANTED in given:
        return Outcome.PARTLY_GRANTED
    return Outcome.REFUSED
