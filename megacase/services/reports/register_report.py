"""The register report for one year: what the authority asks for in a coordinated enforcement action.

All requests received in the calendar year (Brussels time), whatever became of
them: counts by right, outcome and channel; days to reply (receipt to decision,
calendar days, to the letter that answered the last right) with their median and maximum; the share of answered requests
decided within the one-month and three-month limits (suspensions added and the
working-day rule applied, as for the due date); extensions with their reasons;
refusals and partial refusals with their grounds. No personal data: requests are
named by reference only. A PDF (house style, ``pdf_style``) and a CSV (UTF-8
with a byte-order mark, so spreadsheets show accents) are produced; the export
is an audit event.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from megacase.domain.requests import Channel, Outcome, RequestType
from megacase.errors import InputError, MegaCaseError
from megacase import i18n
from megacase.i18n import N_, _
from megacase.services.reports.report_files import check_targets, write_report
from megacase.domain import answers as answer_rules
from megacase.services.cases import decisions
from megacase.services.integrity import audit
from megacase.services.cases.queries import answer_loads, deadline_of
from megacase.services.workspace import TZ, Workspace, local_date
from megacase.store.orm import Case

REFUSALS = (Outcome.REFUSED, Outcome.PARTLY_GRANTED, Outcome.FEE_REQUESTED)
# Labels are English source texts (the statistics and their tests speak English); the CSV translates them.
OPEN_LABEL = N_("Open (no decision yet)")
NOT_SENT, NOT_SENT_LABEL = "not_sent", N_("Open (decided, reply not sent)")   # "Open (" + DECIDED_NOT_SENT + ")"
NO_REASON, NO_GROUND = N_("(no reason recorded)"), N_("(no ground recorded)")


@dataclass(frozen=True)
class RequestRow:
    reference: str
    received_on: date
    types: str
    channel: str
    outcome: str
    decided_on: date | None
    days_to_reply: int | None
    extended: bool
    due: date
    on_time: bool | None            # None while undecided, or withdrawn


@dataclass
class RegisterStats:
    year: int
    generated_at: datetime          # Brussels time
    generated_by: str
    rows: list[RequestRow] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)
    by_outcome: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    within_one_month: int = 0
    within_three_months: int = 0
    on_time: int = 0
    late: int = 0
    extension_reasons: list[tuple[str, int]] = field(default_factory=list)
    refusal_grounds: list[tuple[str, str, int]] = field(default_factory=list)   # (outcome, ground, count)
    open_late: int = 0              # still open (undecided, or decided with a reply not sent) and past due
    chain_head: str = ""            # the audit chain's head when the report was made (an outside witness)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def answered(self) -> int:
        """Requests that got a decision, withdrawals excluded: the base of the reply-time figures."""
        return sum(1 for r in self.rows if r.days_to_reply is not None)

    @property
    def undecided(self) -> int:
        return sum(1 for r in self.rows if r.decided_on is None)

    @property
    def days(self) -> list[int]:
        return [r.days_to_reply for r in self.rows if r.days_to_reply is not None]

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def max_days(self) -> int | None:
        return max(self.days) if self.days else None

    @property
    def extensions(self) -> int:
        return sum(1 for r in self.rows if r.extended)

    @property
    def refusals(self) -> int:
        return sum(n for _code, _label, n in self.refusal_grounds)

    def share(self, count: int) -> float | None:
        """Percentage of the answered requests."""
        return 100.0 * count / self.answered if self.answered else None


def compute(ws: Workspace, year: int) -> RegisterStats:
    if not 2000 <= year <= 2100:
        raise InputError(_("{year} is not a plausible year.").format(year=year))
    today = ws.today()
    from megacase.services.integrity.verify import head_label
    stats = RegisterStats(year, ws.now().astimezone(TZ), ws.actor.name, chain_head=head_label(ws))
    types, outcomes, channels = Counter(), Counter(), Counter()
    reasons, grounds = Counter(), Counter()
    with ws.reading() as session:
        cases = session.execute(
            select(Case).options(selectinload(Case.types), selectinload(Case.suspensions), *answer_loads())
            .where(Case.received_on >= date(year, 1, 1), Case.received_on <= date(year, 12, 31))
            .order_by(Case.received_at)).scalars().all()
        for case in cases:
            d = deadline_of(case, today)
            case_types = [RequestType(t.request_type) for t in case.types]
            types.update(case_types)
            channels[Channel(case.channel)] += 1
            outcome = Outcome(case.outcome) if case.outcome and case.decided_at else None
            answers = decisions.answers_for(case)
            answered = answer_rules.all_answered(answers) and outcome is not None
            # Decided, but a reply has not left: still open (its clock runs), with its own label.
            outcomes[outcome if answered else (NOT_SENT if outcome else None)] += 1
            last_reply = answer_rules.answered_at(answers)
            decided_on = local_date(last_reply) if answered and last_reply else None
            # A withdrawn request got no reply: it is counted, but not in the reply times. Days to reply run to
            # the letter that answered the last right, not to the decision.
            replied = decided_on is not None and outcome is not Outcome.WITHDRAWN
            if outcome is Outcome.WITHDRAWN and answered:
                decided_on = local_date(case.decided_at)
            if not answered and d.is_overdue(today):
                stats.open_late += 1
            days = (decided_on - case.received_on).days if replied else None
            if replied:
                stats.within_one_month += int(decided_on <= d.one_month_due)
                stats.within_three_months += int(decided_on <= d.three_month_due)
                stats.on_time += int(decided_on <= d.due)
                stats.late += int(decided_on > d.due)
            if case.extended:
                reasons[(case.extension_reason or NO_REASON).strip()] += 1
            if outcome in REFUSALS:
                grounds[(outcome.label, (case.legal_ground or NO_GROUND).strip())] += 1
            stats.rows.append(RequestRow(
                case.reference, case.received_on, ", ".join(t.label for t in case_types),
                Channel(case.channel).label,
                (outcome.label if answered else NOT_SENT_LABEL) if outcome else OPEN_LABEL, decided_on, days,
                bool(case.extended), d.due, (decided_on <= d.due) if replied else None))
    stats.by_type = [(f"{t.label} ({t.article})", types[t]) for t in RequestType]
    stats.by_outcome = ([(o.label, outcomes[o]) for o in Outcome] + [(NOT_SENT_LABEL, outcomes[NOT_SENT])]
                        + [(OPEN_LABEL, outcomes[None])])
    stats.by_channel = [(c.label, channels[c]) for c in Channel]
    stats.extension_reasons = reasons.most_common()
    stats.refusal_grounds = [(o, g, n) for (o, g), n in sorted(grounds.items(), key=lambda kv: (-kv[1], kv[0]))]
    return stats


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _recorded(text: str) -> str:
    """An officer's own words as written; the placeholder for none in the interface language."""
    return _(text) if text in (NO_REASON, NO_GROUND) else text


