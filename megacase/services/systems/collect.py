"""Recording what each system holds for the subject of a case: by connector, by export file, or by statement.

Each is one action: the system is asked (outside any transaction: the network
may be slow), then one transaction stores the finding, completes the case's
"search" step for that processor, and records the audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain.requests import CaseState
from megacase.domain.validation import require_text
from megacase.errors import InputError, MegaCaseError, NotFound, RuleViolation
from megacase import i18n
from megacase.i18n import N_, _
from megacase.services import roles
from megacase.services.case_lookup import load_case
from megacase.services.privacy.processors import find_in
import megacase.services.systems.connections as connections
import megacase.services.systems.findings as findings
import megacase.services.systems.imports as imports
from megacase.services.systems.catalogue import spec_for
from megacase.services.systems.connectors.base import SubjectRef
from megacase.services.systems.findings import Finding
from megacase.services.workspace import Workspace
from megacase.store.orm import Case, ChecklistItem, Processor
from megacase.store.systems_orm import SystemFinding


def subject_ref(case: Case, identifier: str | None = None) -> SubjectRef:
    s = case.subject
    if s.anonymised_at is not None or not s.email:
        raise RuleViolation(_("The subject was erased: there is nobody left to look for."))
    return SubjectRef(s.email, s.name, s.customer_number, (identifier or "").strip() or None)


def _open_case(session: Session, reference: str) -> Case:
    case = load_case(session, reference)
    if case.state == CaseState.CLOSED.value:
        raise RuleViolation(_("The case is closed: reopen it first."))
    return case


def _search_step(session: Session, case: Case, processor: Processor) -> ChecklistItem:
    item = session.scalar(select(ChecklistItem).where(ChecklistItem.case_id == case.id,
                                                      ChecklistItem.processor_id == processor.id,
                                                      ChecklistItem.action == "search"))
    if item is None:
        raise NotFound(_("Case {reference} has no step 'search {processor}' (only access and portability "
                         "requests search the systems).").format(
                           reference=case.reference, processor=processor.name))
    return item


def _record(ws: Workspace, reference: str, system: str, **kw) -> Finding:
    with ws.transaction() as session:
        case = _open_case(session, reference)
        processor = find_in(session, system)
        item = _search_step(session, case, processor)
        row = findings.store(session, ws, case, processor, kind=findings.SEARCH, **kw)
        # the checklist's search step is done: who, when, and what was found in words without personal data
        item.done_at, item.done_by = ws.now_naive(), ws.actor.name
        outcome, source = _(findings.OUTCOME_LABELS[row.outcome]), _(findings.SOURCE_LABELS[row.source])
        # Kept as a message: the window and the case file show it in their own language.
        item.note = i18n.to_record(_("{outcome} ({source}): {summary}").format(
            outcome=outcome, source=source, summary=kw["summary"]) if kw.get("summary") else
            _("{outcome} ({source})").format(outcome=outcome, source=source))
        return findings.view(session, row)


def _subject_for(ws: Workspace, reference: str, system: str, identifier: str | None = None):
    with ws.reading() as session:
        case = _open_case(session, reference)
        processor = find_in(session, system)
        _search_step(session, case, processor)
        return subject_ref(case, identifier), processor.name


def collect_connector(ws: Workspace, reference: str, system: str, *, sleep=None, connector=None) -> Finding:
    """Ask the system's API for everything it holds on the subject, and keep the answer.

    ``connector``: one built by the caller (the demo's, pointed at its loopback systems); else the configured one.
    """
    roles.require_officer(ws)
    subject, name = _subject_for(ws, reference, system)
    connector = connector or connections.build(ws, name, sleep=sleep)
    try:
        got = connector.collect(subject)
    finally:
        connector.http.close()
    outcome = findings.FOUND if got.found else findings.NOTHING_HELD
    return _record(ws, reference, name, source=findings.CONNECTOR, outcome=outcome, received=got.raw,
                   categories=got.categories, summary=got.summary, how=got.statement)


def import_file(ws: Workspace, reference: str, system: str, filename: str, data: bytes) -> Finding:
    """An export file saved from the system's admin: parsed where the format is known, kept as received."""
    roles.require_officer(ws)
    subject, name = _subject_for(ws, reference, system)
    parsed = imports.parse(Path(filename).name, data, subject.email, subject.name)
    outcome = findings.FOUND if (parsed.row_count or parsed.kept_file) else findings.NOTHING_HELD
    return _record(ws, reference, name, source=findings.FILE, outcome=outcome, received=data,
                   categories=parsed.categories, summary=parsed.summary(),
                   file=(Path(filename).name, parsed.mime_type, data))


def import_path(ws: Workspace, reference: str, system: str, path: str | Path) -> Finding:
    path = Path(path)
    try:
        if path.stat().st_size > imports.MAX_BYTES:
            raise InputError(_("{name} is larger than 25 MB: export only the subject's rows.").format(
                                 name=path.name))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(_("Cannot read {name}: {strerror}.").format(
                             name=path.name, strerror=exc.strerror)) from None
    return import_file(ws, reference, system, path.name, data)


def record_nothing_held(ws: Workspace, reference: str, system: str, how: str) -> Finding:
    """The system was searched and holds nothing on the subject; ``how`` says how it was searched."""
    roles.require_officer(ws)
    how = require_text(how, N_("How the system was searched"), 2000)
    _subject_for(ws, reference, system)
    return _record(ws, reference, system, source=findings.STATEMENT, outcome=findings.NOTHING_HELD,
                   received=how.encode("utf-8"), summary=_("searched, nothing held"), how=how)


@dataclass(frozen=True)
class CollectResult:
    system: str
    finding: Finding | None
    error: str | None


def collect_all(ws: Workspace, reference: str, *, sleep=None) -> list[CollectResult]:
    """Every system of the case's search steps that has a ready connector (the others say why not)."""
    with ws.reading() as session:
        case = load_case(session, reference)
        names = [i.processor.name for i in session.scalars(select(ChecklistItem).where(
            ChecklistItem.case_id == case.id, ChecklistItem.action == "search").order_by(ChecklistItem.id))]
    out = []
    for name in names:
        spec = spec_for(name)
        if spec is None or spec.connector is None:
            out.append(CollectResult(name, None, _("no connector: import its export file or record a statement")))
            continue
        try:
            out.append(CollectResult(name, collect_connector(ws, reference, name, sleep=sleep), None))
        except MegaCaseError as exc:
            out.append(CollectResult(name, None, str(exc)))
    return out


def case_findings(ws: Workspace, reference: str) -> list[Finding]:
    with ws.reading() as session:
        return findings.findings_in(session, load_case(session, reference))


def original_file(ws: Workspace, finding_id: int) -> tuple[str, str, bytes]:
    with ws.reading() as session:
        got = findings.original_file(session, finding_id)
        if got is None:
            raise NotFound(_("No file is kept with that finding (or the subject was erased)."))
        return got


@dataclass(frozen=True)
class CollectionStatus:
    searched: tuple[str, ...]        # systems with a search finding
    pending: tuple[str, ...]         # search steps without one
    with_data: tuple[str, ...]       # systems where something was found

    @property
    def complete(self) -> bool:
        return not self.pending


def collection_status(session: Session, case: Case) -> CollectionStatus:
    steps = [i.processor.name for i in session.scalars(select(ChecklistItem).where(
        ChecklistItem.case_id == case.id, ChecklistItem.action == "search").order_by(ChecklistItem.id))]
    rows = session.execute(select(Processor.name, SystemFinding.outcome).join(
        Processor, Processor.id == SystemFinding.processor_id).where(
        SystemFinding.case_id == case.id, SystemFinding.kind == findings.SEARCH)).all()
    searched = {n for n, _outcome in rows}
    found = {n for n, o in rows if o == findings.FOUND}
    return CollectionStatus(tuple(n for n in steps if n in searched), tuple(n for n in steps if n not in searched),
                            tuple(n for n in steps if n in found))


def has_collected_data(session: Session, case: Case) -> bool:
    """For the letters' guard: the access reply can carry the subject's data (something was found somewhere)."""
    return bool(collection_status(session, case).with_data)


def nothing_held_anywhere(session: Session, case: Case) -> bool:
    """For the letters' guard: every system was searched and none holds anything (a no-data reply)."""
    status = collection_status(session, case)
    return status.complete and bool(status.searched) and not status.with_data
