"""Findings: what one system held for a case's subject, kept sealed under the subject's key.

Every finding is stored with one audit event whose clear part holds codes,
counts, category names and the SHA-256 of what was received; the officer's own
words (how a system was searched) go into the sealed part.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase import i18n
from megacase.i18n import N_, _
from megacase.services import subject_keys
from megacase.services.integrity import audit
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Case, Processor
from megacase.store.subject_crypto import open_sealed, seal
from megacase.store.systems_orm import PackageWithholding, SystemFinding

SEARCH, ERASURE = "search", "erasure"
CONNECTOR, FILE, STATEMENT = "connector", "file", "statement"
FOUND, NOTHING_HELD, ERASED, KEPT, TASK, DRY_RUN = "found", "nothing_held", "erased", "kept", "task", "dry_run"
OUTCOME_LABELS = {FOUND: N_("Found"), NOTHING_HELD: N_("Nothing held"), ERASED: N_("Erased"), KEPT: N_("Kept"),
                  TASK: N_("Officer's task"), DRY_RUN: N_("Dry run")}
SOURCE_LABELS = {CONNECTOR: N_("connector"), FILE: N_("export file"), STATEMENT: N_("statement")}
audit.EVENT_LABELS.update({
    "systems.search": "What a system holds recorded (connector, export file or statement)",
    "systems.erasure": "Erasure at a system (the system's answer kept as receipt)",
    "systems.dry_run": "Dry run of an erasure at a system",
    "systems.withheld": "Withheld from the access package (Art. 15(4))",
    "systems.package": "Access package built (SHA-256 of each file)",
})


@dataclass(frozen=True)
class Withholding:
    id: int
    category: str
    row_index: int
    field: str | None          # None: the whole row
    reason: str                # "[erased]" once the subject was erased
    by: str
    at: datetime


@dataclass(frozen=True)
class Finding:
    id: int
    processor: str
    processor_id: int
    kind: str                  # search | erasure
    source: str                # connector | file | statement
    outcome: str
    at: datetime               # Brussels
    by: str
    sha256: str
    row_count: int
    category_names: tuple[str, ...]
    ground: str | None
    readable: bool             # False once the subject's key was destroyed
    categories: dict[str, list[dict]] = field(default_factory=dict)
    summary: str | None = None
    how: str | None = None
    answer: dict | None = None
    actions: tuple[str, ...] = ()
    filename: str | None = None
    mime_type: str | None = None
    has_file: bool = False
    withheld: tuple[Withholding, ...] = ()

    @property
    def label(self) -> str:
        """English, as records and case files keep it; ``label_text`` is what the officer reads."""
        text = OUTCOME_LABELS[self.outcome]
        return f"{text} ({SOURCE_LABELS[self.source]})" if self.kind == SEARCH else text

    @property
    def label_text(self) -> str:
        text = _(OUTCOME_LABELS[self.outcome])
        return f"{text} ({_(SOURCE_LABELS[self.source])})" if self.kind == SEARCH else text

    def as_json(self) -> dict:
        return {"id": self.id, "system": self.processor, "kind": self.kind, "source": self.source,
                "outcome": self.outcome, "at": self.at.isoformat(timespec="seconds"), "by": self.by,
                "sha256": self.sha256, "rows": self.row_count, "categories": list(self.category_names),
                "ground": self.ground, "summary": self.summary, "filename": self.filename}


def store(session: Session, ws: Workspace, case: Case, processor: Processor, *, kind: str, source: str, outcome: str,
          received: bytes, categories: dict[str, list[dict]] | None = None, summary: str | None = None,
          how: str | None = None, answer: dict | None = None, actions: tuple[str, ...] = (),
          file: tuple[str, str, bytes] | None = None, ground: str | None = None) -> SystemFinding:
    """One finding and its audit event, inside the caller's transaction."""
    key = subject_keys.ensure_key(session, case.subject_id)
    categories = {c: rows for c, rows in (categories or {}).items() if rows}
    body = {"categories": categories, "summary": i18n.to_record(summary) if summary else None, "how": how,
            "answer": answer, "actions": list(actions)}
    row = SystemFinding(case_id=case.id, processor_id=processor.id, kind=kind, source=source, outcome=outcome,
                        recorded_at=ws.now_naive(), recorded_by=ws.actor.name,
                        sha256=hashlib.sha256(received).hexdigest(),
                        row_count=sum(len(r) for r in categories.values()),
                        categories=", ".join(categories) or None, ground=ground,
                        data_enc=seal(key, _json(body), "finding:data"))
    if file is not None:
        name, mime, data = file
        row.filename_enc = seal(key, name.encode("utf-8"), "finding:filename")
        row.file_enc = seal(key, data, "finding:file")
        row.mime_type = mime[:100]
    session.add(row)
    session.flush()
    audit.record(session, ws, f"systems.{kind}" if outcome != DRY_RUN else "systems.dry_run", case_id=case.id,
                 subject_id=case.subject_id,
                 details={"reference": case.reference, "processor": processor.name, "finding": row.id,
                          "source": source, "outcome": outcome, "sha256": row.sha256, "rows": row.row_count,
                          "categories": list(categories), "ground": ground},
                 personal={"how": how} if how else None)
    return row


