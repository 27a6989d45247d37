"""Forgetting a person in MegaCase's own records: used by erasure and by the retention of case records.

What stays is the case *skeleton*: reference, request types, channel, dates,
state, outcome and its legal ground, the deadline facts, the processor steps
and their grounds, the letters' metadata (template, dates, Message-ID, hash),
and the hash-chained audit trail whose personal parts are sealed under the
subject's key. What goes:

- the subject's identifying fields (name, e-mail, postal address, customer
  number); the subject becomes its anonymous reference;
- the subject's key (crypto-shredding): every sealed note, letter, attachment
  and audit secret becomes unreadable, while the chain, which hashes the
  ciphertext, still verifies;
- the free texts kept in clear on the subject's cases that hold the person's
  words (the request summary, the decision note, the subject's answers to
  identity questions), and any occurrence of the identifying values in the other
  clear-text columns (an officer may have typed a name in a note).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from megacase import i18n
from megacase.store.orm import (CaseAnswer, Approval, Attachment, Case, ChecklistItem, IdentityStep, Letter, Note, Subject,
                                SubjectKey, SuspensionRow)
from megacase.store.systems_orm import SystemFinding

ERASED = "[erased]"


def identifying_values(subject: Subject) -> list[re.Pattern]:
    """Patterns of the subject's identifying values: each whole value, the mailbox name, each part of the
    postal address, and each word of the name (as a whole word, so 'Ana' does not eat 'Analysis')."""
    whole = [subject.name, subject.email, subject.postal_address, subject.customer_number]
    if subject.email:
        whole.append(subject.email.split("@", 1)[0])
    if subject.postal_address:
        whole += [p.strip() for p in re.split(r"[,\n]", subject.postal_address) if len(p.strip()) >= 6]
    words = [w for w in re.split(r"[\s'’-]+", subject.name or "") if len(w) >= 3]
    patterns = [re.compile(re.escape(v), re.IGNORECASE) for v in sorted({v for v in whole if v and len(v) >= 3},
                                                                        key=len, reverse=True)]
    patterns += [re.compile(rf"\b{re.escape(w)}\b", re.IGNORECASE) for w in sorted(set(words), key=len, reverse=True)]
    return patterns


def scrub(text: str | None, values: list[re.Pattern]) -> str | None:
    """``text`` with every identifying value (any case) replaced by [erased]."""
    if not text or not values:
        return text
    for pattern in values:
        text = pattern.sub(ERASED, text)
    return text


def scrub_case(session: Session, case: Case, values: list[re.Pattern]) -> None:
    """Remove the person's words from one case's clear-text columns, and their identifiers from the rest."""
    case.summary = None
    case.decision_note = None
    case.legal_ground = scrub(case.legal_ground, values)
    case.extension_reason = scrub(case.extension_reason, values)
    for step in session.scalars(select(IdentityStep).where(IdentityStep.case_id == case.id)):
        step.answer = None                          # the subject's own words
        step.asked = scrub(step.asked, values)
        step.reason = scrub(step.reason, values)
    for answer in session.scalars(select(CaseAnswer).where(CaseAnswer.case_id == case.id)):
        answer.reasons = scrub(answer.reasons, values)      # written to the subject: may name them
        answer.no_data_reason = scrub(answer.no_data_reason, values)
        answer.legal_ground = scrub(answer.legal_ground, values)
    for susp in session.scalars(select(SuspensionRow).where(SuspensionRow.case_id == case.id)):
        susp.reason = scrub(susp.reason, values)
    for item in session.scalars(select(ChecklistItem).where(ChecklistItem.case_id == case.id)):
        item.note = i18n.map_record(item.note, lambda text: scrub(text, values))
        item.keep_ground = scrub(item.keep_ground, values)
    for letter in session.scalars(select(Letter).where(Letter.case_id == case.id)):
        letter.override_reason = scrub(letter.override_reason, values)
        letter.server_reply = scrub(letter.server_reply, values)
        letter.last_error = i18n.map_record(letter.last_error, lambda text: scrub(text, values))
    for approval in session.scalars(select(Approval).where(Approval.case_id == case.id)):
        approval.comment = scrub(approval.comment, values)


def remove_bodies(session: Session, case: Case) -> dict[str, int]:
    """Retention: remove the sealed contents of a case (notes, attachments, letter texts, what the systems held),
    keep their traces."""
    notes = session.execute(delete(Note).where(Note.case_id == case.id)).rowcount
    attachments = session.execute(delete(Attachment).where(Attachment.case_id == case.id)).rowcount
    letters = 0
    for letter in session.scalars(select(Letter).where(Letter.case_id == case.id)):
        letter.recipient_enc = letter.subject_enc = letter.body_enc = b""
        letter.eml_enc = None                       # eml_sha256 stays: the proof of what was sent
        letters += 1
    findings = 0
    for row in session.scalars(select(SystemFinding).where(SystemFinding.case_id == case.id)):
        row.data_enc = row.file_enc = row.filename_enc = None   # sha256, counts and outcome stay as the trace
        findings += 1
    return {"notes": notes, "attachments": attachments, "letters": letters, "findings": findings}


def anonymise_subject(session: Session, subject: Subject, now: datetime) -> None:
    """Identifying fields gone, processing flags cleared, key destroyed. Irreversible."""
    subject.name = subject.email = subject.postal_address = subject.customer_number = None
    subject.anonymised_at = now
    subject.restricted_since = None
    subject.processing_suspended = False
    key = session.get(SubjectKey, subject.id)
    if key is None:
        session.add(SubjectKey(subject_id=subject.id, key=None, destroyed_at=now))
    elif key.key is not None:
        key.key, key.destroyed_at = None, now
