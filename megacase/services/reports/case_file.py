"""The regulator's case file: one case, everything that happened, as a PDF that can be checked later.

Plain data in (``queries.get_case`` and ``audit.verify``), a PDF out. The PDF
prints the result of verifying the whole audit chain at export time, with the
sequence number and hash of the last event of the chain and of the case's last
event; ``case_file_check`` reads them back and compares them with the register.
Saving a case file is itself an audit event (``case.exported``), in its own
transaction, holding no personal data. The layout lives in ``case_file_pdf``;
the shared house style in ``pdf_style``.

The file is written in the case's language (the subject's correspondence language)
unless the officer chooses French, Dutch or English at export (``language``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from megacase.domain.letter_types import LETTER_TYPES, outcome_letter_ids, title_of
from megacase.errors import InputError
from megacase.i18n import LANGUAGES, _, english
from megacase.services.cases import queries
from megacase.services.integrity import audit
from megacase.services.records import CaseDetail, LetterInfo
from megacase.services.workspace import TZ, Workspace
from megacase.store import private
from megacase.store.orm import AuditEvent

# Letters that carry the final answer to the subject (the others acknowledge, ask, extend or notify),
# and the letters' names: both from the letter-type registry.
REPLY_TEMPLATES = outcome_letter_ids()
TEMPLATE_LABELS = {t.id: t.title for t in LETTER_TYPES}


def template_label(template_id: str) -> str:
    return title_of(template_id)


@dataclass(frozen=True)
class EventRef:
    seq: int
    hash: str


@dataclass(frozen=True)
class Integrity:
    """The audit chain as verified at export time."""

    ok: bool
    problem: str
    broken_seq: int | None
    verified_events: int          # events whose links hold (all of them when ok)
    total_events: int             # events stored in the register
    chain_head: EventRef | None   # last verified event of the whole chain
    case_events: int
    case_last: EventRef | None    # last event of this case
    state_ok: bool = True         # the case's rows (case, subject, letters) equal what their events say
    state_findings: tuple[str, ...] = ()
    register_state_differences: int = 0   # rows of the whole register that differ from their events


@dataclass(frozen=True)
class ReplyTiming:
    """When the final reply went out against the applicable due date."""

    reply_on: date | None
    reply_source: str             # "letter" (a sent reply letter), "decision" or "" when not replied
    due: date
    days: int                     # >0: late by / overdue by; <=0: days to spare

    @property
    def replied(self) -> bool:
        return self.reply_on is not None

    @property
    def on_time(self) -> bool:
        return self.days <= 0


@dataclass(frozen=True)
class CaseFile:
    """Everything the PDF prints; plain data."""

    detail: CaseDetail
    integrity: Integrity
    timing: ReplyTiming
    extension_notice_on: date | None
    exported_at: datetime          # Brussels time
    exported_by: str
    exported_role: str
    systems: object = None         # reports.case_file_systems.SystemsRecord: findings, receipts, packages
    attachments: tuple = ()        # attachments.AttachmentInfo, listed under the letter they went with
    language: str = "en"           # the language the file is written in (fr, nl, en)


@dataclass(frozen=True)
class RenderedCaseFile:
    reference: str
    case_id: int
    subject_id: int
    pdf: bytes
    integrity: Integrity
    exported_at: datetime
    language: str = "en"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@dataclass(frozen=True)
class ExportResult:
    reference: str
    path: Path
    sha256: str
    chain_ok: bool
    events: int
    language: str = "en"


def _sent_letters(detail: CaseDetail) -> list[LetterInfo]:
    return [letter for letter in detail.letters if letter.sent_at is not None]


def reply_timing(detail: CaseDetail, today: date) -> ReplyTiming:
    """Measured to the letter that answered the last right (domain.answers), never to the decision."""
    due = detail.deadline.due
    answered = detail.summary.answered_at
    if answered is not None:
        reply = answered.date()
        return ReplyTiming(reply, "letter", due, (reply - due).days)
    if detail.summary.decided_not_sent:
        return ReplyTiming(None, "decided_not_sent", due, (today - due).days)
    return ReplyTiming(None, "", due, (today - due).days)


def extension_notice_date(detail: CaseDetail) -> date | None:
    if detail.extension_notice_on:
        return detail.extension_notice_on
    sent = [l.sent_at.date() for l in _sent_letters(detail) if l.template_id == "extension"]
    return min(sent) if sent else None


def _integrity(ws: Workspace, detail: CaseDetail) -> Integrity:
    report = audit.verify(ws)
    own = (f"case {detail.reference}:", f"subject {detail.subject.reference}:",
           *(f"letter {l.id}:" for l in detail.letters))
    state_findings = tuple(f for f in report.state_differences if english(f).startswith(own))
    chain_problem = next((f for f in report.findings if f not in report.state_differences), "")
    with ws.reading() as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        head = None
        if report.count:
            seq = session.scalar(select(AuditEvent.seq).where(AuditEvent.hash == report.head))
            head = EventRef(seq, report.head) if seq is not None else None
    last = detail.timeline[-1] if detail.timeline else None
    return Integrity(report.chain_ok, chain_problem, report.broken_seq, report.count, total, head,
                     len(detail.timeline), EventRef(last.seq, last.hash) if last else None,
                     not state_findings, state_findings, len(report.state_differences))


def file_language(detail: CaseDetail, language: str | None = None) -> str:
    """The language chosen at export, else the case's (the subject's correspondence language)."""
    if language:
        code = language.strip().lower()
        if code not in LANGUAGES:
            raise InputError(_("Unknown case file language '{language}': use one of {languages}.").format(
                language=language, languages=", ".join(LANGUAGES)))
        return code
    return detail.subject.language if detail.subject.language in LANGUAGES else "en"


def collect(ws: Workspace, reference: str, language: str | None = None) -> CaseFile:
    detail = queries.get_case(ws, reference)
    language = file_language(detail, language)
    # Verify after reading the case: every event the file prints is covered by the verification.
    integrity = _integrity(ws, detail)
    from megacase.services.letters.attachments import list_attachments
    from megacase.services.reports.case_file_systems import systems_record
    return CaseFile(detail, integrity, reply_timing(detail, ws.today()), extension_notice_date(detail),
                    ws.now().astimezone(TZ), ws.actor.name, ws.actor.role, systems=systems_record(ws, reference),
                    attachments=tuple(list_attachments(ws, reference)), language=language)


def render_case_file(ws: Workspace, reference: str, language: str | None = None) -> RenderedCaseFile:
    """The case file's PDF, in memory; nothing is written or recorded (e.g. for a preview).

    ``language``: fr, nl or en; None writes it in the case's language."""
    from megacase.services.reports.case_file_pdf import render
    cf = collect(ws, reference, language)
    d = cf.detail
    return RenderedCaseFile(d.reference, d.id, d.subject.id, render(cf), cf.integrity, cf.exported_at, cf.language)


