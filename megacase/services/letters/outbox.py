"""The outbox: a letter is saved before it is sent, sent once, and never lost.

Life of a letter: ``queued`` (saved, with its final .eml and Message-ID) →
``sending`` (claimed by one sender) → ``sent`` (with the server's reply), or
back to ``queued`` when the server could not be reached (``retry`` sends it
later), or ``failed`` when the server refused it for good, or ``uncertain``
when the connection broke while the message was being handed over.

Exactly once: the claim is an atomic ``UPDATE … WHERE status = 'queued'``,
so two retries (the window and a scheduled task) can never both send a
letter; a retry sends the very bytes stored at queue time, with the same
Message-ID. A letter left ``sending`` (the program stopped mid-send) or
``uncertain`` is never resent on its own: the officer checks the mailbox's
sent items and either marks it sent or puts it back in the queue.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from megacase.domain.validation import require_text
from megacase.errors import InputError, MegaCaseError, NotFound, PermissionDenied, RuleViolation
from megacase import i18n
from megacase.i18n import N_, _
from megacase.services import roles, subject_keys
from megacase.services.integrity import audit
from megacase.services.mail import DeliveryError, SmtpTransport, Transport, transport_from_settings
from megacase.services.cases.queries import deadline_of
from megacase.services.letters.recipients import Recipient
from megacase.services.records import OutgoingFile
from megacase.services.workspace import TZ, Workspace, to_local
from megacase.store.orm import AuditEvent, Case, ChecklistItem, Letter, Processor
from megacase.store.subject_crypto import open_sealed, seal

QUEUED, SENDING, SENT, FAILED, UNCERTAIN = "queued", "sending", "sent", "failed", "uncertain"
BOUNCED = "bounced"    # sent, then a delivery failure report came back (megacase.services.intake.inbox)
STATUS_LABELS = {QUEUED: N_("Waiting in the outbox"), SENDING: N_("Being sent (or interrupted)"), SENT: N_("Sent"),
                 FAILED: N_("Refused by the mail server"), UNCERTAIN: N_("Uncertain: check the sent items"),
                 BOUNCED: N_("Bounced: it did not reach the subject")}
EML_CONTEXT = "letter:eml"
FROM_NAME = "Mega Security Privacy"

TransportFactory = Callable[[Workspace], Transport]


@dataclass(frozen=True)
class DeliveryResult:
    letter_id: int
    reference: str
    status: str
    message_id: str
    server_reply: str | None = None
    error: str | None = None

    @property
    def sent(self) -> bool:
        return self.status == SENT


@dataclass(frozen=True)
class OutboxEntry:
    letter_id: int
    reference: str
    template_id: str
    language: str
    status: str
    recipient: str
    subject_line: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    message_id: str | None
    server_reply: str | None
    last_error: str | None

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status]) if self.status in STATUS_LABELS else self.status


# --- building and queueing -----------------------------------------------------------------------------------

def build_message(*, sender: str, recipient: Recipient, subject_line: str, body: str, message_id: str,
                  date: datetime, reply_to: str | None, attachments: tuple[OutgoingFile, ...] = ()) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((FROM_NAME, sender))
    msg["To"] = formataddr((" ".join((recipient.display_name or "").split()), recipient.address))  # one line
    if reply_to and reply_to.lower() != sender.lower():
        msg["Reply-To"] = reply_to
    msg["Subject"] = subject_line
    msg["Date"] = format_datetime(date.astimezone(TZ))
    msg["Message-ID"] = message_id
    msg.set_content(body.replace("\r\n", "\n") + "\n", charset="utf-8")
    for f in attachments:
        maintype, _slash, subtype = f.mime_type.partition("/")
        msg.add_attachment(f.data, maintype=maintype, subtype=subtype or "octet-stream", filename=f.filename)
    return msg.as_bytes(policy=SMTP)


def new_message_id(sender: str) -> str:
    return make_msgid(idstring="megacase", domain=sender.rsplit("@", 1)[1])


def enqueue(session: Session, ws: Workspace, case: Case, *, template_id: str, language: str, recipient: Recipient,
            sender: str, reply_to: str | None, subject_line: str, body: str,
            attachments: tuple[OutgoingFile, ...] = ()) -> Letter:
    """Save the letter, its exact .eml (sealed) and its attachments, inside the caller's transaction."""
    sid = case.subject_id
    key = subject_keys.ensure_key(session, sid)
    message_id = new_message_id(sender)     # fixed before the first attempt: a retry sends the same message
    eml = build_message(sender=sender, recipient=recipient, subject_line=subject_line, body=body,
                        message_id=message_id, date=ws.now(), reply_to=reply_to, attachments=attachments)
    letter = Letter(case_id=case.id, template_id=template_id, language=language, status=QUEUED,
                    recipient_enc=subject_keys.seal_text(session, sid, recipient.address, "letter:recipient"),
                    subject_enc=subject_keys.seal_text(session, sid, subject_line, "letter:subject"),
                    body_enc=subject_keys.seal_text(session, sid, body, "letter:body"),
                    eml_enc=seal(key, eml, EML_CONTEXT), eml_sha256=hashlib.sha256(eml).hexdigest(),
                    override_reason=recipient.reason, created_at=ws.now_naive(), created_by=ws.actor.name,
                    message_id=message_id, attempts=0)
    session.add(letter)
    session.flush()
    from megacase.services.letters.attachments import store_attachment
    for f in attachments:
        store_attachment(session, ws, case, f, kind="letter", letter_id=letter.id)
    return letter


