"""SQLAlchemy 2 models of the case register.

Personal data live in ``subjects`` (identifying fields) and, where events,
letters or notes must carry some, in columns encrypted under the subject's own
key (``subject_keys``): destroying that key on erasure makes them unreadable
while the audit chain, which hashes the ciphertext, still verifies.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Subject(Base):
    __tablename__ = "subjects"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)      # anonymous, survives erasure
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)   # the known address
    postal_address: Mapped[str | None] = mapped_column(Text)
    customer_number: Mapped[str | None] = mapped_column(String(40), index=True)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    restricted_since: Mapped[date | None] = mapped_column(Date)          # Art. 18 restriction in force
    processing_suspended: Mapped[bool] = mapped_column(Boolean, default=False)  # Art. 21 objection pending
    created_at: Mapped[datetime] = mapped_column(DateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)
    cases: Mapped[list[Case]] = relationship(back_populates="subject")


class SubjectKey(Base):
    __tablename__ = "subject_keys"
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), primary_key=True)
    key: Mapped[bytes | None] = mapped_column(LargeBinary(32))          # None once shredded
    destroyed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(DateTime)             # UTC, naive
    received_on: Mapped[date] = mapped_column(Date)                     # Brussels calendar day of receipt
    state: Mapped[str] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    legal_ground: Mapped[str | None] = mapped_column(Text)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extended_at: Mapped[datetime | None] = mapped_column(DateTime)
    extension_notice_on: Mapped[date | None] = mapped_column(Date)
    identified_by_known_address: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    owner: Mapped[str | None] = mapped_column(String(80))
    summary: Mapped[str | None] = mapped_column(Text)                   # the request in the officer's words
    created_at: Mapped[datetime] = mapped_column(DateTime)
    skeleton_since: Mapped[datetime | None] = mapped_column(DateTime)   # reduced by retention
    direct_marketing: Mapped[bool] = mapped_column(Boolean, default=False)  # Art. 21(3): always granted (0002)
    subject: Mapped[Subject] = relationship(back_populates="cases")
    types: Mapped[list[CaseType]] = relationship(cascade="all, delete-orphan", order_by="CaseType.position")
    identity_steps: Mapped[list[IdentityStep]] = relationship(order_by="IdentityStep.id")
    suspensions: Mapped[list[SuspensionRow]] = relationship(order_by="SuspensionRow.id")
    checklist: Mapped[list[ChecklistItem]] = relationship(order_by="ChecklistItem.id")
    answers: Mapped[list[CaseAnswer]] = relationship(order_by="CaseAnswer.id", viewonly=True)
    letters: Mapped[list[Letter]] = relationship(order_by="Letter.id", viewonly=True)   # read for "answered"


class CaseType(Base):
    __tablename__ = "case_types"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    request_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CaseAnswer(Base):
    """The decision on one right of a case (0003): outcome, ground, and the reasons the subject reads."""

    __tablename__ = "case_answers"
    __table_args__ = (UniqueConstraint("case_id", "request_type"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    request_type: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(20))    # None: only a "no data held" statement so far
    legal_ground: Mapped[str | None] = mapped_column(Text)      # a ground code (domain.grounds) or text
    reasons: Mapped[str | None] = mapped_column(Text)           # addressed to the subject, in their language
    evidence_refs: Mapped[str | None] = mapped_column(Text)     # Art. 12(5): earlier case references, comma-separated
    evidence_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    no_data_reason: Mapped[str | None] = mapped_column(Text)    # access: "no data held", with its reason
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(80))


class IdentityStep(Base):
    __tablename__ = "identity_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    method: Mapped[str] = mapped_column(String(30))
    asked: Mapped[str] = mapped_column(Text)                 # what was asked; no personal data
    reason: Mapped[str | None] = mapped_column(Text)         # why it is proportionate (required for an ID copy)
    asked_at: Mapped[datetime] = mapped_column(DateTime)
    asked_by: Mapped[str] = mapped_column(String(80))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    result: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(80))


class SuspensionRow(Base):
    __tablename__ = "suspensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    identity_step_id: Mapped[int | None] = mapped_column(ForeignKey("identity_steps.id"))


class Processor(Base):
    __tablename__ = "processors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(Text)
    categories: Mapped[str] = mapped_column(Text)            # comma-separated categories of personal data
    purposes: Mapped[str | None] = mapped_column(Text)
    retention: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notice_channel: Mapped[str | None] = mapped_column(Text)  # how an Art. 19 notice reaches them (0002)
    notice_language: Mapped[str | None] = mapped_column(String(2))  # fr | nl | en: its notices' language (0003)


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("case_id", "processor_id", "action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processors.id"))
    action: Mapped[str] = mapped_column(String(20))          # search | act | notify
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    keep_ground: Mapped[str | None] = mapped_column(Text)    # erasure: data kept under this legal ground
    processor: Mapped[Processor] = relationship()


class Letter(Base):
    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), index=True)  # draft | queued | sent | failed
    recipient_enc: Mapped[bytes] = mapped_column(LargeBinary)    # under the subject key
    subject_enc: Mapped[bytes] = mapped_column(LargeBinary)
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    eml_enc: Mapped[bytes | None] = mapped_column(LargeBinary)   # the exact message, once built
    eml_sha256: Mapped[str | None] = mapped_column(String(64))
    override_reason: Mapped[str | None] = mapped_column(Text)    # set when not sent to the known address
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    message_id: Mapped[str | None] = mapped_column(String(250), unique=True)
    server_reply: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))                 # letter | inbound_eml | inbound_file
    filename_enc: Mapped[bytes] = mapped_column(LargeBinary)
    mime_type: Mapped[str] = mapped_column(String(100))
    data_enc: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    """Append-only; ``hash`` = SHA-256(prev_hash || canonical JSON of the event body)."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(32))                   # ISO 8601 UTC, as hashed
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(60), index=True)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[str] = mapped_column(Text)                    # canonical JSON, no personal data
    secret: Mapped[bytes | None] = mapped_column(LargeBinary)     # personal data under the subject key
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    signing_key_id: Mapped[int | None] = mapped_column(Integer)   # who signed it (0003); None before signing
    signature: Mapped[bytes | None] = mapped_column(LargeBinary(64))  # Ed25519 over the hash, outside the hash


