"""How dates, deadlines and events read in the window (presentation only; rules stay in services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from megacase.i18n import N_
from megacase.services.records import CaseDetail

ROLE_LABELS = {"officer": N_("officer"), "manager": N_("manager")}


def day(d: date | None) -> str:
    """'Mon 3 May 2027'."""
    return f"{d:%a} {d.day} {d:%b %Y}" if d else ""


def short_day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def moment(dt: datetime | None) -> str:
    return dt.strftime("%d/%m/%Y %H:%M") if dt else ""


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class BannerText:
    level: str        # overdue | due_soon | suspended | normal | done
    headline: str
    lines: tuple[str, ...]


def deadline_banner(d: CaseDetail, today: date) -> BannerText:
    """The deadline banner of a case: due date, days left, suspension, extension."""
    s, dl = d.summary, d.deadline
    level = s.urgency           # decided once, in domain.case_status
    lines: list[str] = []
    if level == "done":
        when = d.closed_at if s.state.value == "closed" else d.decided_at
        verb = "Closed" if s.state.value == "closed" else "Decided"
        outcome = f" ({s.outcome.label.lower()})" if s.outcome else ""
        headline = f"{verb}{outcome} on {day(when.date()) if when else '—'}"
        lines.append(f"The reply was due {day(s.due)}.")
    elif level == "overdue":
        headline = f"Overdue by {plural(-s.days_left, 'day')}: was due {day(s.due)}"
        if s.decided_not_sent:
            headline = f"Decided, reply not sent · overdue by {plural(-s.days_left, 'day')}"
    elif s.decided_not_sent:
        headline = f"Decided, reply not sent · due {day(s.due)}"
    elif s.suspended:
        headline = f"Clock suspended · due {day(s.due)} so far"
    elif s.days_left == 0:
        headline = f"Due today, {day(s.due)}"
    else:
        headline = f"Due {day(s.due)} · {plural(s.days_left, 'day')} left"
    if s.decided_not_sent:
        lines.append("The clock runs until every right's reply has left: send the reply letters.")
    if level != "done" and s.promise and s.promise < s.due and not s.extended:
        lines.append(f"The privacy policy promises a reply by {day(s.promise)} (30 days), before the legal "
                     "due date: reminders and the acknowledgement use the earlier date.")
    if s.suspended:
        open_ = [x for x in d.suspensions if x.ended_on is None]
        since = f" since {day(open_[-1].started_on)}" if open_ else ""
        lines.append(f"Waiting for the subject{since}. Each day the clock stands still moves the due date "
                     "one day later.")
    elif dl.suspended_days and level != "done":
        lines.append(f"Clock resumed; it stood still for {plural(dl.suspended_days, 'day')}, "
                     "added to the due date.")
    if s.extended:
        reason = f" — {d.extension_reason.rstrip('.')}" if d.extension_reason else ""
        when = f" on {short_day(d.extended_at.date())}" if d.extended_at else ""
        lines.append(f"Extended{when} to three months from receipt{reason}.")
    elif level != "done":
        if s.extension_possible:
            lines.append(f"An extension notice can still be sent until {day(s.extension_last_day)} "
                         "(end of the first month).")
        else:
            lines.append(f"The first month ended on {day(s.extension_last_day)}: "
                         "the deadline can no longer be extended.")
    return BannerText(level, headline, tuple(lines))


def html_text(text: str | None) -> str:
    return escape(text or "").replace("\n", "<br>")


METHOD_LABELS = {
    "known_address": "Known e-mail address",
    "additional_info": "Additional information",
    "id_card": "Identity document",
    "in_person": "Seen in person",
    "clarification": "Clarification",
    "no_doubt": "No reasonable doubt (reason given)",
}

RESULT_LABELS = {"pending": "waiting for the answer", "verified": "Verified", "failed": "Not verified",
                 "answered": "Answered"}


def identity_step_html(step) -> str:
    """One verification step: what was asked, when, by whom; what came back and the result."""
    head = f"<b>{escape(METHOD_LABELS.get(step.method, step.method))}</b>"
    if step.answered_at and step.asked_at == step.answered_at:   # checked on the spot, nothing asked
        out = [f"{head} — checked {moment(step.asked_at)} by {escape(step.decided_by or step.asked_by)}",
               f"<b>{RESULT_LABELS.get(step.result, step.result)}</b>: {html_text(step.answer)}"]
        return "<br>".join(out)
    out = [f"{head} — asked {moment(step.asked_at)} by {escape(step.asked_by)}", f"“{html_text(step.asked)}”"]
    if step.reason:
        out.append(f"<i>Why proportionate:</i> {html_text(step.reason)}")
    if step.answered_at:
        out.append(f"→ <b>{RESULT_LABELS.get(step.result, step.result)}</b> {moment(step.answered_at)} "
                   f"by {escape(step.decided_by or '')}: {html_text(step.answer)}")
    else:
        out.append("→ <i>waiting for the answer; the clock is suspended</i>")
    return "<br>".join(out)
