"""Per system of a case, in words for the window: what was searched and found, what was erased or kept, and the
finding that proves it (one click away)."""

from __future__ import annotations

from dataclasses import dataclass

from megacase import i18n
from megacase.i18n import _
from megacase.services.case_lookup import load_case
from megacase.services.privacy.processor_steps import steps_in
import megacase.services.systems.findings as fs
from megacase.services.systems.catalogue import spec_for
from megacase.services.systems.package_texts import category
from megacase.services.systems.connections import system_state
from megacase.services.workspace import Workspace


@dataclass(frozen=True)
class SystemRow:
    system: str
    searches: bool                 # the case has a "search" step here
    acts: bool                     # the case has an "act" step here (erasure, objection…)
    searched: str                  # e.g. "Found (connector) 03/04 · 9 rows"; "" when not asked
    categories: str
    erasure: str                   # e.g. "Erased 06/04 · receipt 3fa4…", "Kept: Art. 17(3)(b)…", "To do"
    evidence_id: int | None        # the latest search finding
    receipt_id: int | None         # the latest erasure finding (receipt or dry run)
    connector_ready: bool
    legal_hold: str | None


def _when(f: fs.Finding) -> str:
    return f"{f.at:%d/%m %H:%M}"


def _search_text(f: fs.Finding | None, has_step: bool) -> str:
    if not has_step:
        return ""
    if f is None:
        return _("To search")
    rows = " · " + _("{count} rows").format(count=f.row_count) if f.row_count else \
        (" · " + _("file kept") if f.has_file else "")
    return f"{f.label_text} {_when(f)}{rows}"


def _erasure_text(receipt: fs.Finding | None, act) -> str:
    if act is None:
        return ""
    if receipt is not None and receipt.outcome == fs.DRY_RUN and not act.done:
        return f"{_(fs.OUTCOME_LABELS[fs.DRY_RUN])} {_when(receipt)}: {receipt.summary or ''}".strip()
    if receipt is not None and receipt.outcome == fs.KEPT:
        return f"{_(fs.OUTCOME_LABELS[fs.KEPT])} {_when(receipt)} · {receipt.ground}"
    if receipt is not None and receipt.outcome != fs.DRY_RUN:
        return f"{_(fs.OUTCOME_LABELS[receipt.outcome])} {_when(receipt)} · " \
            + _("receipt {sha256}…").format(sha256=receipt.sha256[:10])
    return act.label_text + (f" · {act.ground}" if act.ground else "") if act.done else _("To do")


def case_systems(ws: Workspace, reference: str) -> list[SystemRow]:
    with ws.reading() as session:
        case = load_case(session, reference)
        all_findings = fs.findings_in(session, case)
        steps = {r.processor: r for r in steps_in(session, case)}
        search_names = [i.processor.name for i in case.checklist if i.action == "search"]
        names = list(dict.fromkeys(
            [i.processor.name for i in sorted(case.checklist, key=lambda i: (i.processor_id, i.id))]))
    searches = fs.latest(all_findings, fs.SEARCH)
    receipts: dict[str, fs.Finding] = {}
    for f in all_findings:
        if f.kind == fs.ERASURE:
            receipts[f.processor] = f
    out = []
    for name in names:
        spec = spec_for(name)
        ready = False
        if spec is not None and spec.connector is not None:
            ready = system_state(ws, name).ready
        f = searches.get(name)
        row = steps.get(name)
        act = row.act if row is not None else None
        out.append(SystemRow(name, name in search_names, act is not None, _search_text(f, name in search_names),
                             ", ".join(category(c, i18n.current()) for c in f.category_names) if f else "",
                             _erasure_text(receipts.get(name), act),
                             f.id if f else None, receipts[name].id if name in receipts else None, ready,
                             spec.hold_ground if spec else None))
    return out


def finding(ws: Workspace, finding_id: int) -> fs.Finding:
    from megacase.errors import NotFound
    from megacase.store.systems_orm import SystemFinding
    with ws.reading() as session:
        row = session.get(SystemFinding, finding_id)
        if row is None:
            raise NotFound(_("No finding {finding_id}.").format(finding_id=finding_id))
        return fs.view(session, row)


def package_preview(ws: Workspace, reference: str) -> str:
    """One line for the compose window: what the access package will carry."""
    with ws.reading() as session:
        case = load_case(session, reference)
        found = fs.latest(fs.findings_in(session, case))
        order = [i.processor.name for i in sorted(case.checklist, key=lambda i: (i.processor_id, i.id))
                 if i.action == "search"]
    pending = [name for name in order if name not in found]
    ordered = sorted(found.values(), key=lambda f: f.processor_id)
    parts = [f"{f.processor}: {f.row_count} rows" if f.outcome == fs.FOUND and f.row_count
             else f"{f.processor}: {'file' if f.has_file else 'nothing held'}" for f in ordered]
    text = "; ".join(parts) or "no system searched yet"
    if pending:
        text += f". Not searched yet: {', '.join(pending)}"
    return text