def render_csv(s: RegisterStats, delimiter: str = ",") -> bytes:
    """Section, item, value, share of answered requests (%); UTF-8 with BOM; words in the interface language."""
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    w.writerow([_("Section"), _("Item"), _("Value"), _("Share of answered requests (%)")])

    def share(n):
        v = s.share(n)
        return "" if v is None else f"{v:.1f}"

    summary = _("Summary")
    w.writerow([summary, _("Year"), s.year, ""])
    w.writerow([summary, _("Audit chain head"), i18n.render(s.chain_head) if s.chain_head else "", ""])
    w.writerow([summary, _("Requests received"), s.total, ""])
    w.writerow([summary, _("Answered (withdrawals excluded)"), s.answered, ""])
    w.writerow([summary, _("Withdrawn"), s.total - s.answered - s.undecided, ""])
    w.writerow([summary, _("Still open"), s.undecided, ""])
    w.writerow([summary, _("Still open and already late"), s.open_late, ""])
    for right, (_label, n) in zip(RequestType, s.by_type):        # by_type lists every right in this order
        w.writerow([_("Requests by right"), f"{_(right.label)} ({right.article})", n, ""])
    for label, n in s.by_outcome:
        w.writerow([_("Requests by outcome"), _(label), n, ""])
    for label, n in s.by_channel:
        w.writerow([_("Requests by channel"), _(label), n, ""])
    days = _("Days to reply")
    w.writerow([days, _("Median"), _num(s.median_days).replace("—", ""), ""])
    w.writerow([days, _("Maximum"), _num(s.max_days).replace("—", ""), ""])
    timeliness = _("Timeliness")
    w.writerow([timeliness, _("Answered within one month"), s.within_one_month, share(s.within_one_month)])
    w.writerow([timeliness, _("Answered within three months"), s.within_three_months, share(s.within_three_months)])
    w.writerow([timeliness, _("Answered by the applicable due date"), s.on_time, share(s.on_time)])
    w.writerow([timeliness, _("Answered late"), s.late, share(s.late)])
    w.writerow([_("Extensions"), _("Deadlines extended"), s.extensions, ""])
    for reason, n in s.extension_reasons:
        w.writerow([_("Extension reasons"), _recorded(reason), n, ""])
    for outcome, ground, n in s.refusal_grounds:
        w.writerow([_("Refusal grounds ({outcome})").format(outcome=_(outcome).lower()), _recorded(ground), n, ""])
    return buffer.getvalue().encode("utf-8-sig")


class ExportCancelled(MegaCaseError):
    """The officer cancelled the export before anything was written."""


def export_register(ws: Workspace, year: int, pdf: str | os.PathLike | None = None,
                    csv_path: str | os.PathLike | None = None, delimiter: str = ",",
                    cancelled: Callable[[], bool] | None = None, language: str | None = None) -> RegisterStats:
    """Write the year's report as PDF and/or CSV; one audit event records the export.

    ``cancelled`` is asked between the steps (count, lay out, write): when it says so, nothing is written.
    ``language``: the PDF's language (fr, nl, en), the officer's interface language when None.
    """
    from megacase.services.reports.register_report_pdf import report_language, render_pdf
    language = report_language(language)
    check_targets(pdf, csv_path, delimiter)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled(_("The register report was cancelled: nothing was written."))
    stats = compute(ws, year)
    check()

    def make_pdf() -> bytes:
        data = render_pdf(stats, language)
        check()
        return data

    formats = write_report(pdf, csv_path, make_pdf, lambda: render_csv(stats, delimiter))
    with ws.transaction() as session:
        audit.record(session, ws, "register.exported", details={
            "year": year, "requests": stats.total, "formats": formats, **({"language": language} if pdf else {})})
    return stats
