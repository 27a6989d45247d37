"""Data subjects: finding, registering and correcting them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from megacase.domain.requests import Language
from megacase.domain.validation import normalise_email, require_text
from megacase.errors import InputError, NotFound
from megacase.i18n import N_, _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.records import SubjectInfo
from megacase.services.workspace import Workspace
from megacase.store.orm import Subject


@dataclass(frozen=True)
class NewSubject:
    name: str
    email: str
    language: str = "fr"
    postal_address: str | None = None
    customer_number: str | None = None


def subject_info(s: Subject) -> SubjectInfo:
    return SubjectInfo(s.id, s.reference, s.name, s.email, s.postal_address, s.customer_number, s.language,
                       s.restricted_since, bool(s.processing_suspended), s.anonymised_at is not None)


def _language(value: str) -> str:
    try:
        return Language((value or "fr").strip().lower()).value
    except ValueError:
        raise InputError(_("Unknown language '{value}': use fr, nl or en.").format(value=value)) from None


def find_subjects(ws: Workspace, text: str, limit: int = 20) -> list[SubjectInfo]:
    """Subjects whose name, known e-mail address or customer number contains ``text``."""
    needle = (text or "").strip().lower()
    if not needle:
        return []
    like = f"%{needle}%"
    with ws.reading() as session:
        rows = session.execute(
            select(Subject).where(Subject.anonymised_at.is_(None)).where(or_(
                func.lower(Subject.name).like(like), func.lower(Subject.email).like(like),
                func.lower(Subject.customer_number).like(like),
            )).order_by(Subject.name).limit(limit)
        ).scalars()
        return [subject_info(s) for s in rows]


def create_subject_in(session: Session, ws: Workspace, new: NewSubject) -> Subject:
    name = require_text(new.name, N_("The subject's name"), 200)
    email = normalise_email(new.email)
    taken = session.scalar(select(Subject).where(func.lower(Subject.email) == email.lower(),
                                                 Subject.anonymised_at.is_(None)))
    if taken is not None:
        raise InputError(_("The address {email} already belongs to subject {reference}: choose that subject.").format(
                             email=email, reference=taken.reference))
    number = (new.customer_number or "").strip() or None
    subject = Subject(reference="pending", name=name, email=email,
                      postal_address=(new.postal_address or "").strip() or None,
                      customer_number=number, language=_language(new.language),
                      created_at=ws.now_naive(), processing_suspended=False)
    session.add(subject)
    session.flush()
    subject.reference = f"S-{subject.id:05d}"
    audit.record(session, ws, "subject.created", subject_id=subject.id,
                 details={"subject": subject.reference, "language": subject.language},
                 personal={"name": name, "email": email})
    return subject


def create_subject(ws: Workspace, new: NewSubject) -> SubjectInfo:
    roles.require_officer(ws)
    with ws.transaction() as session:
        return subject_info(create_subject_in(session, ws, new))
