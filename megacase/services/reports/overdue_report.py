"""The overdue report: overdue and at-risk cases as a PDF (for a meeting) and a CSV (for a spreadsheet).

Both carry the date of the report and the filter used, and list the same rows
as the manager's review (``review.items``). The CSV is UTF-8 with a byte-order
mark so that spreadsheet programs read the accents right.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import datetime
from reportlab.platypus import Flowable

from megacase import __version__
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
        return f"{self.generated_at:%Y-%m-%d %H:%M} (Brussels time)"


def compute(ws: Workspace, review_filter: ReviewFilter | None = None) -> OverdueReport:
    f = review_filter or review.default_filter(ws)
    from megacase.services.integrity.verify import head_label
    return OverdueReport(ws.now().astimezone(TZ).replace(microsecond=0), ws.actor.name, f,
                         tuple(review.items(ws, f)), head_label(ws))


def _types(item: ReviewItem) -> str:
    return ", ".join(t.label for t in item.summary.request_types)


def _flags(item: ReviewItem) -> str:
    s = item.summary
    flags = [s.state_label]
    if s.suspended:
        flags.append("clock suspended")
    if s.extended:
        flags.append("extended")
    elif s.extension_possible:
        flags.append(f"extension possible until {s.extension_last_day:%d/%m/%Y}")
    return "; ".join(flags)


CSV_HEADER = ["Status", "Reference", "Subject", "Requests", "State", "Owner", "Received", "Due date", "Days late",
              "Working days left", "Waiting on", "Extended", "Extension notice possible until", "Extension history"]


def render_csv(report: OverdueReport, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(["Report", "Overdue and at-risk data subject requests"])
    w.writerow(["Report date", report.date_label])
    w.writerow(["Filter", report.review_filter.describe()])
    w.writerow(["Prepared by", report.generated_by])
    w.writerow([])
    w.writerow(CSV_HEADER)
    for i in report.items:
        s = i.summary
        w.writerow(["overdue" if i.status == OVERDUE else "at risk", s.reference, s.subject_name, _types(i),
                    s.state.label, s.owner or "", s.received_at.date().isoformat(), s.due.isoformat(),
                    i.days_late, i.working_days_left, " | ".join(i.waiting_on), "yes" if s.extended else "no",
                    s.extension_last_day.isoformat() if s.extension_possible else "",
                    " | ".join(f"{_day(e.at)} {e.what}" for e in i.extension_history)])
    return buffer.getvalue().encode("utf-8-sig")


def _day(value) -> str:
    return value.strftime("%Y-%m-%d")


def _rows(items: list[ReviewItem]) -> list[list]:
    return [[i.reference,
             ps.p(f"{i.summary.subject_name}\n{_types(i)}", ps.CELL),
             i.summary.owner or "—",
             ps.p(f"{i.summary.due:%d/%m/%Y}\n{i.lateness}", ps.CELL_BOLD if i.status == OVERDUE else ps.CELL),
             ps.p(_flags(i), ps.CELL),
             ps.p("\n".join(i.waiting_on), ps.CELL)] for i in items]


WIDTHS = [0.17, 0.19, 0.08, 0.13, 0.15, 0.28]
HEADER = ["Reference", "Subject and requests", "Owner", "Due", "State", "Waiting on"]


def render_pdf(report: OverdueReport) -> bytes:
    with_history = [i for i in report.items if i.extension_history]
    story: list[Flowable] = [
        *ps.title("Overdue and at-risk requests",
                  f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL}) · data subject requests under GDPR Art. 12(3)"),
        ps.fields([("Report date", report.date_label), ("Filter", report.review_filter.describe()),
                   ("Overdue", str(len(report.overdue))), ("At risk", str(len(report.at_risk))),
                   ("Prepared by", report.generated_by), ("Audit chain head", report.chain_head)],
                  label_width=0.22),
        ps.p("A case is overdue when its due date has passed and a right is not yet answered: a decision "
             "whose reply has not left ('decided, reply not sent') does not stop the clock. Due dates follow "
             "Art. 12(3) GDPR and Regulation 1182/71: one month from receipt (three when extended), moved by the "
             "days the clock was suspended, then to the next working day (weekends and Belgian public holidays). "
             "'Waiting on' is what holds the case up today.", ps.NOTE),
        *ps.h1(f"1. Overdue ({len(report.overdue)})"),
        ps.table(HEADER, _rows(report.overdue), WIDTHS, bold_cols=(0,), empty="No case is overdue."),
    ]
    if report.review_filter.at_risk_working_days is not None:
        story += [*ps.h1(f"2. At risk ({len(report.at_risk)})"),
                  ps.table(HEADER, _rows(report.at_risk), WIDTHS, bold_cols=(0,),
                           empty="No other case falls due within the period.")]
    story += [*ps.h1("Extensions of the cases listed"),
              ps.table(["Reference", "Date", "What happened"],
                       [[i.reference, _day(e.at), e.what] for i in with_history for e in i.extension_history],
                       [0.18, 0.14, 0.68], bold_cols=(0,), empty="None of these cases was extended.")]
    info = ps.DocInfo(
        title="Overdue and at-risk data subject requests",
        subject=report.review_filter.describe(),
        author=f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL}), prepared by {report.generated_by}",
        header_left=f"Overdue report {report.generated_at:%Y-%m-%d}",
        footer_left=f"Report of {report.date_label} by {report.generated_by} · MegaCase {__version__}",
        keywords="GDPR; data subject requests; overdue; deadlines")
    return ps.build_pdf(story, info)


def export(ws: Workspace, pdf: str | os.PathLike | None = None, csv_path: str | os.PathLike | None = None,
           review_filter: ReviewFilter | None = None, delimiter: str = ",") -> OverdueReport:
    """Write the report as PDF and/or CSV; one audit event records the export (no personal data in it)."""
    check_targets(pdf, csv_path, delimiter)
    report = compute(ws, review_filter)
    formats = write_report(pdf, csv_path, lambda: render_pdf(report), lambda: render_csv(report, delimiter))
    with ws.transaction() as session:
        audit.record(session, ws, "report.overdue_exported", details={
            "filter": report.review_filter.describe(), "overdue": len(report.overdue),
            "at_risk": len(report.at_risk), "formats": formats})
    return report
