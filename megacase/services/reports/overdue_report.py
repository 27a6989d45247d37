"""The overdue report: overdue and at-risk cases as a PDF (for a meeting) and a CSV (for a spreadsheet).

Both carry the date of the report and the filter used, and list the same rows
as the manager's review (``review.items``). The CSV is UTF-8 with a byte-order
mark so that spreadsheet programs read the accents right.

Both speak the officer's interface language (the manager reads them with the officer). The PDF shows
dates in the interface's short format; the CSV keeps ISO dates (2027-05-10), which every spreadsheet
sorts and reads as dates whatever its own locale. The audit event stays in English.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import datetime
from reportlab.platypus import Flowable

from megacase import __version__, i18n
from megacase.i18n import LOCALES, N_, _, current, english, format_date
from megacase.services.integrity import audit
from megacase.services import pdf_style as ps
from megacase.services.review import review
from megacase.services.reports.report_files import check_targets, write_report
from megacase.services.review.review import OVERDUE, ReviewFilter, ReviewItem
from megacase.services.workspace import TZ, Workspace


@dataclass(frozen=True)
class OverdueReport:
    generated_at: datetime          # Brussels local time
    generated_by: str
    review_filter: ReviewFilter
    items: tuple[ReviewItem, ...]
    chain_head: str = ""            # the audit chain's head when the report was made (an outside witness)

    @property
    def overdue(self) -> list[ReviewItem]:
        return [i for i in self.items if i.status == OVERDUE]

    @property
    def at_risk(self) -> list[ReviewItem]:
        return [i for i in self.items if i.status != OVERDUE]

    @property
    def date_label(self) -> str:
        """For people: the interface's short date, then the time (10/05/2027 14:03 (Brussels time))."""
        return _("{date} {time} (Brussels time)").format(date=format_date(self.generated_at, "short"),
                                                         time=f"{self.generated_at:%H:%M}")

    @property
    def iso_date_label(self) -> str:
        """For a spreadsheet: 2027-05-10 14:03 (Brussels time)."""
        return _("{date} {time} (Brussels time)").format(date=self.generated_at.date().isoformat(),
                                                         time=f"{self.generated_at:%H:%M}")


def compute(ws: Workspace, review_filter: ReviewFilter | None = None) -> OverdueReport:
    f = review_filter or review.default_filter(ws)
    from megacase.services.integrity.verify import head_label
    return OverdueReport(ws.now().astimezone(TZ).replace(microsecond=0), ws.actor.name, f,
                         tuple(review.items(ws, f)), head_label(ws))


def _types(item: ReviewItem) -> str:
    return ", ".join(_(t.label) for t in item.summary.request_types)


def _flags(item: ReviewItem) -> str:
    s = item.summary
    flags = [_(s.state_label)]
    if s.suspended:
        flags.append(_("clock suspended"))
    if s.extended:
        flags.append(_("extended"))
    elif s.extension_possible:
        flags.append(_("extension possible until {date}").format(date=format_date(s.extension_last_day, "short")))
    return "; ".join(flags)


# English source texts, translated where the CSV is written (``csv_header()``).
# "Case state", not "State": in Dutch both "Status" (overdue or at risk) and "State" are "Status".
CSV_HEADER = [N_("Status"), N_("Reference"), N_("Subject"), N_("Requests"), N_("Case state"), N_("Owner"), N_("Received"),
              N_("Due date"), N_("Days late"), N_("Working days left"), N_("Waiting on"), N_("Extended"),
              N_("Extension notice possible until"), N_("Extension history")]
STATUS_LABELS = {OVERDUE: N_("overdue"), review.AT_RISK: N_("at risk")}


def csv_header() -> list[str]:
    """The CSV's column names in the interface language."""
    return [_(h) for h in CSV_HEADER]


