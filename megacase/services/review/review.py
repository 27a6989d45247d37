"""The manager's review: overdue and at-risk cases, how late, who owns them, what they wait on.

Shared by the review view, ``megacase review`` and the overdue report, so the
three always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from megacase.domain import case_status
from megacase.domain.answers import DECIDED_NOT_SENT, LIVE_STATES
from megacase.domain.deadlines import working_days_between
from megacase.domain.references import reference_sort_key
from megacase.i18n import N_, _, format_date, ngettext
from megacase.services import settings
from megacase.services.cases import decisions
from megacase.services.review import approvals
from megacase.services.cases.queries import answer_loads, deadline_of, due_soon_lead, summary_of
from megacase.services.records import CaseSummary
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Approval, Case, ChecklistItem

OVERDUE, AT_RISK = "overdue", "at_risk"
METHOD_LABELS = {"additional_info": N_("additional information"), "id_card": N_("an identity document"),
                 "in_person": N_("a visit in person"), "clarification": N_("a clarification"),
                 "known_address": N_("the known address"), "no_doubt": N_("no reasonable doubt")}


@dataclass(frozen=True)
class ExtensionEvent:
    at: datetime | date
    what: str


@dataclass(frozen=True)
class ReviewItem:
    summary: CaseSummary
    status: str                         # overdue | at_risk
    days_late: int                      # calendar days past the due date (0 when not late)
    working_days_left: int              # negative: working days late
    waiting_on: tuple[str, ...]         # what holds the case up, most pressing first
    extension_history: tuple[ExtensionEvent, ...]
    one_month_due: date

    @property
    def reference(self) -> str:
        return self.summary.reference

    @property
    def lateness(self) -> str:
        if self.status == OVERDUE:
            return ngettext("{count} day late", "{count} days late", self.days_late).format(count=self.days_late)
        if self.working_days_left == 0:
            return _("due today")
        return ngettext("{count} working day left", "{count} working days left", self.working_days_left).format(
            count=self.working_days_left)


@dataclass(frozen=True)
class ReviewFilter:
    at_risk_working_days: int | None    # None: overdue cases only
    owner: str | None = None

    def describe(self) -> str:
        n = self.at_risk_working_days
        text = _("Overdue cases") if n is None else ngettext(
            "Overdue cases, and open cases due within {n} working day",
            "Overdue cases, and open cases due within {n} working days", n).format(n=n)
        if self.owner:
            text += "; " + _("owner {owner}").format(owner=self.owner)
        return text + " " + _("(working days: Belgian calendar)")


def default_filter(ws: Workspace) -> ReviewFilter:
    return ReviewFilter(settings.get(ws, settings.REMINDER_DUE_SOON_DAYS.key))


def _waiting_on(session, case: Case, today: date) -> list[str]:
    out = []
    open_step = next((s for s in reversed(case.identity_steps) if s.answered_at is None), None)
    if open_step is not None:
        asked = to_local(open_step.asked_at).date()
        what = METHOD_LABELS.get(open_step.method)
        out.append(ngettext("Subject: asked for {what} on {date} ({days} day ago)",
                            "Subject: asked for {what} on {date} ({days} days ago)", (today - asked).days).format(
            what=_(what) if what else open_step.method, date=format_date(asked, "short"), days=(today - asked).days))
    for kind in (approvals.REFUSAL, approvals.FEE, approvals.EXTENSION):
        latest = session.scalar(select(Approval).where(Approval.case_id == case.id, Approval.kind == kind)
                                .order_by(Approval.id.desc()).limit(1))
        if latest is None or not approvals.is_current(case, latest, today):
            continue
        label = _(approvals.KIND_LABELS[kind]).lower()
        if latest.status == approvals.PENDING:
            out.append(_("Approval: {kind} awaiting a manager since {date}").format(
                kind=label, date=format_date(to_local(latest.requested_at), "short")))
        elif latest.status == approvals.SENT_BACK:
            out.append(_("Officer: {kind} sent back by {manager}").format(kind=label, manager=latest.reviewed_by))
    open_items = [i for i in case.checklist if i.done_at is None]
    if open_items:
        names = list(dict.fromkeys(i.processor.name for i in open_items))
        at = ", ".join(names[:4])
        if len(names) > 4:
            at += " " + ngettext("and {n} more", "and {n} more", len(names) - 4).format(n=len(names) - 4)
        out.append(ngettext("Processors: {n} step open at {systems}", "Processors: {n} steps open at {systems}",
                            len(open_items)).format(n=len(open_items), systems=at))
    if case.state == "received":
        out.append(_("Officer: work not started"))
    elif case.state == "decided":
        rights = ", ".join(_(a.right.label).lower() for a in decisions.answers_for(case) if not a.answered)
        out.insert(0, _("Officer: {state} ({rights})").format(state=_(DECIDED_NOT_SENT), rights=rights))
    elif not out:
        out.append(_("Officer: decision and reply"))
    return out


def _extension_history(session, case: Case) -> list[ExtensionEvent]:
    out: list[ExtensionEvent] = []
    for a in session.execute(select(Approval).where(Approval.case_id == case.id, Approval.kind == approvals.EXTENSION)
                             .order_by(Approval.id)).scalars():
        out.append(ExtensionEvent(to_local(a.requested_at), _("Approval asked by {name}").format(name=a.requested_by)))
        if a.reviewed_at:
            said = (_("Approved by {name}") if a.status == approvals.APPROVED else _("Sent back by {name}"))
            out.append(ExtensionEvent(to_local(a.reviewed_at), said.format(name=a.reviewed_by)))
    if case.extended_at:
        out.append(ExtensionEvent(to_local(case.extended_at), _("Extended: {reason}").format(
            reason=case.extension_reason) if case.extension_reason else _("Deadline extended")))
    if case.extension_notice_on:
        out.append(ExtensionEvent(case.extension_notice_on, _("Extension notice sent to the subject")))
    return sorted(out, key=lambda e: e.at.date() if isinstance(e.at, datetime) else e.at)


def items(ws: Workspace, review_filter: ReviewFilter | None = None) -> list[ReviewItem]:
    """Overdue cases (most late first), then cases at risk (least time first)."""
    f = review_filter or default_filter(ws)
    today = ws.today()
    out = []
    with ws.reading() as session:
        lead = due_soon_lead(session)       # the cases' own colours; "at risk" below uses the filter's lead
        promise_days = settings.get_in(session, settings.PROMISE_DAYS.key)
        rows = session.execute(
            select(Case).where(Case.state.in_(LIVE_STATES))
            .options(selectinload(Case.types), selectinload(Case.suspensions), selectinload(Case.subject),
                     *answer_loads(),
                     selectinload(Case.identity_steps),
                     selectinload(Case.checklist).selectinload(ChecklistItem.processor))).scalars().all()
        for case in rows:
            if f.owner and (case.owner or "").lower() != f.owner.lower():
                continue
            if not decisions.is_live(case):
                continue          # decided and every reply left: answered
            summary = summary_of(case, today, lead, promise_days)
            d = deadline_of(case, today)
            left = case_status.working_days_left(d, today)
            if summary.overdue:
                status = OVERDUE
            # "At risk" is "due soon" (domain.case_status), with the lead time this review asks for.
            elif f.at_risk_working_days is not None and case_status.is_due_soon(
                    case.state, d, today, f.at_risk_working_days, summary.decided_not_sent, summary.promise):
                status = AT_RISK
            else:
                continue
            out.append(ReviewItem(summary, status, max(0, (today - d.due).days), left,
                                  tuple(_waiting_on(session, case, today)),
                                  tuple(_extension_history(session, case)), d.one_month_due))
    return sorted(out, key=lambda i: (i.status != OVERDUE, i.working_days_left, reference_sort_key(i.reference)))