# --- delivering ----------------------------------------------------------------------------------------------

def _claim(ws: Workspace, letter_id: int):
    """Take one queued letter for sending; None when it is not (or no longer) queued."""
    with ws.transaction() as session:
        claimed = session.execute(update(Letter).where(Letter.id == letter_id, Letter.status == QUEUED)
                                  .values(status=SENDING, attempts=Letter.attempts + 1)).rowcount
        if not claimed:
            return None
        letter = session.get(Letter, letter_id)
        from megacase.services.integrity import state
        state.touch(session, letter)   # a bulk UPDATE: its new values still go into the audit trail
        case = session.get(Case, letter.case_id)
        key = subject_keys.key_of(session, case.subject_id)
        if key is None:
            raise RuleViolation(_("This subject was erased: the letter can no longer be sent."))
        eml = open_sealed(key, letter.eml_enc, EML_CONTEXT)
        if hashlib.sha256(eml).hexdigest() != letter.eml_sha256:
            raise RuleViolation(_("The stored message of letter {letter_id} does not match its hash; not sent.").format(
                                    letter_id=letter_id))
        recipient = subject_keys.open_text(session, case.subject_id, letter.recipient_enc, "letter:recipient")
        return eml, recipient, letter.message_id, case.reference, letter.attempts


def _sender_of(eml: bytes) -> str:
    from email import message_from_bytes
    from email.policy import default
    from email.utils import parseaddr
    return parseaddr(str(message_from_bytes(eml, policy=default)["From"]))[1]


def deliver(ws: Workspace, letter_id: int, transport_factory: TransportFactory | None = None) -> DeliveryResult:
    """Try to send one queued letter once."""
    roles.require_officer(ws)
    claim = _claim(ws, letter_id)
    if claim is None:
        with ws.reading() as session:
            letter = session.get(Letter, letter_id)
            if letter is None:
                raise NotFound(_("No letter {letter_id}.").format(letter_id=letter_id))
            case = session.get(Case, letter.case_id)
            return DeliveryResult(letter.id, case.reference, letter.status, letter.message_id, letter.server_reply,
                                  i18n.from_record(letter.last_error))
    eml, recipient, message_id, reference, attempt = claim
    try:
        transport = (transport_factory or ws.transport_factory or transport_from_settings)(ws)
        reply = transport.send(eml, _sender_of(eml), recipient)
    except DeliveryError as exc:
        status = UNCERTAIN if exc.uncertain else FAILED if exc.permanent else QUEUED
        _record_failure(ws, letter_id, status, exc.message, attempt)
        return DeliveryResult(letter_id, reference, status, message_id, None, exc.message)
    except BaseException:
        # Anything unexpected after the claim: the letter may or may not have gone; never resend blindly.
        _record_failure(ws, letter_id, UNCERTAIN, _("The sending was interrupted by an unexpected error."), attempt)
        raise
    _record_sent(ws, letter_id, reply)
    return DeliveryResult(letter_id, reference, SENT, message_id, reply, None)


