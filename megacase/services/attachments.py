"""Files that travel with letters or arrive with requests, always sealed under the subject's key.

- ``access_copy``: the access package's PDF (``systems.package``): the subject's data as
  every system held them, by category, with the Art. 15 information, in the subject's
  language, optionally protected by a password (AES-256) given by another channel;
- ``portability_files``: the portability ZIP of JSON and CSV per system
  (Art. 20: structured, commonly used, machine-readable; not PDF);
- ``store_attachment`` / ``list_attachments`` / ``attachment_data``: the sealed
  store behind letters and imported e-mails.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.errors import NotFound, RuleViolation
from megacase.services import subject_keys
from megacase.services.cases import load_case
from megacase.services.outbox import OutgoingFile
from megacase.services.workspace import Workspace, local_date, to_local
from megacase.store.orm import Attachment, Case, ChecklistItem, Letter
from megacase.store.subject_crypto import open_sealed, seal

PDF, JSON, CSV = "application/pdf", "application/json", "text/csv"
# Read aloud over the telephone: no 0/O, 1/I/L. 16 characters of 32 symbols: 80 bits.
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    kind: str                 # letter | inbound_eml | inbound_file
    filename: str
    mime_type: str
    size: int
    sha256: str
    letter_id: int | None
    created_at: datetime


# --- the sealed store ----------------------------------------------------------------------------------------

def store_attachment(session: Session, ws: Workspace, case: Case, f: OutgoingFile, *, kind: str,
                     letter_id: int | None = None) -> Attachment:
    key = subject_keys.ensure_key(session, case.subject_id)
    row = Attachment(case_id=case.id, letter_id=letter_id, kind=kind,
                     filename_enc=seal(key, f.filename.encode("utf-8"), "attachment:filename"),
                     mime_type=f.mime_type[:100], data_enc=seal(key, f.data, "attachment:data"),
                     sha256=hashlib.sha256(f.data).hexdigest(), created_at=ws.now_naive())
    session.add(row)
    session.flush()
    return row


def list_attachments(ws: Workspace, reference: str) -> list[AttachmentInfo]:
    with ws.reading() as session:
        case = load_case(session, reference)
        key = subject_keys.key_of(session, case.subject_id)
        rows = session.execute(select(Attachment).where(Attachment.case_id == case.id)
                               .order_by(Attachment.id)).scalars()
        out = []
        for a in rows:
            name = open_sealed(key, a.filename_enc, "attachment:filename")
            data = open_sealed(key, a.data_enc, "attachment:data")
            out.append(AttachmentInfo(a.id, a.kind, name.decode("utf-8") if name else "[erased]", a.mime_type,
                                      len(data) if data else 0, a.sha256, a.letter_id, to_local(a.created_at)))
        return out


def attachment_data(ws: Workspace, attachment_id: int) -> OutgoingFile:
    with ws.reading() as session:
        a = session.get(Attachment, attachment_id)
        if a is None:
            raise NotFound(f"No attachment {attachment_id}.")
        key = subject_keys.key_of(session, session.get(Case, a.case_id).subject_id)
        name, data = (open_sealed(key, a.filename_enc, "attachment:filename"),
                      open_sealed(key, a.data_enc, "attachment:data"))
        if name is None or data is None:
            raise NotFound("The subject was erased: this file can no longer be read.")
        if hashlib.sha256(data).hexdigest() != a.sha256:
            raise RuleViolation(f"Attachment {attachment_id} does not match its hash.")
        return OutgoingFile(name.decode("utf-8"), a.mime_type, data)


# --- what the register holds about the subject ---------------------------------------------------------------

def _record(session: Session, case: Case) -> dict:
    """The subject's personal data as the register records them (plain values, for every output format)."""
    subject = case.subject
    if subject.anonymised_at is not None or subject.name is None:
        raise RuleViolation("This subject was erased: there is nothing personal left to copy.")
    sid = subject.id
    requests = [{"reference": c.reference, "received_on": c.received_on.isoformat(), "channel": c.channel,
                 "request_types": [t.request_type for t in c.types], "state": c.state, "outcome": c.outcome,
                 "summary": c.summary} for c in sorted(subject.cases, key=lambda c: c.received_at)]
    steps = [{"asked": s.asked, "asked_on": local_date(s.asked_at).isoformat(), "answer": s.answer,
              "result": s.result} for s in case.identity_steps]
    searched = [{"processor": i.processor.name, "role": i.processor.role, "categories": i.processor.categories,
                 "found": i.note, "searched_on": local_date(i.done_at).isoformat() if i.done_at else None}
                for i in session.execute(select(ChecklistItem).where(ChecklistItem.case_id == case.id,
                                                                     ChecklistItem.action == "search")
                                         .order_by(ChecklistItem.id)).scalars()]
    letters = [{"sent_on": local_date(l.sent_at).isoformat(),
                "subject_line": subject_keys.open_text(session, sid, l.subject_enc, "letter:subject")}
               for l in session.execute(select(Letter).join(Case, Case.id == Letter.case_id)
                                        .where(Case.subject_id == sid, Letter.status == "sent")
                                        .order_by(Letter.id)).scalars()]
    return {
        "subject": {"name": subject.name, "email": subject.email, "postal_address": subject.postal_address,
                    "customer_number": subject.customer_number, "language": subject.language,
                    "restricted_since": subject.restricted_since.isoformat() if subject.restricted_since else None,
                    "processing_suspended": bool(subject.processing_suspended)},
        "requests": requests, "identity_checks": steps, "processors": searched, "letters": letters,
    }


def new_password() -> str:
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def protect_pdf(data: bytes, password: str) -> bytes:
    """AES-256 encryption (PDF 2.0, revision 6): the file opens only with the password."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(24), algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def access_copy(ws: Workspace, reference: str, protect: bool = False) -> tuple[OutgoingFile, str | None]:
    """The access package's PDF for an access reply (what every system held, by category, with the Art. 15
    information), and its password when protected (shown once, never stored)."""
    from megacase.services.systems.package import build_package
    package = build_package(ws, reference, protect=protect)
    return package.files[0], package.password


def portability_files(ws: Workspace, reference: str) -> tuple[OutgoingFile, ...]:
    """The portability package (Art. 20): a ZIP with, per system, the data as JSON and one CSV per category,
    and the register's own record of the subject and their requests."""
    from megacase.services.systems.package import build_package
    return build_package(ws, reference, pdf=False, portability=True).files