def _json(value) -> bytes:
    import json
    return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")   # row order of fields kept


def _withholdings(session: Session, key: bytes | None, finding_id: int) -> tuple[Withholding, ...]:
    rows = session.scalars(select(PackageWithholding).where(PackageWithholding.finding_id == finding_id)
                           .order_by(PackageWithholding.id))
    out = []
    for w in rows:
        reason = open_sealed(key, w.reason_enc, "withholding:reason")
        out.append(Withholding(w.id, w.category, w.row_index, w.field,
                               reason.decode("utf-8") if reason is not None else "[erased]", w.created_by,
                               to_local(w.created_at)))
    return tuple(out)


def view(session: Session, row: SystemFinding, with_file: bool = False) -> Finding:
    import json
    case = session.get(Case, row.case_id)
    key = subject_keys.key_of(session, case.subject_id)
    data = open_sealed(key, row.data_enc, "finding:data")
    body = json.loads(data) if data is not None else {}
    name = open_sealed(key, row.filename_enc, "finding:filename") if row.filename_enc else None
    processor = session.get(Processor, row.processor_id)
    return Finding(row.id, processor.name, processor.id, row.kind, row.source, row.outcome, to_local(row.recorded_at),
                   row.recorded_by, row.sha256, row.row_count,
                   tuple(c.strip() for c in (row.categories or "").split(",") if c.strip()), row.ground,
                   data is not None, body.get("categories") or {}, i18n.from_record(body.get("summary")), body.get("how"),
                   body.get("answer"), tuple(body.get("actions") or ()),
                   name.decode("utf-8") if name else None, row.mime_type, row.file_enc is not None,
                   _withholdings(session, key, row.id))


def findings_in(session: Session, case: Case, kind: str | None = None) -> list[Finding]:
    query = select(SystemFinding).where(SystemFinding.case_id == case.id)
    if kind:
        query = query.where(SystemFinding.kind == kind)
    return [view(session, r) for r in session.scalars(query.order_by(SystemFinding.id))]


def latest(findings: list[Finding], kind: str = SEARCH) -> dict[str, Finding]:
    """The last finding of each system (a later collection replaces an earlier one in the package)."""
    out: dict[str, Finding] = {}
    for f in findings:
        if f.kind == kind and f.outcome != DRY_RUN:
            out[f.processor] = f
    return out


def original_file(session: Session, finding_id: int) -> tuple[str, str, bytes] | None:
    row = session.get(SystemFinding, finding_id)
    if row is None or row.file_enc is None:
        return None
    key = subject_keys.key_of(session, session.get(Case, row.case_id).subject_id)
    name = open_sealed(key, row.filename_enc, "finding:filename")
    data = open_sealed(key, row.file_enc, "finding:file")
    if name is None or data is None:
        return None
    return name.decode("utf-8"), row.mime_type or "application/octet-stream", data
