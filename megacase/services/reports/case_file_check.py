"""Check a printed case file against the register: are the events it shows still there, unchanged?

The case file's integrity section prints the sequence number and hash of the
last event of the whole chain and of the case's last event at export time. The
check re-verifies the whole chain now, and requires the register's events with
those numbers to carry exactly the printed hashes (and the second to belong to
the case). Any edit, removal or reordering of an event up to those points
breaks the chain or changes those hashes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from megacase.services.integrity.verify import IntegrityReport
from megacase.errors import InputError
from megacase.services.cases import queries
from megacase.services.integrity import audit
from megacase.i18n import LANGUAGES, N_, _, for_language, ngettext
from megacase.services.reports.case_file_pdf import (BROKEN, CASE_LAST_LABEL, CHAIN_HEAD_LABEL, INTACT, RESULT_LABEL,
                                                     SECTIONS, TITLE)
from megacase.services.workspace import Workspace
from megacase.store.orm import AuditEvent


@dataclass(frozen=True)
class PrintedIntegrity:
    reference: str | None
    chain_ok: bool | None
    chain_head: tuple[int, str] | None
    case_last: tuple[int, str] | None


@dataclass
class CaseFileCheck:
    reference: str
    chain: IntegrityReport
    case_events: int
    printed: PrintedIntegrity | None = None
    findings: list[str] = field(default_factory=list)   # what does not hold; empty when all is well
    notes: list[str] = field(default_factory=list)      # what holds, for the report

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.findings


def _phrase(message: str) -> str:
    """A pattern matching ``message`` in any of the case file's languages, wherever the text wraps."""
    words = sorted({for_language(code)._(message) for code in LANGUAGES}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in words) + ")"


def _event_after(label: str, text: str) -> tuple[int, str] | None:
    # 'event #12' / 'événement #12' / 'gebeurtenis #12', then the hash on its own line
    m = re.search(_phrase(label) + r"\s*[^\W\d_]*\s*#\s*(\d+)\s*([0-9a-f]{64})", text)
    return (int(m.group(1)), m.group(2)) if m else None


def parse_printed(text: str) -> PrintedIntegrity:
    """The integrity values printed in a case file's text (as extracted from the PDF), in any of its languages."""
    titles = {for_language(code)._(TITLE).split("{reference}")[0].strip() for code in LANGUAGES}
    ref = re.search("(?:" + "|".join(r"\s+".join(map(re.escape, x.split())) for x in titles) + r")\s*(DSR-\d{4}-\d+)",
                    text)
    intact, broken = _phrase(INTACT), _phrase(BROKEN)
    result = re.search(_phrase(RESULT_LABEL) + rf"\s*(?:(?P<intact>{intact})|{broken})(?!\w)", text)
    return PrintedIntegrity(ref.group(1) if ref else None,
                            None if result is None else result.group("intact") is not None,
                            _event_after(CHAIN_HEAD_LABEL, text), _event_after(CASE_LAST_LABEL, text))


def read_pdf_text(path: str | os.PathLike) -> str:
    """The text of a case file, from its last pages backwards until the integrity section is found."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(str(path))
        pages = reader.pages
        collected: list[str] = []
        last_section = re.compile(_phrase(SECTIONS[-1]))
        for page in reversed(pages):
            collected.insert(0, page.extract_text() or "")
            if last_section.search(collected[0]):
                break
    except FileNotFoundError:
        raise InputError(_("No file {path}.").format(path=path)) from None
    except (OSError, PdfReadError, ValueError) as exc:
        raise InputError(_("{path} is not a readable PDF ({reason}).").format(path=path, reason=exc)) from None
    return "\n".join(collected)   # every page's header names the case


def _hash_of(ws: Workspace, seq: int) -> tuple[str, int | None] | None:
    with ws.reading() as session:
        row = session.execute(select(AuditEvent.hash, AuditEvent.case_id).where(AuditEvent.seq == seq)).first()
        return (row.hash, row.case_id) if row else None


CHAIN_HEAD, CASE_LAST = "chain", "case"
# Whole sentences for each of the two printed hashes, so that each language builds its own.
PRINTED_HASH_SENTENCES = {
    CHAIN_HEAD: {
        "gone": N_("The last event of the chain printed in {name} (event {seq}) is no longer in the register."),
        "differs": N_("The last event of the chain printed in {name} (event {seq}) does not match the register: "
                      "printed {printed}, register {stored}."),
        "matches": N_("The last event of the chain printed in {name} (event {seq}) matches the register."),
    },
    CASE_LAST: {
        "gone": N_("The last event of the case printed in {name} (event {seq}) is no longer in the register."),
        "differs": N_("The last event of the case printed in {name} (event {seq}) does not match the register: "
                      "printed {printed}, register {stored}."),
        "matches": N_("The last event of the case printed in {name} (event {seq}) matches the register."),
    },
}


def check_case(ws: Workspace, reference: str, pdf: str | os.PathLike | None = None) -> CaseFileCheck:
    """Verify the whole chain; with ``pdf``, also compare the case file's printed hashes with the register."""
    detail = queries.get_case(ws, reference)
    chain = audit.verify(ws)
    result = CaseFileCheck(detail.reference, chain, len(detail.timeline))
    if chain.ok:
        result.notes.append(_("Audit trail intact: {count} events, head {head}.").format(count=chain.count,
                                                                                       head=chain.head))
    else:
        result.findings.append(chain.summary_line() + ".")
    if pdf is None:
        return result
    printed = parse_printed(read_pdf_text(pdf))
    result.printed = printed
    name = Path(pdf).name
    if printed.reference != detail.reference:
        result.findings.append(
            _("{name} is not the case file of {reference} (it names {printed}).").format(
                name=name, reference=detail.reference, printed=printed.reference)
            if printed.reference else
            _("{name} is not the case file of {reference} (it names no case).").format(
                name=name, reference=detail.reference))
        return result
    if printed.chain_ok is False:
        result.findings.append(_("{name} itself records that the audit chain was broken when it was exported."
                                 ).format(name=name))
    if printed.chain_head is None or printed.case_last is None:
        result.findings.append(_("{name} does not show the hashes of its integrity section (not a complete case "
                                 "file, or it was altered).").format(name=name))
        return result
    case_id = detail.id
    for which, (seq, printed_hash) in ((CHAIN_HEAD, printed.chain_head), (CASE_LAST, printed.case_last)):
        stored = _hash_of(ws, seq)
        says = PRINTED_HASH_SENTENCES[which]
        if stored is None:
            result.findings.append(_(says["gone"]).format(name=name, seq=seq))
        elif stored[0] != printed_hash:
            result.findings.append(_(says["differs"]).format(name=name, seq=seq, printed=printed_hash,
                                                            stored=stored[0]))
        elif which == CASE_LAST and stored[1] != case_id:
            result.findings.append(_("Event {seq} printed in {name} does not belong to {reference}.").format(
                seq=seq, name=name, reference=detail.reference))
        else:
            result.notes.append(_(says["matches"]).format(name=name, seq=seq))
    if not result.findings:
        with ws.reading() as session:
            later = session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.case_id == case_id, AuditEvent.seq > printed.case_last[0])) or 0
        if later:
            result.notes.append(ngettext(
                "{n} event of {reference} was recorded after this case file was made (normally its export); it is "
                "not in the file.",
                "{n} events of {reference} were recorded after this case file was made (the first is normally its "
                "export); they are not in the file.", later).format(n=later, reference=detail.reference))
    return result