def render_csv(report: OverdueReport, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    w.writerow([_("Report"), _(TITLE)])
    w.writerow([_("Report date"), report.iso_date_label])
    w.writerow([_("Filter"), report.review_filter.describe()])
    w.writerow([_("Prepared by"), report.generated_by])
    w.writerow([])
    w.writerow(csv_header())
    for i in report.items:
        s = i.summary
        w.writerow([_(STATUS_LABELS[i.status]), s.reference, s.subject_name, _types(i),
                    _(s.state.label), s.owner or "", s.received_at.date().isoformat(), s.due.isoformat(),
                    i.days_late, i.working_days_left, " | ".join(i.waiting_on), _("yes") if s.extended else _("no"),
                    s.extension_last_day.isoformat() if s.extension_possible else "",
                    " | ".join(f"{_iso_day(e.at)} {e.what}" for e in i.extension_history)])
    return buffer.getvalue().encode("utf-8-sig")


def _iso_day(value) -> str:
    return value.strftime("%Y-%m-%d")


def _rows(items: list[ReviewItem]) -> list[list]:
    return [[i.reference,
             ps.p(f"{i.summary.subject_name}\n{_types(i)}", ps.CELL),
             i.summary.owner or "—",
             ps.p(f"{format_date(i.summary.due, 'short')}\n{i.lateness}",
                  ps.CELL_BOLD if i.status == OVERDUE else ps.CELL),
             ps.p(_flags(i), ps.CELL),
             ps.p("\n".join(i.waiting_on), ps.CELL)] for i in items]


TITLE = N_("Overdue and at-risk data subject requests")
WIDTHS = [0.17, 0.16, 0.12, 0.15, 0.14, 0.26]     # "DSR-2027-0004", "Attribué à", "Vervaldatum" unbroken
HEADER = [N_("Reference"), N_("Subject and requests"), N_("Owner"), N_("Due"), N_("State"), N_("Waiting on")]


def render_pdf(report: OverdueReport) -> bytes:
    with_history = [i for i in report.items if i.extension_history]
    controller = f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL})"
    header = [_(h) for h in HEADER]
    story: list[Flowable] = [
        *ps.title(_("Overdue and at-risk requests"),
                  _("{controller} · data subject requests under GDPR Art. 12(3)").format(controller=controller)),
        ps.fields([(_("Report date"), report.date_label), (_("Filter"), report.review_filter.describe()),
                   (_("Overdue"), str(len(report.overdue))), (_("At risk"), str(len(report.at_risk))),
                   (_("Prepared by"), report.generated_by),
                   (_("Audit chain head"), i18n.render(report.chain_head))],
                  label_width=0.22),
        ps.p(_("A case is overdue when its due date has passed and a right is not yet answered: a decision "
               "whose reply has not left ('decided, reply not sent') does not stop the clock. Due dates follow "
               "Art. 12(3) GDPR and Regulation 1182/71: one month from receipt (three when extended), moved by the "
               "days the clock was suspended, then to the next working day (weekends and Belgian public holidays). "
               "'Waiting on' is what holds the case up today."), ps.NOTE),
        *ps.h1(_("1. Overdue ({count})").format(count=len(report.overdue))),
        ps.table(header, _rows(report.overdue), WIDTHS, bold_cols=(0,), empty=_("No case is overdue.")),
    ]
    if report.review_filter.at_risk_working_days is not None:
        story += [*ps.h1(_("2. At risk ({count})").format(count=len(report.at_risk))),
                  ps.table(header, _rows(report.at_risk), WIDTHS, bold_cols=(0,),
                           empty=_("No other case falls due within the period."))]
    story += [*ps.h1(_("Extensions of the cases listed")),
              ps.table([_("Reference"), _("Date"), _("What happened")],
                       [[i.reference, format_date(e.at, "short"), e.what]
                        for i in with_history for e in i.extension_history],
                       [0.18, 0.14, 0.68], bold_cols=(0,), empty=_("None of these cases was extended."))]
    info = ps.DocInfo(
        title=_(TITLE),
        subject=report.review_filter.describe(),
        author=_("{controller}, prepared by {user}").format(controller=controller, user=report.generated_by),
        header_left=_("Overdue report {date}").format(date=format_date(report.generated_at, "short")),
        header_right=_("{controller} · confidential").format(controller=controller),
        footer_left=_("Report of {date} by {user} · MegaCase {version}").format(
            date=report.date_label, user=report.generated_by, version=__version__),
        keywords=_("GDPR; data subject requests; overdue; deadlines"),
        page_label=_("page {page} of {total}"),
        lang=LOCALES[current()].replace("_", "-"))
    return ps.build_pdf(story, info)


def export(ws: Workspace, pdf: str | os.PathLike | None = None, csv_path: str | os.PathLike | None = None,
           review_filter: ReviewFilter | None = None, delimiter: str = ",") -> OverdueReport:
    """Write the report as PDF and/or CSV; one audit event records the export (no personal data in it)."""
    check_targets(pdf, csv_path, delimiter)
    report = compute(ws, review_filter)
    formats = write_report(pdf, csv_path, lambda: render_pdf(report), lambda: render_csv(report, delimiter))
    with ws.transaction() as session:
        audit.record(session, ws, "report.overdue_exported", details={
            "filter": english(report.review_filter.describe()), "overdue": len(report.overdue),
            "at_risk": len(report.at_risk), "formats": formats})
    return report
