"""Reminders: what falls due soon, what is overdue, and where the extension notice window is closing.

Computed for the workspace's clock, in Belgian working days (weekends and the
ten legal holidays do not count). Three kinds:

- ``due_soon`` and ``overdue``: exactly as ``domain.case_status`` says (N working
  days: setting ``reminders.due_soon_working_days``; 0 = due today only), the
  same as the case list's colours and the home view's tiles;
- ``extension_window``: not extended, the extension notice still possible, and
  the (suspension-adjusted) one-month date within M working days (setting
  ``reminders.extension_working_days``).

Only live cases count (received, awaiting the subject, in progress); a case
whose clock stands still (awaiting the subject) gets no due-soon or extension
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

from megacase.domain import answers as answer_rules
from megacase.domain import case_status
from megacase.domain.deadlines import promise_date, working_days_between
from megacase.domain.requests import CaseState
from megacase.i18n import Message, N_, _, english, format_date, ngettext
from megacase.services.cases import decisions
from megacase.services.cases.queries import answer_loads
from megacase.services import roles, settings
from megacase.services.integrity import audit
from megacase.services.cases.queries import deadline_of
from megacase.services.workspace import Workspace
from megacase.store.orm import Case, ReminderAck

DUE_SOON, OVERDUE, EXTENSION_WINDOW = "due_soon", "overdue", "extension_window"
BOUNCED, ANSWER_ARRIVED = "bounced", "answer_arrived"     # from the privacy mailbox
KIND_LABELS = {OVERDUE: N_("Overdue"), DUE_SOON: N_("Due soon"), EXTENSION_WINDOW: N_("Extension notice"),
               BOUNCED: N_("Letter bounced"), ANSWER_ARRIVED: N_("Answer arrived")}
LIVE_STATES = answer_rules.LIVE_STATES   # a decided case stays while a reply has not left (domain.answers)


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
    decided_not_sent: bool = False   # the decision is taken, the reply has not left
    promised: bool = False           # the date is the policy's promise, earlier than the legal due date

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def message(self) -> str:
        """The sentence in the officer's language (``english(message)`` keeps the English, as ``--json`` prints)."""
        d = Message(format_date(self.date, "EEE dd MMM y"), f"{self.date:%a %d %b %Y}")
        ref, left = self.reference, self.working_days_left
        if self.kind == BOUNCED:
            return _("{reference}: a letter bounced on {date}; the reply did not reach the subject.").format(
                reference=ref, date=d)
        if self.kind == ANSWER_ARRIVED:
            return _("{reference}: the subject's answer arrived on {date}; record the result to restart the "
                     "clock.").format(reference=ref, date=d)
        if self.decided_not_sent:
            ref = f"{ref} (" + _(answer_rules.DECIDED_NOT_SENT) + ")"
        if self.kind == OVERDUE:
            return _("{reference} is overdue: it was due {date} ({days} days ago).").format(
                reference=ref, date=d, days=self.days_late)
        if self.kind == EXTENSION_WINDOW:
            remaining = _("today is the last day") if left == 0 else \
                ngettext("{count} working day left", "{count} working days left", left).format(count=left)
            return _("{reference}: an extension must be notified by {date} ({remaining}).").format(
                reference=ref, date=d, remaining=remaining)
        if self.promised:
            return ngettext("{reference}: the privacy policy promises a reply by {date} ({count} working day left).",
                            "{reference}: the privacy policy promises a reply by {date} ({count} working days "
                            "left).", left).format(reference=ref, date=d, count=left)
        if left == 0:
            return _("{reference} is due today ({date}).").format(reference=ref, date=d)
        return ngettext("{reference} is due {date}: {count} working day left.",
                        "{reference} is due {date}: {count} working days left.", left).format(
            reference=ref, date=d, count=left)

    def as_json(self) -> dict:
        return {"reference": self.reference, "kind": self.kind, "date": self.date.isoformat(),
                "working_days_left": self.working_days_left, "days_late": self.days_late, "owner": self.owner,
                "decided_not_sent": self.decided_not_sent, "message": english(self.message)}


@dataclass(frozen=True)
class LeadTimes:
    due_soon: int
    extension: int
    promise_days: int = 30      # the policy's promise: "due soon" counts to the earlier of it and the due date


