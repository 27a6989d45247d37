"""The home view's figures: the counts that matter, each with the cases behind it, and a year of history.

Built from the case list the window has just read (or reads it once), and for the history only
the cases received or closed in the last twelve months, as plain rows: no ORM objects, no
second pass over the register. The rules are those of ``domain.case_status`` and ``domain.answers``
(the list's summaries carry them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import select

from megacase.domain import case_status
from megacase.i18n import _
from megacase.domain.references import reference_sort_key
from megacase.domain.deadlines import add_months, working_days_between
from megacase.domain.answers import DECIDED_NOT_SENT
from megacase.domain.requests import RequestType
from megacase.services.cases.queries import cached_deadline, case_spans, due_soon_lead, list_cases, streamed
from megacase.services.records import CaseSummary
from megacase.services.workspace import Workspace, local_date
from megacase.store.orm import Case

EXTENSION_WINDOW_WORKING_DAYS = 5
_working_days = lru_cache(maxsize=4096)(working_days_between)   # few distinct dates: count each once


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    references: tuple[str, ...]
    tone: str = "normal"        # overdue | due_soon | suspended | normal: what colour means

    @property
    def count(self) -> int:
        return len(self.references)


@dataclass(frozen=True)
class MonthStat:
    month: date                 # first day of the month
    received: int
    closed: int
    answered: int               # last reply left in that month (withdrawals excluded)
    within_one_month: int
    within_three_months: int


@dataclass(frozen=True)
class Dashboard:
    today: date
    counts: tuple[Count, ...]
    by_type: tuple[Count, ...]
    months: tuple[MonthStat, ...]
    summaries: dict             # reference -> CaseSummary, for the lists behind the counts

    def count(self, key: str) -> Count:
        return next(c for c in self.counts + self.by_type if c.key == key)

    def cases(self, key: str) -> list[CaseSummary]:
        return [self.summaries[r] for r in self.count(key).references]

    @property
    def answered(self) -> int:
        return sum(m.answered for m in self.months)

    def share(self, attr: str) -> float | None:
        total = self.answered
        return sum(getattr(m, attr) for m in self.months) / total if total else None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _history(session, first: date, answered: dict[int, date]) -> tuple[list[date], list[date], dict]:
    """Since ``first``: the receipt dates, the closing dates, and for the cases answered since then
    (id -> day the last reply left) whether that day was within one month and within three."""
    c = Case.__table__.c
    received = [day for (day,) in streamed(session, select(c.received_on).where(c.received_on >= first))]
    since = datetime.combine(first - timedelta(days=1), time())     # UTC; Brussels days are 1-2 h ahead
    closed = [local_date(at) for (at,) in streamed(session, select(c.closed_at).where(c.closed_at >= since))]
    within = {}
    if answered:
        _types, spans = case_spans(session)
        for cid, received_on, extended in streamed(session, select(c.id, c.received_on, c.extended)):
            day = answered.get(cid)     # the deadline as it stood that day (a running suspension counts until then)
            if day is None:
                continue
            d = cached_deadline(received_on, spans.get(cid, ()), extended, day)
            within[cid] = (day, day <= d.one_month_due, day <= d.three_month_due)
    return received, closed, within


def build(ws: Workspace, summaries: list[CaseSummary] | None = None) -> Dashboard:
    """The figures of today; ``summaries`` are the case list when the caller has just read it."""
    today = ws.today()
    if summaries is None:
        summaries = list_cases(ws)
    first = add_months(_month_start(today), -11)
    # "Answered" is the day the last reply left, not the day of the decision (domain.answers).
    answered = {c.id: c.answered_at.date() for c in summaries
                if c.answered_at is not None and c.answered_at.date() >= first
                and (c.outcome is None or c.outcome.value != "withdrawn")}
    with ws.reading() as session:
        lead = due_soon_lead(session)
        received, closed, decided = _history(session, first, answered)
    # every count below is of open cases (a live case is open): only those are kept and sorted
    by_due = sorted((c for c in summaries if c.is_open), key=lambda c: (c.due, reference_sort_key(c.reference)))
    summaries = {c.reference: c for c in by_due}

    def refs(pred) -> tuple[str, ...]:
        return tuple(c.reference for c in by_due if pred(c))

    counts = (
        Count("overdue", _("Overdue"), refs(lambda c: c.overdue), "overdue"),
        Count("due_today", _("Due today"),
              refs(lambda c: case_status.is_live(c.state, c.decided_not_sent) and not c.overdue and c.due == today),
              "due_soon"),
        Count("due_soon", _("Due ≤ {days} working days").format(days=lead), refs(lambda c: c.due_soon), "due_soon"),
        Count("decided_not_sent", _(DECIDED_NOT_SENT).capitalize(), refs(lambda c: c.decided_not_sent), "due_soon"),
        Count("suspended", _("Waiting for the subject"), refs(lambda c: c.suspended and c.is_open), "suspended"),
        Count("extended", _("Extended"), refs(lambda c: c.extended and c.is_open)),
        Count("extension_window", _("Extension notice ≤ {days} working days").format(
              days=EXTENSION_WINDOW_WORKING_DAYS),
              refs(lambda c: c.extension_possible and not c.suspended
                   and _working_days(today, c.extension_last_day) <= EXTENSION_WINDOW_WORKING_DAYS),
              "due_soon"),
        Count("open", _("Open"), refs(lambda c: c.is_open)),
    )
    by_type = tuple(Count(f"type:{t.value}", t.label, refs(lambda c, t=t: c.is_open and t in c.request_types))
                    for t in RequestType)

    first = add_months(_month_start(today), -11)
    months = []
    for i in range(12):
        start = add_months(first, i)
        end = add_months(start, 1)

        def within(day: date | None) -> bool:
            return day is not None and start <= day < end

        answered = [v for v in decided.values() if within(v[0])]
        months.append(MonthStat(
            month=start,
            received=sum(1 for day in received if within(day)),
            closed=sum(1 for day in closed if within(day)),
            answered=len(answered),
            within_one_month=sum(1 for v in answered if v[1]),
            within_three_months=sum(1 for v in answered if v[2])))
    return Dashboard(today, counts, by_type, tuple(months), summaries)