class RouteChange(Base):
    """A change of where mail goes (sender, privacy contact, mail server, a notice address) and its review (0003)."""

    __tablename__ = "route_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(120))               # "settings" or "processor <name>"
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("processors.id"))
    changes: Mapped[str] = mapped_column(Text)                     # JSON: key -> [old, new]
    status: Mapped[str] = mapped_column(String(20))                # pending | applied | sent_back
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(Text)


class SigningKey(Base):
    """A user's (or the workstation's) Ed25519 key; the private half only under the user's password (0003)."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), index=True)       # a user's name, or "workstation"
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    wrapped_private: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))                  # officer | manager
    password_hash: Mapped[str | None] = mapped_column(String(200))  # Argon2
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    """Register-wide settings shared by every user of the profile (never secrets)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TemplateVersion(Base):
    """An officer's edited version of a shipped letter template."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "language", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)                       # None-like empty = reset to shipped
    is_reset: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class ReminderAck(Base):
    __tablename__ = "reminder_acks"
    __table_args__ = (UniqueConstraint("case_id", "kind", "situation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))                   # due_soon | overdue | extension_window
    situation: Mapped[str] = mapped_column(String(80))              # what was true when seen (e.g. the due date)
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_by: Mapped[str] = mapped_column(String(80))


class Approval(Base):
    """Four-eyes review of a refusal, fee request or extension."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))                   # refusal | fee | extension
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    status: Mapped[str] = mapped_column(String(20))                 # pending | approved | sent_back
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(Text)


class InvoiceRetention(Base):
    """Invoice data kept after erasure under Art. 17(3)(b); manager role only."""

    __tablename__ = "invoice_retention"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    invoice_refs: Mapped[str] = mapped_column(Text)
    holder_name: Mapped[str | None] = mapped_column(String(200))
    holder_address: Mapped[str | None] = mapped_column(Text)
    legal_ground: Mapped[str] = mapped_column(Text)
    retain_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime)


class InboxItem(Base):
    """A message fetched from the privacy mailbox: a request to open a case from, or a reply, answer or
    bounce threaded into a case. Its content is sealed under its own key (there may be no subject yet)."""

    __tablename__ = "inbox_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))              # which mailbox and folder it came from
    server_id: Mapped[str] = mapped_column(String(200))            # IMAP "uidvalidity:uid", or Graph's id
    sha256: Mapped[str] = mapped_column(String(64), unique=True)   # of the raw message: never imported twice
    message_id_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    item_key: Mapped[bytes] = mapped_column(LargeBinary)
    raw_enc: Mapped[bytes] = mapped_column(LargeBinary)
    sender_enc: Mapped[bytes] = mapped_column(LargeBinary)
    subject_enc: Mapped[bytes] = mapped_column(LargeBinary)
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # why it was dismissed
    received_at: Mapped[datetime] = mapped_column(DateTime)        # the server's receipt time (UTC)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))                  # request | reply | answer | bounce
    status: Mapped[str] = mapped_column(String(20), index=True)    # new | opened | linked | threaded | dismissed
    guessed_types: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(2))
    authentication: Mapped[str] = mapped_column(String(10), default="none")
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), index=True)   # exact address match
    claims_subject: Mapped[bool] = mapped_column(Boolean, default=False)   # names a subject, from another address
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)


class MailboxState(Base):
    """Where fetching stopped, per mailbox folder; committed with each message fetched."""

    __tablename__ = "mailbox_state"
    mailbox: Mapped[str] = mapped_column(String(200), primary_key=True)
    uidvalidity: Mapped[str | None] = mapped_column(String(40))
    last_uid: Mapped[int] = mapped_column(Integer, default=0)
    delta_link: Mapped[str | None] = mapped_column(Text)
    last_fetch_at: Mapped[datetime | None] = mapped_column(DateTime)