def lead_times(ws: Workspace) -> LeadTimes:
    with ws.reading() as session:
        return LeadTimes(settings.get_in(session, settings.REMINDER_DUE_SOON_DAYS.key),
                         settings.get_in(session, settings.REMINDER_EXTENSION_DAYS.key),
                         settings.get_in(session, settings.PROMISE_DAYS.key))


def reminders_for_case(case: Case, today: date, leads: LeadTimes) -> list[Reminder]:
    answers = decisions.answers_for(case)
    if not answer_rules.is_live(case.state, answers):
        return []
    pending = answer_rules.decided_not_sent(case.state, answers)
    d = deadline_of(case, today)
    out = []
    left = case_status.working_days_left(d, today)
    if case_status.is_overdue(case.state, d, today, pending):
        out.append(Reminder(case.id, case.reference, OVERDUE, f"due {d.due.isoformat()}", d.due, left,
                            (today - d.due).days, case.owner, pending))
    else:
        # "Due soon" counts towards the earlier of the legal due date and the policy's promise (domain.case_status).
        promise = promise_date(case.received_on, leads.promise_days, d.suspended_days)
        if case_status.is_due_soon(case.state, d, today, leads.due_soon, pending, promise):
            target = case_status.due_soon_target(d, promise)
            out.append(Reminder(case.id, case.reference, DUE_SOON, f"due {target.isoformat()}", target,
                                working_days_between(today, target), 0, case.owner, pending,
                                promised=target < d.due))
    if not d.suspended_now and d.extension_possible(today) and not pending:
        last = d.extension_notice_last_day
        ext_left = working_days_between(today, last)
        if ext_left <= leads.extension:
            out.append(Reminder(case.id, case.reference, EXTENSION_WINDOW, f"notice by {last.isoformat()}", last,
                                ext_left, 0, case.owner))
    return out


def _order(r: Reminder):
    return ({BOUNCED: 0, ANSWER_ARRIVED: 1, OVERDUE: 2, EXTENSION_WINDOW: 3, DUE_SOON: 4}[r.kind],
            r.working_days_left, r.reference)


def _mailbox_reminders(session: Session, today: date) -> list[Reminder]:
    """A bounced letter on a case not closed; an answer threaded in while an identity question is open."""
    from megacase.store.orm import IdentityStep, InboxItem, Letter
    out = []
    bounced = session.execute(select(Letter, Case).join(Case, Case.id == Letter.case_id).where(
        Letter.status == "bounced", Case.state != CaseState.CLOSED.value)).all()
    for letter, case in bounced:
        out.append(Reminder(case.id, case.reference, BOUNCED, f"letter {letter.id} bounced", today, 0, 0,
                            case.owner))
    answers = session.execute(select(InboxItem, Case).join(Case, Case.id == InboxItem.case_id).where(
        InboxItem.kind == "answer", Case.state == CaseState.AWAITING_IDENTITY.value)).all()
    for item, case in answers:
        pending = session.scalar(select(IdentityStep.id).where(IdentityStep.case_id == case.id,
                                                               IdentityStep.answered_at.is_(None)))
        if pending is not None:
            out.append(Reminder(case.id, case.reference, ANSWER_ARRIVED, f"answer {item.id}",
                                item.received_at.date(), 0, 0, case.owner))
    return out


def _compute(session: Session, today: date, leads: LeadTimes) -> list[Reminder]:
    # the request types too: each case's rights were read one query a case (1,900 queries at 10,000 cases)
    cases = session.execute(select(Case).where(Case.state.in_(LIVE_STATES))
                            .options(selectinload(Case.types), selectinload(Case.suspensions), *answer_loads())
                            ).scalars()
    out = [r for c in cases for r in reminders_for_case(c, today, leads)] + _mailbox_reminders(session, today)
    return sorted(out, key=_order)


def _acked(session: Session) -> set[tuple[int, str, str]]:
    return {(a.case_id, a.kind, a.situation) for a in session.execute(select(ReminderAck)).scalars()}


def current(ws: Workspace, due_soon_days: int | None = None, extension_days: int | None = None) -> list[Reminder]:
    """Every reminder true today, acknowledged or not (what ``megacase remind`` prints)."""
    leads = lead_times(ws)
    leads = LeadTimes(leads.due_soon if due_soon_days is None else due_soon_days,
                      leads.extension if extension_days is None else extension_days, leads.promise_days)
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