def _record_failure(ws: Workspace, letter_id: int, status: str, error: str, attempt: int) -> None:
    """The letter row keeps the error so that each reader sees it in their language; the audit trail keeps
    its English, which does not change with whoever reads the record."""
    with ws.transaction() as session:
        letter = session.get(Letter, letter_id)
        case = session.get(Case, letter.case_id)
        letter.status, letter.last_error = status, i18n.to_record(error)
        audit.record(session, ws, "letter.send_failed", case_id=case.id, subject_id=case.subject_id, details={
            "reference": case.reference, "letter": letter.id, "template": letter.template_id, "attempt": attempt,
            "error": i18n.english(error), "status": status})


def _record_sent(ws: Workspace, letter_id: int, reply: str) -> None:
    with ws.transaction() as session:
        letter = session.get(Letter, letter_id)
        case = session.get(Case, letter.case_id)
        letter.status, letter.sent_at, letter.server_reply, letter.last_error = SENT, ws.now_naive(), reply, None
        recipient = subject_keys.open_text(session, case.subject_id, letter.recipient_enc, "letter:recipient")
        effects = after_sent(session, ws, case, letter)
        audit.record(session, ws, "letter.sent", case_id=case.id, subject_id=case.subject_id, details={
            "reference": case.reference, "letter": letter.id, "template": letter.template_id,
            "language": letter.language, "message_id": letter.message_id, "sha256": letter.eml_sha256,
            "server_reply": reply, "attempt": letter.attempts, **effects}, personal={"recipient": recipient})


def _queued_details(session: Session, letter: Letter) -> dict:
    rows = session.execute(select(AuditEvent.details).where(AuditEvent.case_id == letter.case_id,
                                                            AuditEvent.kind == "letter.queued")).scalars()
    for raw in rows:
        details = json.loads(raw)
        if details.get("letter") == letter.id:
            return details
    return {}


def notice_recipient(session: Session, letter: Letter) -> str | None:
    """The recipient (processor) an Art. 19 notice was written to, as recorded when it was queued."""
    return _queued_details(session, letter).get("processor")


def after_sent(session: Session, ws: Workspace, case: Case, letter: Letter) -> dict:
    """What the register must remember once a letter has actually gone (DOMAIN.md, accountability)."""
    today = ws.today()
    if letter.template_id in ("identity-request", "clarification-request"):
        # The clock stands still from the day the question leaves (the letter says so), not the day it was noted.
        for susp in case.suspensions:
            if susp.ended_on is None and susp.started_on < today:
                susp.started_on = today
                return {"suspended_from": today.isoformat()}
        return {}
    if letter.template_id == "extension":
        last_day = deadline_of(case, today).extension_notice_last_day
        if case.extension_notice_on is None:
            case.extension_notice_on = today
        return {"extension_notice_on": today.isoformat(), "notice_in_time": today <= last_day}
    if letter.template_id == "art19-notice":
        name = _queued_details(session, letter).get("processor")
        proc = session.scalar(select(Processor).where(Processor.name == name)) if name else None
        item = proc and session.scalar(select(ChecklistItem).where(
            ChecklistItem.case_id == case.id, ChecklistItem.processor_id == proc.id, ChecklistItem.action == "notify"))
        if item is not None and item.done_at is None:
            item.done_at, item.done_by, item.keep_ground = ws.now_naive(), ws.actor.name, None
            item.note = i18n.to_record(_("Art. 19 notice sent by e-mail (letter {letter}).").format(letter=letter.id))
            # The same event as a notice recorded by hand (processor_steps), so the case file reads alike.
            audit.record(session, ws, "checklist.notified", case_id=case.id, subject_id=case.subject_id, details={
                "reference": case.reference, "processor": proc.name, "action": "notify",
                "sent_on": today.isoformat(), "letter": letter.id})
            return {"processor": name, "checklist_notified": True}
        return {"processor": name}
    return {}


