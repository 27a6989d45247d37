"""The systems part of the regulator's case file: what each system held (source, time, who, SHA-256 of what was
received), the erasure receipts, the access packages built (their SHA-256) and what was withheld under
Art. 15(4) with the reasons."""

from __future__ import annotations

from dataclasses import dataclass

from megacase.services import pdf_style as ps
from megacase.services.reports import case_file_words as w
from megacase.services.reports.audit_text import format_utc_stamp
from megacase.services.cases.cases import load_case
from megacase.services.systems import findings as fs
from megacase.services.systems.package import PackageRecord, packages_in
from megacase.services.workspace import Workspace


@dataclass(frozen=True)
class SystemsRecord:
    findings: tuple[fs.Finding, ...]
    packages: tuple[PackageRecord, ...]

    @property
    def empty(self) -> bool:
        return not self.findings and not self.packages


def systems_record(ws: Workspace, reference: str) -> SystemsRecord:
    with ws.reading() as session:
        case = load_case(session, reference)
        return SystemsRecord(tuple(fs.findings_in(session, case)), tuple(packages_in(session, case)))


def flowables(record: SystemsRecord | None, t) -> list:
    """The systems part in the case file's language (``t``: an ``i18n.Translator``)."""
    if record is None or record.empty:
        return []

    def when(at, by) -> str:
        return t._("{when} (by {user})").format(when=t.format_datetime(at, "medium"), user=by)

    def outcome(f) -> str:
        text = w.finding(t, f.outcome, f.source, f.kind)
        return f"{text}; {w.register(t, f.ground)}" if f.ground else text

    out = [*ps.h2(t._("What each system held, and the erasure receipts")),
           ps.table([t._("When (by)"), t._("System"), t._("Step"), t._("Outcome and source"),
                     t._("Rows, categories"), t._("SHA-256 received")],
                    [[when(f.at, f.by), f.processor, w.finding_kind(t, f.kind), outcome(f),
                      f"{f.row_count}: {', '.join(f.category_names)}" if f.category_names else str(f.row_count),
                      f.sha256] for f in record.findings],
                    [0.15, 0.12, 0.08, 0.22, 0.17, 0.26], mono_cols=(5,), dense=True)]
    withheld = [(f, x) for f in record.findings for x in f.withheld]
    if withheld:
        def where(x) -> str:
            place = t._("{category}, row {row}").format(category=x.category, row=x.row_index + 1)
            return f"{place}, {x.field}" if x.field else place
        out += [*ps.h2(t._("Withheld from the access package (Art. 15(4))")),
                ps.table([t._("System"), t._("Category, row, field"), t._("Reason"), t._("By")],
                         [[f.processor, where(x), x.reason, f"{x.by}, {t.format_date(x.at, 'medium')}"]
                          for f, x in withheld],
                         [0.16, 0.26, 0.4, 0.18], dense=True)]
    if record.packages:
        out += [*ps.h2(t._("Access packages built")),
                ps.table([t._("When (Brussels time)"), t._("By"), t._("File"), t._("Bytes"), "SHA-256", t._("Protected")],
                         [[format_utc_stamp(p.at, t), p.by, f["kind"].upper(), t.format_number(f["bytes"]), f["sha256"],
                           w.yes_no(t, p.protected)] for p in record.packages for f in p.files],
                         [0.16, 0.1, 0.07, 0.09, 0.48, 0.1], mono_cols=(4,), dense=True)]
    return out
