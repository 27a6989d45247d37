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
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.errors import NotFound, RuleViolation
from megacase.i18n import _
from megacase.services import subject_keys
from megacase.services.case_lookup import load_case
from megacase.services.records import OutgoingFile
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Attachment, Case
from megacase.store.subject_crypto import open_sealed, seal

PDF, JSON, CSV = "application/pdf", "application/json", "text/csv"


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
            raise NotFound(_("No attachment {attachment_id}.").format(attachment_id=attachment_id))
        key = subject_keys.key_of(session, session.get(Case, a.case_id).subject_id)
        name, data = (open_sealed(key, a.filename_enc, "attachment:filename"),
                      open_sealed(key, a.data_enc, "attachment:data"))
        if name is None or data is None:
            raise NotFound(_("The subject was erased: this file can no longer be read."))
        if hashlib.sha256(data).hexdigest() != a.sha256:
            raise RuleViolation(_("Attachment {attachment_id} does not match its hash.").format(
                                    attachment_id=attachment_id))
        return OutgoingFile(name.decode("utf-8"), a.mime_type, data)


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