def retry(ws: Workspace, transport_factory: TransportFactory | None = None) -> list[DeliveryResult]:
    """Try every queued letter once, oldest first; each is sent at most once."""
    roles.require_officer(ws)
    with ws.reading() as session:
        ids = session.execute(select(Letter.id).where(Letter.status == QUEUED).order_by(Letter.id)).scalars().all()
    results = []
    for letter_id in ids:
        try:
            results.append(deliver(ws, letter_id, transport_factory))
        except PermissionDenied:
            raise
        except MegaCaseError as exc:   # one letter that cannot go (e.g. its subject was erased) stops no other
            with ws.reading() as session:
                letter = session.get(Letter, letter_id)
                reference = session.get(Case, letter.case_id).reference
            results.append(DeliveryResult(letter_id, reference, letter.status, letter.message_id, None, str(exc)))
    return results


def resolve_uncertain(ws: Workspace, letter_id: int, arrived: bool, note: str) -> None:
    """The officer checked the mailbox: the letter arrived (mark sent) or did not (queue it again)."""
    roles.require_officer(ws)
    note = require_text(note, N_("What was checked"))
    with ws.transaction() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise NotFound(_("No letter {letter_id}.").format(letter_id=letter_id))
        if letter.status not in (SENDING, UNCERTAIN):
            raise InputError(_("Only a letter whose sending was interrupted can be resolved this way."))
        case = session.get(Case, letter.case_id)
        if arrived:
            letter.status, letter.sent_at = SENT, ws.now_naive()
            letter.server_reply = "confirmed by the officer"
            effects = after_sent(session, ws, case, letter)
        else:
            letter.status, effects = QUEUED, {}
        audit.record(session, ws, "letter.resolved", case_id=case.id, subject_id=case.subject_id, details={
            "reference": case.reference, "letter": letter.id, "arrived": arrived, "note": note, **effects})


def list_outbox(ws: Workspace, include_sent: bool = False, reference: str | None = None) -> list[OutboxEntry]:
    with ws.reading() as session:
        query = select(Letter, Case).join(Case, Case.id == Letter.case_id).order_by(Letter.id.desc())
        if not include_sent:
            query = query.where(Letter.status != SENT)
        if reference:
            query = query.where(Case.reference == reference.strip().upper())
        out = []
        for letter, case in session.execute(query):
            sid = case.subject_id
            out.append(OutboxEntry(
                letter.id, case.reference, letter.template_id, letter.language, letter.status,
                subject_keys.open_text(session, sid, letter.recipient_enc, "letter:recipient") or "[erased]",
                subject_keys.open_text(session, sid, letter.subject_enc, "letter:subject") or "[erased]",
                letter.attempts, to_local(letter.created_at), to_local(letter.sent_at), letter.message_id,
                letter.server_reply, i18n.from_record(letter.last_error)))
        return out


def stored_message(ws: Workspace, letter_id: int) -> bytes:
    """The exact .eml kept for a letter (checked against its hash)."""
    with ws.reading() as session:
        letter = session.get(Letter, letter_id)
        if letter is None or letter.eml_enc is None:
            raise NotFound(_("No stored message for letter {letter_id}.").format(letter_id=letter_id))
        case = session.get(Case, letter.case_id)
        eml = open_sealed(subject_keys.key_of(session, case.subject_id), letter.eml_enc, EML_CONTEXT)
        if eml is None:
            raise NotFound(_("The subject was erased: the message can no longer be read."))
        if hashlib.sha256(eml).hexdigest() != letter.eml_sha256:
            raise RuleViolation(_("The stored message of letter {letter_id} does not match its hash.").format(
                                    letter_id=letter_id))
        return eml
