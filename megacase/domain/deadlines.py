"""The legal deadline of a data subject request.

GDPR Art. 12(3) gives one month from receipt, extendable to three months.
Periods are computed under Regulation (EEC, Euratom) No 1182/71, Art. 3:
the day of receipt is not counted, a period in months ends on the same date
of the last month (or on that month's last day when the date does not exist),
and a period ending on a Saturday, Sunday or public holiday ends at the end of
the next working day. The public holidays are Belgium's legal holidays.

A suspension (waiting for identity information or a clarification, EDPB
Guidelines 01/2022 para. 159) moves the deadline later by the calendar days
the clock stood still; the working-day rule is applied to the moved date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable

import holidays

from megacase.errors import RuleViolation
from megacase.i18n import _

ONE_MONTH = 1
EXTENDED_MONTHS = 3


@lru_cache(maxsize=64)
def _belgian_holidays(year: int) -> frozenset[date]:
    # holidays' Belgian calendar holds the ten legal holidays plus Easter Sunday
    # and Whit Sunday, which are Sundays anyway.
    return frozenset(holidays.country_holidays("BE", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _belgian_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n)))


def add_months(day: date, months: int) -> date:
    """Same date ``months`` later; the month's last day where that date does not exist."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Suspension:
    """The clock stood still from ``start`` (information asked) to ``end`` (it arrived)."""

    start: date
    end: date | None = None

    def days(self, today: date) -> int:
        until = self.end if self.end is not None else max(today, self.start)
        return max(0, (until - self.start).days)


@dataclass(frozen=True)
class Deadline:
    received: date
    plain_one_month: date        # one month from receipt, before suspensions and the working-day rule
    suspended_days: int
    suspended_now: bool
    one_month_due: date          # suspension-adjusted, working-day rule applied
    three_month_due: date        # three months from receipt, suspension-adjusted, working-day rule
    extended: bool

    @property
    def due(self) -> date:
        return self.three_month_due if self.extended else self.one_month_due

    @property
    def extension_notice_last_day(self) -> date:
        """The extension notice must reach the subject within the first month."""
        return self.one_month_due

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def is_overdue(self, today: date) -> bool:
        return today > self.due

    def extension_possible(self, today: date) -> bool:
        return not self.extended and today <= self.extension_notice_last_day


def compute_deadline(
    received: date,
    suspensions: Iterable[Suspension] = (),
    extended: bool = False,
    today: date | None = None,
) -> Deadline:
    """The deadline of a request received on ``received``.

    ``today`` only matters for a suspension still running: its days are
    counted up to today, so the due date keeps moving while the clock stands still.
    """
    today = today or date.today()
    suspensions = tuple(suspensions)
    shift = sum(s.days(today) for s in suspensions)
    plain = add_months(received, ONE_MONTH)
    return Deadline(
        received=received,
        plain_one_month=plain,
        suspended_days=shift,
        suspended_now=any(s.end is None for s in suspensions),
        one_month_due=next_working_day(plain + timedelta(days=shift)),
        three_month_due=next_working_day(add_months(received, EXTENDED_MONTHS) + timedelta(days=shift)),
        extended=extended,
    )


def previous_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def promise_date(received: date, days: int, suspended_days: int = 0) -> date | None:
    """The policy's promise ("sous 30 jours"): ``days`` calendar days after receipt, plus the days the clock
    stood still, brought back to the last working day on or before it, so that the promise can be kept.
    None when the policy makes no promise (``days`` 0)."""
    if days <= 0:
        return None
    return previous_working_day(received + timedelta(days=days + suspended_days))


def check_extension(deadline: Deadline, today: date, reason: str) -> None:
    """Raise RuleViolation unless an extension may be decided today (Art. 12(3))."""
    if deadline.extended:
        raise RuleViolation(_("The deadline has already been extended; it cannot be extended twice."))
    if not reason or not reason.strip():
        raise RuleViolation(
            _("An extension needs a reason (complexity or number of requests, Art. 12(3)); the subject must be "
              "told of it.")
        )
    if today > deadline.extension_notice_last_day:
        raise RuleViolation(
            _("The first month ended on {extension_notice_last_day}: an extension can no longer be notified "
              "(Art. 12(3)).").format(extension_notice_last_day=deadline.extension_notice_last_day.isoformat())
        )
