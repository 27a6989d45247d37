"""How dates, deadlines and events read in the window (presentation only; rules stay in services).

Dates go through ``megacase.i18n.format_date``: one date format per language in the window
(the medium date, with the weekday where a deadline is named; the short date in lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from megacase.i18n import N_, _, format_date, ngettext
from megacase.services.records import CaseDetail

ROLE_LABELS = {"officer": N_("officer"), "manager": N_("manager")}


def day(d: date | None) -> str:
    """'Mon 3 May 2027' · 'lun. 3 mai 2027' · 'ma 3 mei 2027'."""
    return f"{format_date(d, 'EEE')} {format_date(d)}" if d else ""


def short_day(d: date | None) -> str:
    """'03/05/2027' in English; the interface language's short date otherwise."""
    return format_date(d, "short") if d else ""


def moment(dt: datetime | None) -> str:
    return f"{format_date(dt, 'short')} {dt:%H:%M}" if dt else ""


def days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


@dataclass(frozen=True)
class BannerText:
    level: str        # overdue | due_soon | suspended | normal | done
    headline: str
    lines: tuple[str, ...]


def _done_headline(d: CaseDetail) -> str:
    s = d.summary
    closed = s.state.value == "closed"
    when = d.closed_at if closed else d.decided_at
    on = day(when.date()) if when else "—"
    if s.outcome:
        text = _("Closed ({outcome}) on {date}") if closed else _("Decided ({outcome}) on {date}")
        return text.format(outcome=_(s.outcome.label).lower(), date=on)
    return (_("Closed on {date}") if closed else _("Decided on {date}")).format(date=on)


def deadline_banner(d: CaseDetail, today: date) -> BannerText:
    """The deadline banner of a case: due date, days left, suspension, extension."""
    s, dl = d.summary, d.deadline
    level = s.urgency           # decided once, in domain.case_status
    lines: list[str] = []
    if level == "done":
        headline = _done_headline(d)
        lines.append(_("The reply was due {date}.").format(date=day(s.due)))
    elif level == "overdue":
        headline = _("Overdue by {days}: was due {date}").format(days=days(-s.days_left), date=day(s.due))
        if s.decided_not_sent:
            headline = _("Decided, reply not sent · overdue by {days}").format(days=days(-s.days_left))
    elif s.decided_not_sent:
        headline = _("Decided, reply not sent · due {date}").format(date=day(s.due))
    elif s.suspended:
        headline = _("Clock suspended · due {date} so far").format(date=day(s.due))
    elif s.days_left == 0:
        headline = _("Due today, {date}").format(date=day(s.due))
    else:
        headline = _("Due {date} · {days} left").format(date=day(s.due), days=days(s.days_left))
    if s.decided_not_sent:
        lines.append(_("The clock runs until every right's reply has left: send the reply letters."))
    if level != "done" and s.promise and s.promise < s.due and not s.extended:
        lines.append(_("The privacy policy promises a reply by {date} (30 days), before the legal due date: "
                       "reminders and the acknowledgement use the earlier date.").format(date=day(s.promise)))
    if s.suspended:
        open_ = [x for x in d.suspensions if x.ended_on is None]
        if open_:
            lines.append(_("Waiting for the subject since {date}. Each day the clock stands still moves the due "
                           "date one day later.").format(date=day(open_[-1].started_on)))
        else:
            lines.append(_("Waiting for the subject. Each day the clock stands still moves the due date one day "
                           "later."))
    elif dl.suspended_days and level != "done":
        lines.append(_("Clock resumed; it stood still for {days}, added to the due date.").format(
            days=days(dl.suspended_days)))
    if s.extended:
        reason = f" — {d.extension_reason.rstrip('.')}" if d.extension_reason else ""
        extended = (_("Extended on {date} to three months from receipt").format(date=short_day(d.extended_at.date()))
                    if d.extended_at else _("Extended to three months from receipt"))
        lines.append(f"{extended}{reason}.")
    elif level != "done":
        if s.extension_possible:
            lines.append(_("An extension notice can still be sent until {date} (end of the first month).").format(
                date=day(s.extension_last_day)))
        else:
            lines.append(_("The first month ended on {date}: the deadline can no longer be extended.").format(
                date=day(s.extension_last_day)))
    return BannerText(level, headline, tuple(lines))


def html_text(text: str | None) -> str:
    return escape(text or "").replace("\n", "<br>")


METHOD_LABELS = {
    "known_address": N_("Known e-mail address"),
    "additional_info": N_("Additional information"),
    "id_card": N_("Identity document"),
    "in_person": N_("Seen in person"),
    "clarification": N_("Clarification"),
    "no_doubt": N_("No reasonable doubt (reason given)"),
}

RESULT_LABELS = {"pending": N_("waiting for the answer"), "verified": N_("Verified"), "failed": N_("Not verified"),
                 "answered": N_("Answered")}


def _label(labels: dict[str, str], key: str) -> str:
    return _(labels[key]) if key in labels else key


def identity_step_html(step) -> str:
    """One verification step: what was asked, when, by whom; what came back and the result."""
    head = f"<b>{escape(_label(METHOD_LABELS, step.method))}</b>"
    result = f"<b>{_label(RESULT_LABELS, step.result)}</b>"
    if step.answered_at and step.asked_at == step.answered_at:   # checked on the spot, nothing asked
        out = [_("{method} — checked {moment} by {who}").format(
                   method=head, moment=moment(step.asked_at), who=escape(step.decided_by or step.asked_by)),
               f"{result}: {html_text(step.answer)}"]
        return "<br>".join(out)
    out = [_("{method} — asked {moment} by {who}").format(method=head, moment=moment(step.asked_at),
                                                          who=escape(step.asked_by)),
           f"“{html_text(step.asked)}”"]
    if step.reason:
        out.append("<i>" + _("Why proportionate:") + "</i> " + html_text(step.reason))
    if step.answered_at:
        out.append("→ " + _("{result} {moment} by {who}: {answer}").format(
            result=result, moment=moment(step.answered_at), who=escape(step.decided_by or ""),
            answer=html_text(step.answer)))
    else:
        out.append("→ <i>" + _("waiting for the answer; the clock is suspended") + "</i>")
    return "<br>".join(out)