def _write_atomically(path: Path, data: bytes) -> Path:
    """Write beside the target, then let the caller rename: a failed export leaves no half file.

    mkstemp makes the file 0600 (a case file holds personal data); a folder made here is 0700.
    """
    if not path.parent.exists():
        private.private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=".megacase-", suffix=".part", dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(tmp)


def save_case_file(ws: Workspace, rendered: RenderedCaseFile, out: str | os.PathLike) -> ExportResult:
    """Write a rendered case file and record the export in the audit trail (one transaction)."""
    path = Path(out)
    if path.is_dir():
        raise InputError(_("{path} is a folder: give the name of the PDF file to write.").format(path=path))
    try:
        tmp = _write_atomically(path, rendered.pdf)
    except OSError as exc:
        raise InputError(_("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)) from None
    try:
        with ws.transaction() as session:
            audit.record(session, ws, "case.exported", case_id=rendered.case_id, subject_id=rendered.subject_id,
                         details={"reference": rendered.reference, "events": rendered.integrity.case_events,
                                  "chain_ok": rendered.integrity.ok,
                                  "chain_head_seq": rendered.integrity.chain_head.seq
                                  if rendered.integrity.chain_head else None,
                                  "language": rendered.language, "sha256": rendered.sha256})
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportResult(rendered.reference, path, rendered.sha256, rendered.integrity.ok,
                        rendered.integrity.case_events, rendered.language)


def export_case(ws: Workspace, reference: str, out: str | os.PathLike, language: str | None = None) -> ExportResult:
    return save_case_file(ws, render_case_file(ws, reference, language), out)


INDEX_NAME = "index.csv"


def export_cases(ws: Workspace, references: list[str], folder: str | os.PathLike,
                 language: str | None = None, progress: Callable[[int, int], bool] | None = None
                 ) -> list[ExportResult]:
    """Several case files into one folder, with an index (CSV, UTF-8 with BOM; no personal data).

    Each file in ``language``, or each in its own case's language when None. ``progress(done, total)``
    is told before each file; when it returns False the export stops there: the files saved so far
    stay, each with its audit event, and the index lists them.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(_("{folder} is not a folder.").format(folder=folder))
    if not references:
        raise InputError(_("Choose at least one case to export."))
    results, rows = [], []
    for n, ref in enumerate(references):
        if progress is not None and not progress(n, len(references)):
            break
        detail_rendered = render_case_file(ws, ref, language)
        result = save_case_file(ws, detail_rendered, folder / f"{detail_rendered.reference}.pdf")
        s = queries.get_case(ws, ref).summary
        results.append(result)
        rows.append([result.reference, result.path.name, s.types_label, s.channel.label,
                     s.received_at.strftime("%Y-%m-%d %H:%M"), s.due.isoformat(), s.state.label,
                     s.outcome.label if s.outcome else "", result.events,
                     "intact" if result.chain_ok else "BROKEN", result.sha256])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Reference", "File", "Rights invoked", "Channel", "Received (Brussels)", "Due date", "State",
                     "Outcome", "Events", "Audit chain", "SHA-256 of the file"])
    writer.writerows(rows)
    private.write_private(folder / INDEX_NAME, buffer.getvalue().encode("utf-8-sig"))
    return results
