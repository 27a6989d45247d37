"""The known-address rule: who a letter may go to.

A letter is addressed by case. Its recipient is resolved here, never typed in:

- a letter to the subject goes to the subject's known e-mail address (the one
  on the subject record; privacy policy: "uniquement à votre adresse
  électronique déjà connue");
- another address is possible only through ``AddressOverride``, and only when
  the case holds a completed, successful identity verification by a method
  that proves more than control of the known mailbox (see ``verified_identity``);
  the override, its reason and the address (sealed) become an audit event;
- an override attempt that the rule refuses is itself recorded, in its own
  transaction, then refused with RuleViolation;
- the Art. 19 notice goes to a processor, at the e-mail contact recorded in the
  processor register: that address is not the subject's personal data and
  cannot be overridden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from megacase.domain.validation import normalise_email
from megacase.errors import InputError, RuleViolation
from megacase.i18n import _, english
from megacase.services.integrity import audit
from megacase.services.case_lookup import load_case
from megacase.services.letters.templates import PROCESSOR_TEMPLATES
from megacase.services.workspace import Workspace
from megacase.store.orm import Case, IdentityStep, Processor

KNOWN_ADDRESS, OVERRIDE, POST, PROCESSOR = "known_address", "override", "post", "processor"

# Methods that identify the person beyond "wrote from the known mailbox". Writing from the known
# address proves only control of that mailbox: it is exactly the channel an override leaves, so it
# cannot justify sending elsewhere (policy: "nous vous demanderons de vous identifier").
# A clarification is not an identity check at all.
STRONG_METHODS = ("additional_info", "id_card", "in_person")
MIN_REASON = 10
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class AddressOverride:
    """The officer's request to send a subject letter somewhere other than the known address.

    ``postal``: ``address`` is a postal address; the officer prints and posts the letter.
    """

    address: str
    reason: str
    postal: bool = False

    def checked_address(self) -> str:
        if not self.postal:
            return normalise_email(self.address)
        lines = [" ".join(line.split()) for line in (self.address or "").splitlines()]
        text = "\n".join(line for line in lines if line)
        if len(text) < 10 or len(text) > 500:
            raise InputError(_("Give the full postal address (street and number, postcode and town)."))
        return text


@dataclass(frozen=True)
class Recipient:
    address: str
    kind: str                         # known_address | override | processor
    display_name: str | None = None
    identity_step_id: int | None = None
    processor: str | None = None      # art19-notice: the processor's name
    reason: str | None = None         # override: the officer's reason


def verified_identity(session: Session, case: Case) -> IdentityStep | None:
    """The identity verification that allows another address, or None.

    It must be completed (answered), successful ('verified'), by a strong method,
    and not followed by a failed verification on the same case.
    """
    steps = session.execute(select(IdentityStep).where(IdentityStep.case_id == case.id,
                                                       IdentityStep.answered_at.is_not(None))
                            .order_by(IdentityStep.answered_at, IdentityStep.id)).scalars().all()
    good = None
    for step in steps:
        if step.result == "failed" and step.method != "clarification":
            good = None
        elif step.result == "verified" and step.method in STRONG_METHODS:
            good = step
    return good


def known_address(case: Case) -> str:
    subject = case.subject
    if subject.anonymised_at is not None or not subject.email:
        raise RuleViolation(_("This subject was erased: no letter can be sent to them any more."))
    return subject.email


def processor_by_name(session: Session, name: str | None) -> Processor:
    if not name or not name.strip():
        raise InputError(_("Choose the processor the Art. 19 notice goes to."))
    proc = session.scalar(select(Processor).where(func.lower(Processor.name) == name.strip().lower()))
    if proc is None:
        names = session.execute(select(Processor.name).order_by(Processor.id)).scalars()
        raise InputError(_("No processor '{name}' in the register. Known: {names}.").format(
                             name=name, names=', '.join(names)))
    return proc


def processor_address(proc: Processor) -> str:
    """The e-mail address an Art. 19 notice reaches the processor at, from the register."""
    for text in (getattr(proc, "notice_channel", None), proc.contact):
        match = _EMAIL_IN_TEXT.search(text or "")
        if match:
            try:
                return normalise_email(match.group(0))
            except InputError:
                continue
    raise RuleViolation(_("The processor register has no e-mail contact for {processor}: record how to reach "
                          "them for an Art. 19 notice first.").format(processor=proc.name))


def _record_refusal(ws: Workspace, ids: tuple[int, int, str], template_id: str, override: AddressOverride,
                    why: str) -> None:
    """The refused attempt is evidence too: its own transaction, so it survives the refusal."""
    case_id, subject_id, reference = ids
    with ws.transaction() as session:
        audit.record(session, ws, "letter.override_refused", case_id=case_id, subject_id=subject_id,
                     details={"reference": reference, "template": template_id, "why": english(why)},
                     personal={"address": override.address, "reason": override.reason,
                               "delivery": "post" if override.postal else "email"})


def check_override(ws: Workspace, reference: str, template_id: str, override: AddressOverride) -> None:
    """Refuse (and record) an override the rule does not allow. Runs before the letter is saved."""
    other = override.checked_address()
    with ws.reading() as session:
        case = load_case(session, reference)
        if (template_id not in PROCESSOR_TEMPLATES and not override.postal
                and other.lower() == known_address(case).lower()):
            return
        why = _override_problem(session, case, template_id, override)
        ids = (case.id, case.subject_id, case.reference)
    if why is not None:
        _record_refusal(ws, ids, template_id, override, why)
        raise RuleViolation(why)


def _override_problem(session: Session, case: Case, template_id: str, override: AddressOverride) -> str | None:
    if template_id in PROCESSOR_TEMPLATES:
        return "An Art. 19 notice goes to the processor's contact in the register; it cannot be sent elsewhere."
    if verified_identity(session, case) is None:
        return ("A letter can go to another address than the known one, or by post, only after the subject's "
                "identity was verified on this case (additional information, an identity document or in person); "
                "the request was refused and recorded.")
    if len((override.reason or "").strip()) < MIN_REASON:
        return "Give the reason for sending to another address (at least a short sentence)."
    return None


def resolve(session: Session, ws: Workspace, case: Case, template_id: str,
            override: AddressOverride | None = None, processor_name: str | None = None) -> Recipient:
    """The one place a letter's recipient comes from (inside the letter's transaction)."""
    if template_id in PROCESSOR_TEMPLATES:
        if override is not None:
            raise RuleViolation(_("An Art. 19 notice goes to the processor's contact in the register; it "
                                  "cannot be sent elsewhere."))
        proc = processor_by_name(session, processor_name)
        return Recipient(processor_address(proc), PROCESSOR, proc.name, processor=proc.name)
    address = known_address(case)
    name = case.subject.name
    if override is None:
        return Recipient(address, KNOWN_ADDRESS, name)
    other = override.checked_address()
    if not override.postal and other.lower() == address.lower():
        return Recipient(address, KNOWN_ADDRESS, name)
    # Checked again here, inside the transaction that saves the letter.
    why = _override_problem(session, case, template_id, override)
    if why is not None:
        raise RuleViolation(why)
    step = verified_identity(session, case)
    return Recipient(other, POST if override.postal else OVERRIDE, name, identity_step_id=step.id,
                     reason=override.reason.strip())


def record_override(session: Session, ws: Workspace, case: Case, recipient: Recipient, letter_id: int,
                    template_id: str) -> None:
    step = session.get(IdentityStep, recipient.identity_step_id)
    audit.record(session, ws, "letter.address_override", case_id=case.id, subject_id=case.subject_id,
                 details={"reference": case.reference, "letter": letter_id, "template": template_id,
                          "delivery": "post" if recipient.kind == POST else "email",
                          "reason": recipient.reason, "identity_step": step.id, "identity_method": step.method,
                          "verified_by": step.decided_by},
                 personal={"address": recipient.address})
