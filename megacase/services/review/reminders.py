"""Reminders: what falls due soon, what is overdue, and where the extension notice window is closing.

Computed for the workspace's clock, in Belgian working days (weekends and the
ten legal holidays do not count). Three kinds:

- ``due_soon``: an open case due within N working days (setting
  ``reminders.due_soon_working_days``; 0 = due today only);
- ``overdue``: an open case past its due date;
- ``extension_window``: not extended, the extension notice still possible, and
  the (suspension-adjusted) one-month date within M working days (setting
  ``reminders.extension_working_days``).

Only cases still being worked count (received, awaiting the subject, in
progress); a case whose clock stands still (awaiting the subject) gets no
reminder, since its due date moves every day until the answer comes.

A reminder is shown until it is acknowledged; an acknowledgement silences that
kind for that case *in that situation* (the due date, or the last day for the
extension notice). When the situation changes (an extension, a suspension that
moved the date) the reminder comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from megacase.domain.deadlines import working_days_between
from megacase.domain.requests import CaseState
from megacase.services import roles, settings
from megacase.services.integrity import audit
from megacase.services.cases.queries import deadline_of
from megacase.services.workspace import Workspace
from megacase.store.orm import Case, ReminderAck

DUE_SOON, OVERDUE, EXTENSION_WINDOW = "due_soon", "overdue", "extension_window"
KIND_LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon", EXTENSION_WINDOW: "Extension notice"}
LIVE_STATES = (CaseState.RECEIVED.value, CaseState.AWAITING_IDENTITY.value, CaseState.IN_PROGRESS.value)


@dataclass(frozen=True)
class Reminder:
    case_id: int
    reference: str
    kind: str                  # due_soon | overdue | extension_window
    situation: str             # what an acknowledgement silences, e.g. "due 2027-05-03"
    date: date                 # the due date, or the last day for the extension notice
    working_days_left: int     # negative: working days late
    days_late: int             # calendar days past the due date (overdue only)
    owner: str | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def message(self) -> str:
        d = f"{self.date:%a %d %b %Y}"
        if self.kind == OVERDUE:
            return f"{self.reference} is overdue: it was due {d} ({self.days_late} days ago)."
        if self.kind == EXTENSION_WINDOW:
            left = "today is the last day" if self.working_days_left == 0 else \
                f"{self.working_days_left} working day{'s' if self.working_days_left != 1 else ''} left"
            return f"{self.reference}: an extension must be notified by {d} ({left})."
        if self.working_days_left == 0:
            return f"{self.reference} is due today ({d})."
        return (f"{self.reference} is due {d}: {self.working_days_left} working "
                f"day{'s' if self.working_days_left != 1 else ''} left.")

    def as_json(self) -> dict:
        return {"reference": self.reference, "kind": self.kind, "date": self.date.isoformat(),
                "working_days_left": self.working_days_left, "days_late": self.days_late, "owner": self.owner,
                "message": self.message}


@dataclass(frozen=True)
class LeadTimes:
    due_soon: int
    extension: int


def lead_times(ws: Workspace) -> LeadTimes:
    with ws.reading() as session:
        return LeadTimes(settings.get_in(session, settings.REMINDER_DUE_SOON_DAYS.key),
                         settings.get_in(session, settings.REMINDER_EXTENSION_DAYS.key))


def reminders_for_case(case: Case, today: date, leads: LeadTimes) -> list[Reminder]:
    if case.state not in LIVE_STATES:
        return []
    d = deadline_of(case, today)
    if d.suspended_now:
        return []
    out = []
    left = working_days_between(today, d.due)
    if d.is_overdue(today):
        out.append(Reminder(case.id, case.reference, OVERDUE, f"due {d.due.isoformat()}", d.due, left,
                            (today - d.due).days, case.owner))
    elif left <= leads.due_soon:
        out.append(Reminder(case.id, case.reference, DUE_SOON, f"due {d.due.isoformat()}", d.due, left, 0,
                            case.owner))
    if d.extension_possible(today):
        last = d.extension_notice_last_day
        ext_left = working_days_between(today, last)
        if ext_left <= leads.extension:
            out.append(Reminder(case.id, case.reference, EXTENSION_WINDOW, f"notice by {last.isoformat()}", last,
                                ext_left, 0, case.owner))
    return out


def _order(r: Reminder):
    return ({OVERDUE: 0, EXTENSION_WINDOW: 1, DUE_SOON: 2}[r.kind], r.working_days_left, r.reference)


def _compute(session: Session, today: date, leads: LeadTimes) -> list[Reminder]:
    cases = session.execute(select(Case).where(Case.state.in_(LIVE_STATES))
                            .options(selectinload(Case.suspensions))).scalars()
    out = [r for c in cases for r in reminders_for_case(c, today, leads)]
    return sorted(out, key=_order)


def _acked(session: Session) -> set[tuple[int, str, str]]:
    return {(a.case_id, a.kind, a.situation) for a in session.execute(select(ReminderAck)).scalars()}


def current(ws: Workspace, due_soon_days: int | None = None, extension_days: int | None = None) -> list[Reminder]:
    """Every reminder true today, acknowledged or not (what ``megacase remind`` prints)."""
    leads = lead_times(ws)
    leads = LeadTimes(leads.due_soon if due_soon_days is None else due_soon_days,
                      leads.extension if extension_days is None else extension_days)
    with ws.reading() as session:
        return _compute(session, ws.today(), leads)


def pending(ws: Workspace) -> list[Reminder]:
    """The reminders to show now: true today and not yet acknowledged in this situation."""
    leads = lead_times(ws)
    with ws.reading() as session:
        seen = _acked(session)
        return [r for r in _compute(session, ws.today(), leads) if (r.case_id, r.kind, r.situation) not in seen]


def acknowledge(ws: Workspace, reminders: list[Reminder]) -> int:
    """The officer has seen these reminders: one transaction, one audit event per reminder."""
    roles.require_officer(ws)
    count = 0
    with ws.transaction() as session:
        seen = _acked(session)
        for r in reminders:
            key = (r.case_id, r.kind, r.situation)
            if key in seen:
                continue
            seen.add(key)
            session.add(ReminderAck(case_id=r.case_id, kind=r.kind, situation=r.situation,
                                    acknowledged_at=ws.now_naive(), acknowledged_by=ws.actor.name))
            case = session.get(Case, r.case_id)
            audit.record(session, ws, "reminder.acknowledged", case_id=r.case_id, subject_id=case.subject_id,
                         details={"reference": r.reference, "kind": r.kind, "situation": r.situation})
            count += 1
    return count
