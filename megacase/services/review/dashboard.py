"""The home view's figures: the counts that matter, each with the cases behind it, and a year of history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from megacase.domain import case_status
from megacase.domain.references import reference_sort_key
from megacase.domain.deadlines import add_months, working_days_between
from megacase.domain.answers import DECIDED_NOT_SENT
from megacase.domain.requests import RequestType
from megacase.services import settings
from megacase.services.cases.queries import answer_loads, deadline_of, due_soon_lead, summary_of
from megacase.services.records import CaseSummary
from megacase.services.workspace import Workspace, local_date
from megacase.store.orm import Case

EXTENSION_WINDOW_WORKING_DAYS = 5


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


def build(ws: Workspace) -> Dashboard:
    today = ws.today()
    with ws.reading() as session:
        rows = session.execute(select(Case).options(selectinload(Case.types), selectinload(Case.suspensions),
                                                    selectinload(Case.subject), *answer_loads())
                               .order_by(Case.received_at)).scalars().all()
        lead, promise_days = due_soon_lead(session), settings.get_in(session, settings.PROMISE_DAYS.key)
        summaries = {c.reference: summary_of(c, today, lead, promise_days) for c in rows}
        # "Answered" is the day the last reply left, not the day of the decision (domain.answers).
        history = [(c.received_on, local_date(c.closed_at) if c.closed_at else None,
                    summaries[c.reference].answered_at.date() if summaries[c.reference].answered_at else None,
                    c.outcome, c) for c in rows]
        decided = {}
        for received_on, _closed, decided_on, outcome, case in history:
            if decided_on is not None and outcome != "withdrawn":
                d = deadline_of(case, decided_on)
                decided[case.reference] = (decided_on, decided_on <= d.one_month_due, decided_on <= d.three_month_due)

    by_due = sorted(summaries.values(), key=lambda c: (c.due, reference_sort_key(c.reference)))

    def refs(pred) -> tuple[str, ...]:
        return tuple(c.reference for c in by_due if pred(c))

    counts = (
        Count("overdue", "Overdue", refs(lambda c: c.overdue), "overdue"),
        Count("due_today", "Due today",
              refs(lambda c: case_status.is_live(c.state, c.decided_not_sent) and not c.overdue and c.due == today),
              "due_soon"),
        Count("due_soon", f"Due ≤ {lead} working days", refs(lambda c: c.due_soon), "due_soon"),
        Count("decided_not_sent", DECIDED_NOT_SENT.capitalize(), refs(lambda c: c.decided_not_sent), "due_soon"),
        Count("suspended", "Waiting for the subject", refs(lambda c: c.suspended and c.is_open), "suspended"),
        Count("extended", "Extended", refs(lambda c: c.extended and c.is_open)),
        Count("extension_window", f"Extension notice ≤ {EXTENSION_WINDOW_WORKING_DAYS} working days",
              refs(lambda c: c.extension_possible and not c.suspended
                   and working_days_between(today, c.extension_last_day) <= EXTENSION_WINDOW_WORKING_DAYS),
              "due_soon"),
        Count("open", "Open", refs(lambda c: c.is_open)),
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
            received=sum(1 for h in history if within(h[0])),
            closed=sum(1 for h in history if within(h[1])),
            answered=len(answered),
            within_one_month=sum(1 for v in answered if v[1]),
            within_three_months=sum(1 for v in answered if v[2])))
    return Dashboard(today, counts, by_type, tuple(months), summaries)
