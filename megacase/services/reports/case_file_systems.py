"""The systems part of the regulator's case file: what each system held (source, time, who, SHA-256 of what was
received), the erasure receipts, the access packages built (their SHA-256) and what was withheld under
Art. 15(4) with the reasons."""

from __future__ import annotations

from dataclasses import dataclass

from megacase.services import pdf_style as ps
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


def flowables(record: SystemsRecord | None) -> list:
    if record is None or record.empty:
        return []
    out = [*ps.h2("What each system held, and the erasure receipts"),
           ps.table(["When (by)", "System", "Step", "Outcome and source", "Rows, categories", "SHA-256 received"],
                    [[f"{f.at:%Y-%m-%d %H:%M} ({f.by})", f.processor, f.kind, f.label + (f"; {f.ground}"
                                                                                      if f.ground else ""),
                      f"{f.row_count}: {', '.join(f.category_names)}" if f.category_names else str(f.row_count),
                      f.sha256] for f in record.findings],
                    [0.15, 0.12, 0.08, 0.22, 0.17, 0.26], mono_cols=(5,), dense=True)]
    withheld = [(f, w) for f in record.findings for w in f.withheld]
    if withheld:
        out += [*ps.h2("Withheld from the access package (Art. 15(4))"),
                ps.table(["System", "Category, row, field", "Reason", "By"],
                         [[f.processor, f"{w.category}, row {w.row_index + 1}" + (f", {w.field}" if w.field else ""),
                           w.reason, f"{w.by}, {w.at:%Y-%m-%d}"] for f, w in withheld],
                         [0.16, 0.26, 0.4, 0.18], dense=True)]
    if record.packages:
        out += [*ps.h2("Access packages built"),
                ps.table(["When (UTC)", "By", "File", "Bytes", "SHA-256", "Protected"],
                         [[p.at, p.by, f["kind"].upper(), str(f["bytes"]), f["sha256"], "yes" if p.protected else "no"]
                          for p in record.packages for f in p.files],
                         [0.16, 0.1, 0.07, 0.09, 0.48, 0.1], mono_cols=(4,), dense=True)]
    return out
