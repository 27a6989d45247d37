"""The one verification of the register: the hash chain, the anchors outside the
database, and (``state``) the current rows against the events that set them.

Events are streamed in order (never all loaded at once); each anchor is compared
with the event of its number as the walk passes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from megacase.domain.audit_chain import GENESIS, chain_hash
from megacase.services.integrity import anchors as anchor_store
from megacase.services.workspace import TZ, Workspace
from megacase.store.orm import AuditEvent


@dataclass
class IntegrityReport:
    """What ``audit.verify`` returns. ``ok``, ``count``, ``head``, ``broken_seq`` and ``problem``
    keep the meaning they had for the chain alone; ``findings`` names every problem found."""
    ok: bool
    count: int
    head: str
    head_seq: int = 0
    broken_seq: int | None = None
    problem: str = ""
    findings: list[str] = field(default_factory=list)
    anchors_checked: int = 0
    newest_anchor: anchor_store.Anchor | None = None
    state_checked: int = 0          # rows compared with their events (0 when the state check did not run)
    state_ok: bool = True
    state_differences: list[str] = field(default_factory=list)

    @property
    def chain_ok(self) -> bool:
        return self.broken_seq is None and not self.findings_of_anchors

    @property
    def findings_of_anchors(self) -> list[str]:
        return [f for f in self.findings if "anchor" in f]

    def summary_line(self) -> str:
        if self.ok:
            extra = f"; {self.anchors_checked} anchors agree" if self.anchors_checked else "; no anchor found"
            state = f"; {self.state_checked} records equal their events" if self.state_checked else ""
            return f"Audit trail intact: {self.count} events, head {self.head}{extra}{state}"
        where = f" at event {self.broken_seq}" if self.broken_seq is not None else ""
        return f"Audit trail BROKEN{where}: {self.problem}"


def _when(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _event_body(row) -> dict:
    from megacase.services.audit import body_of   # the one definition of what is hashed
    return body_of(row)


def verify_chain_and_anchors(ws: Workspace, extra_files=()) -> IntegrityReport:
    found = anchor_store.read_all(ws.engine)
    for path in extra_files:
        more = anchor_store.read_file(path, source=path.name)
        found.anchors.extend(more.anchors)
        found.unreadable.extend(more.unreadable)
    by_seq: dict[int, list[anchor_store.Anchor]] = {}
    for a in found.anchors:
        by_seq.setdefault(a.seq, []).append(a)
    report = IntegrityReport(True, 0, GENESIS, newest_anchor=max(found.anchors, key=lambda a: a.seq, default=None))
    report.findings.extend(f"{u} (anchor ignored)" for u in found.unreadable)
    prev, last_seq = GENESIS, 0
    rewrites: list[tuple[int, anchor_store.Anchor]] = []
    with ws.reading() as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=500))
        for row in rows.scalars():
            if report.broken_seq is None:
                if row.prev_hash != prev:
                    report.broken_seq = row.seq
                    report.findings.append(f"event {row.seq} does not follow the previous event "
                                           "(a row was removed or reordered)")
                elif chain_hash(prev, _event_body(row)) != row.hash:
                    report.broken_seq = row.seq
                    report.findings.append(f"event {row.seq} was changed after it was recorded "
                                           "(its hash does not match)")
                else:
                    report.count += 1
                    report.head, report.head_seq = row.hash, row.seq
            for a in by_seq.pop(row.seq, ()):
                report.anchors_checked += 1
                if a.hash != row.hash:
                    rewrites.append((row.seq, a))
            prev, last_seq = row.hash, row.seq
            session.expunge(row)
    if rewrites:
        seq, a = rewrites[0]   # the earliest: every anchor after it disagrees as a consequence
        more = f"; {len(rewrites) - 1} later anchors disagree too" if len(rewrites) > 1 else ""
        report.findings.append(f"event {seq} is not the event an anchor of {_when(a.at)} saw ({a.source}): "
                               f"the chain was rewritten{more}")
    later = [a for seq_anchors in by_seq.values() for a in seq_anchors if a.seq > last_seq]
    if later:
        a = max(later, key=lambda x: x.seq)
        report.anchors_checked += len(later)
        report.findings.append(f"the register ends at event {last_seq}; an anchor of {_when(a.at)} saw "
                               f"event {a.seq} ({a.source}): events were removed")
    report.ok = not report.findings
    report.problem = report.findings[0] if report.findings else ""
    return report


def verify_with_files(ws: Workspace, anchor_files) -> IntegrityReport:
    """``verify``, also comparing with anchors kept elsewhere (a copy of the anchor file, a noted head)."""
    return verify(ws, extra_files=anchor_files)


def verify(ws: Workspace, with_state: bool = True, extra_files=()) -> IntegrityReport:
    report = verify_chain_and_anchors(ws, extra_files)
    if with_state:
        from megacase.services.integrity import state
        checked, differences = state.compare(ws)
        report.state_checked, report.state_differences = checked, differences
        report.state_ok = not differences
        report.findings.extend(differences)
    report.ok = not report.findings
    report.problem = report.findings[0] if report.findings else ""
    if len(report.findings) > 1:
        report.problem += f" (and {len(report.findings) - 1} more)"
    return report


def head_label(ws: Workspace) -> str:
    """The head as printed in reports, case files and the digest: a witness kept outside the register."""
    current = head(ws)
    return f"event {current[0]} {current[1]}" if current else "no event yet"


def head(ws: Workspace) -> tuple[int, str, str] | None:
    """The current head: (sequence number, hash, time of the event) or None for an empty register."""
    with ws.reading() as session:
        row = session.execute(select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at)
                              .order_by(AuditEvent.seq.desc()).limit(1)).first()
        return (row.seq, row.hash, row.at) if row else None
