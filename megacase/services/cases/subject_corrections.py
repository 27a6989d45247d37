"""Correcting a subject: name and postal address by an officer; the known e-mail address only after a
verified identity step on a rectification case of that subject, with the old address told of the change.

The known address is where every letter goes ("uniquement à votre adresse électronique déjà connue"):
replacing it is a rectification (Art. 16) that must not let anyone redirect a person's mail. So it needs
a completed, successful identity verification by a strong method on that case (the same rule as sending
elsewhere), is audited with the old and the new address (sealed under the subject's key), and a letter to
the old address says that it was replaced.
"""

from __future__ import annotations

from sqlalchemy import func, select

from megacase.domain.requests import RequestType
from megacase.domain.validation import normalise_email, require_text
from megacase.errors import InputError, RuleViolation
from megacase.i18n import N_, _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.cases.cases import load_case
from megacase.services.records import SubjectInfo
from megacase.services.cases.subjects import subject_info
from megacase.services.workspace import Workspace
from megacase.store.orm import Subject

# The notice has its own letter type (resources/templates/*/address-change-notice.txt.j2): it answers no right,
# and is queued in the same transaction as the change, so the change never lands without it.
NOTICE_TEMPLATE = "address-change-notice"
NOTICE_REASON = "Telling the former known address that it was replaced (rectification of the e-mail address)."


def correct_details(ws: Workspace, subject_id: int, *, name: str | None = None,
                    postal_address: str | None = None) -> SubjectInfo:
    """An officer corrects the subject's name or postal address (audited with the old and new values, sealed)."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise InputError(_("No subject with id {subject_id}.").format(subject_id=subject_id))
        if subject.anonymised_at is not None:
            raise RuleViolation(_("This subject was erased: there is nothing left to correct."))
        new = {}
        if name is not None:
            new["name"] = require_text(name, N_("The subject's name"), 200)
        if postal_address is not None:
            new["postal_address"] = (postal_address or "").strip() or None
        changed = {k: v for k, v in new.items() if getattr(subject, k) != v}
        if not changed:
            return subject_info(subject)
        old = {k: getattr(subject, k) for k in changed}
        for k, v in changed.items():
            setattr(subject, k, v)
        audit.record(session, ws, "subject.corrected", subject_id=subject.id,
                     details={"subject": subject.reference, "fields": sorted(changed)},
                     personal={"old": old, "new": changed})
        return subject_info(subject)


def change_known_email(ws: Workspace, reference: str, new_email: str) -> SubjectInfo:
    """Replace the subject's known address on a rectification case with a verified identity; the old address
    gets a letter saying so (queued in the outbox, sent like any letter)."""
    from megacase.services.letters import letters, recipients
    roles.require_officer(ws)
    new_email = normalise_email(new_email)
    with ws.transaction() as session:
        case = load_case(session, reference)
        subject = case.subject
        if subject.anonymised_at is not None:
            raise RuleViolation(_("This subject was erased: there is nothing left to correct."))
        if RequestType.RECTIFICATION.value not in {t.request_type for t in case.types}:
            raise RuleViolation(_("The known e-mail address is changed on a rectification request of this "
                                  "subject: {reference} is not one.").format(reference=case.reference))
        step = recipients.verified_identity(session, case)
        if step is None:
            raise RuleViolation(_("Verify the subject's identity on this case first (additional information, "
                                  "an identity document or in person): the known address decides where every "
                                  "letter goes."))
        old = subject.email
        if old and old.lower() == new_email.lower():
            raise InputError(_("{new_email} is already the known address.").format(new_email=new_email))
        taken = session.scalar(select(Subject).where(func.lower(Subject.email) == new_email.lower(),
                                                     Subject.anonymised_at.is_(None), Subject.id != subject.id))
        if taken is not None:
            raise InputError(_("The address {new_email} already belongs to subject {reference}.").format(
                                 new_email=new_email, reference=taken.reference))
        subject.email = new_email
        audit.record(session, ws, "subject.email_changed", case_id=case.id, subject_id=subject.id,
                     details={"reference": case.reference, "subject": subject.reference, "identity_step": step.id,
                              "identity_method": step.method},
                     personal={"old": old, "new": new_email})
        session.flush()
        if old:      # the former address is told, through the outbox like any letter
            letters.queue_in(session, ws, reference, NOTICE_TEMPLATE, options=letters.LetterOptions(),
                             override=recipients.AddressOverride(old, NOTICE_REASON), internal=True)
        return subject_info(subject)
