"""What a case's deadline means today: live, overdue, due soon, suspended, done.

Stated once here; the case list's colours and quick filters, the home view's tiles,
the reminder banner, ``megacase remind``, the manager's review and the overdue
report all ask these functions, so they agree by construction.

- **live**: received, awaiting the subject or in progress, or decided while a reply
  has not left yet (``decided_not_sent``, from ``domain.answers``): the legal clock
  runs (or stands still while the subject is asked). A decided case whose every right
  is answered is done; a closed one is finished.
- **overdue**: live and today is past the due date (a suspended case too: the
  days it stood still are already added to its due date).
- **due soon**: live, not overdue, the clock running, and the earlier of the due date
  and the privacy policy's promise (``deadlines.promise_days``) at most N Belgian
  working days away (0: due today). N is the register's setting
  ``reminders.due_soon_working_days`` (``DUE_SOON_WORKING_DAYS`` by default): a
  suspended case is not "due soon", since its due date moves every day.
"""

from __future__ import annotations

from datetime import date

from megacase.domain.deadlines import Deadline, working_days_between
from megacase.domain.requests import CaseState

LIVE_STATES = frozenset({CaseState.RECEIVED, CaseState.AWAITING_IDENTITY, CaseState.IN_PROGRESS})
LIVE_STATE_VALUES = tuple(sorted(s.value for s in LIVE_STATES))     # for SQL filters on Case.state
DUE_SOON_WORKING_DAYS = 5

DONE, OVERDUE, SUSPENDED, DUE_SOON, NORMAL = "done", "overdue", "suspended", "due_soon", "normal"


def is_live(state: CaseState | str, decided_not_sent: bool = False) -> bool:
    return CaseState(state) in LIVE_STATES or decided_not_sent


def is_overdue(state: CaseState | str, deadline: Deadline, today: date, decided_not_sent: bool = False) -> bool:
    return is_live(state, decided_not_sent) and deadline.is_overdue(today)


def working_days_left(deadline: Deadline, today: date) -> int:
    """Belgian working days until the due date (0: due today; negative: late)."""
    return working_days_between(today, deadline.due)


def due_soon_target(deadline: Deadline, promise: date | None = None) -> date:
    """What "due soon" counts towards: the earlier of the legal due date and the privacy policy's promise
    (none once the case is extended: the extension notice told the subject the new date)."""
    return min(deadline.due, promise) if promise and not deadline.extended else deadline.due


def is_due_soon(state: CaseState | str, deadline: Deadline, today: date,
                lead_working_days: int = DUE_SOON_WORKING_DAYS, decided_not_sent: bool = False,
                promise: date | None = None) -> bool:
    return (is_live(state, decided_not_sent) and not deadline.is_overdue(today) and not deadline.suspended_now
            and working_days_between(today, due_soon_target(deadline, promise)) <= lead_working_days)


def urgency(state: CaseState | str, deadline: Deadline, today: date,
            lead_working_days: int = DUE_SOON_WORKING_DAYS, decided_not_sent: bool = False,
            promise: date | None = None) -> str:
    """done | overdue | suspended | due_soon | normal: the only meanings colour carries."""
    if not is_live(state, decided_not_sent):
        return DONE
    if deadline.is_overdue(today):
        return OVERDUE
    if deadline.suspended_now:
        return SUSPENDED
    if is_due_soon(state, deadline, today, lead_working_days, decided_not_sent, promise):
        return DUE_SOON
    return NORMAL
