"""The privacy mailbox's messages in the register: requests to act on, and replies threaded into their cases.

Each fetched message is received once (its content hash, and its Message-ID) into
one of:

- a **bounce** (delivery status notification) of one of our letters: the letter is
  marked ``bounced`` with the server's reason; the case shows a reminder;
- a **reply** to one of our letters (In-Reply-To/References naming a Message-ID we
  sent, or the case reference in the subject): threaded into its case (original and
  attachments under the subject's key, a note); an **answer** when the case waits for
  an identity or clarification answer, which raises "answer arrived";
- a **request** (anything else): an inbox item the officer opens a case from, links to a
  case, or dismisses with a reason.

The sender matches a subject only by the exact, normalised address; a display name
never counts. A message naming a subject from another address is flagged. The hostile-
input rules of ``eml_import`` apply; a message they refuse stays an item to dismiss.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from megacase import i18n
from megacase.domain.validation import require_text
from megacase.errors import InputError, NotFound
from megacase.i18n import N_, _, english, format_date
from megacase.services import roles, subject_keys
from megacase.services.integrity import audit
from megacase.services.letters.attachments import store_attachment
from megacase.services.intake.eml_import import (MAX_BYTES, PRIVACY_MAILBOX, ParsedEmail, _already_imported, _match,
                                          guess_request_types, import_eml_in, parse_eml)
from megacase.services.mail.errors import scrub
from megacase.services.letters.outbox import BOUNCED, OutgoingFile
from megacase.services.cases.subjects import NewSubject
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Case, IdentityStep, InboxItem, Letter, Note, Subject
from megacase.store.subject_crypto import new_subject_key, open_sealed, seal

ERASED = "[erased]"      # what stands where a message sealed under an erased subject's key was

REQUEST, REPLY, ANSWER, BOUNCE, UNREADABLE = "request", "reply", "answer", "bounce", "unreadable"
NEW, OPENED, LINKED, THREADED, DISMISSED = "new", "opened", "linked", "threaded", "dismissed"
KIND_LABELS = {REQUEST: N_("Request"), REPLY: N_("Reply"), ANSWER: N_("Answer to our question"),
               BOUNCE: N_("Delivery failure"), UNREADABLE: N_("Unreadable")}
STATUS_LABELS = {NEW: N_("To handle"), OPENED: N_("Case opened"), LINKED: N_("Added to a case"),
                 THREADED: N_("Filed in its case"), DISMISSED: N_("Not a request")}
_REFERENCE = re.compile(r"\bDSR-\d{4}-\d{4,}\b", re.IGNORECASE)
_MSGID = re.compile(r"<[^<>\s]{1,250}>")
_LANG_WORDS = {
    "fr": ("je", "mes", "vous", "donnees", "bonjour", "merci", "demande", "madame", "monsieur", "votre"),
    "nl": ("ik", "mijn", "u", "gegevens", "graag", "bedankt", "vraag", "geachte", "uw", "verzoek"),
    "en": ("i", "my", "you", "data", "please", "thank", "request", "dear", "your", "hello"),
}


@dataclass(frozen=True)
class InboxEntry:
    id: int
    kind: str
    status: str
    sender: str
    subject_line: str
    message_id: str | None
    received_at: datetime            # the server's receipt time, local
    guessed_types: tuple[str, ...]
    language: str | None
    subject_id: int | None           # matched by the exact address
    claims_subject: bool             # names a subject, from another address
    case_reference: str | None
    letter_id: int | None
    authentication: str

    @property
    def kind_label(self) -> str:
        """In the interface language (``kind`` is the code the JSON keeps)."""
        return _(KIND_LABELS[self.kind]) if self.kind in KIND_LABELS else self.kind

    @property
    def status_label(self) -> str:
        """In the interface language (``status`` is the code the JSON keeps)."""
        return _(STATUS_LABELS[self.status]) if self.status in STATUS_LABELS else self.status

    @property
    def flag(self) -> str:
        if self.claims_subject:
            return _("claims to be a subject, from another address")
        if self.authentication == "fail":
            return _("sender authentication failed")
        return ""

    def as_json(self) -> dict:
        return {"item": self.id, "kind": self.kind, "status": self.status, "sender": self.sender,
                "subject": english(self.subject_line), "message_id": self.message_id,
                "received_at": self.received_at.isoformat(), "request_types": list(self.guessed_types),
                "language": self.language, "matched_subject": self.subject_id, "case": self.case_reference,
                "letter": self.letter_id, "claims_subject": self.claims_subject, "flag": english(self.flag)}


# --- receiving -----------------------------------------------------------------------------------------------

NOT_FETCHED = b"X-MegaCase-Not-Fetched:"      # the header of the item the fetch writes instead


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _msgid_hash(message_id: str | None) -> str | None:
    return hashlib.sha256(message_id.strip().lower().encode()).hexdigest() if message_id else None


def guess_language(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    words = re.findall(r"[a-z]+", "".join(c for c in plain if not unicodedata.combining(c)))
    counts = {lang: sum(w in vocab for w in words) for lang, vocab in _LANG_WORDS.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else "fr"


def _threading_ids(msg) -> list[str]:
    ids = []
    for name in ("In-Reply-To", "References"):
        for value in msg.get_all(name) or []:
            ids += _MSGID.findall(str(value))
    return ids


def _bounce_details(msg) -> tuple[list[str], str] | None:
    """(Message-IDs of the original, the server's reason) when the message is a delivery failure report."""
    is_report = msg.get_content_type() == "multipart/report" and \
        str(msg.get_param("report-type", "")).lower() == "delivery-status"
    if not is_report:
        return None
    ids, reason, status = [], "", ""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in part.get_payload() if isinstance(part.get_payload(), list) else []:
                status = status or str(block.get("Status", "") or "")
                reason = reason or str(block.get("Diagnostic-Code", "") or "")
        elif ctype in ("message/rfc822", "text/rfc822-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                ids += _MSGID.findall(str(inner[0].get("Message-ID", "")))
            elif isinstance(inner, str):
                found = re.search(r"^Message-ID:\s*(<[^>]+>)", inner, re.IGNORECASE | re.MULTILINE)
                ids += [found.group(1)] if found else []
    ids += _threading_ids(msg)
    reason = " ".join(f"{status} {reason}".split())
    return ids, (scrub(reason)[:300] if reason else _("no reason given"))


def _letter_for(session: Session, ids: list[str]) -> Letter | None:
    for message_id in ids:
        letter = session.scalar(select(Letter).where(Letter.message_id == message_id))
        if letter is not None:
            return letter
    return None


def _case_by_subject_line(session: Session, subject_line: str) -> Case | None:
    for ref in _REFERENCE.findall(subject_line):
        case = session.scalar(select(Case).where(Case.reference == ref.upper()))
        if case is not None:
            return case
    return None


def _name_key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


def _claimed_subject(session: Session, parsed: ParsedEmail) -> bool:
    """Does the display name name a known subject, while the address is not theirs?"""
    if not parsed.sender_name:
        return False
    key = _name_key(parsed.sender_name)
    rows = session.execute(select(Subject.name, Subject.email).where(Subject.anonymised_at.is_(None),
                                                                     Subject.name.is_not(None))).all()
    return any(_name_key(name) == key and (email or "").lower() != parsed.sender.lower() for name, email in rows)


def _new_item(session, ws, mailbox, server_id, raw, received_at, kind, sender, subject_line, **fields) -> InboxItem:
    key = new_subject_key()
    item = InboxItem(mailbox=mailbox, server_id=server_id, sha256=content_hash(raw), item_key=key,
                     raw_enc=seal(key, raw, "inbox:raw"), sender_enc=seal(key, sender.encode(), "inbox:sender"),
                     subject_enc=seal(key, subject_line.encode(), "inbox:subject"),
                     received_at=received_at.astimezone(timezone.utc).replace(tzinfo=None),
                     fetched_at=ws.now_naive(), size=len(raw), kind=kind, **fields)
    session.add(item)
    session.flush()
    return item


def receive(session: Session, ws: Workspace, mailbox: str, server_id: str, raw: bytes,
            server_time: datetime) -> InboxItem | None:
    """Take one fetched message into the register (inside the fetch's per-message transaction).

    None when this message is already in the register (same content, or same Message-ID).
    """
    if session.scalar(select(InboxItem.id).where(InboxItem.sha256 == content_hash(raw))) is not None:
        return None
    try:
        parsed = parse_eml(raw, delivered_at=server_time)
    except InputError as exc:
        # Its line in the inbox says why it cannot be read, in the language of whoever looks (kept as a message).
        why = _("Too large to fetch: read it in the mailbox itself.") if raw.startswith(NOT_FETCHED) else \
            i18n.message_of(exc)
        item = _new_item(session, ws, mailbox, server_id, raw, server_time, UNREADABLE, "", i18n.to_record(why),
                         status=NEW)
        audit.record(session, ws, "inbox.received", details={"item": item.id, "kind": UNREADABLE,
                                                             "sha256": item.sha256, "size": item.size})
        return item
    if _already_imported(session, parsed):     # saved as .eml and imported by hand earlier
        return None
    mid_hash = _msgid_hash(parsed.message_id)
    if mid_hash and session.scalar(select(InboxItem.id).where(InboxItem.message_id_sha256 == mid_hash)):
        return None
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    common = dict(message_id_sha256=mid_hash, authentication=parsed.authentication)
    bounce = _bounce_details(msg)
    if bounce is not None:
        letter = _letter_for(session, bounce[0])
        if letter is not None:
            return _bounced(session, ws, mailbox, server_id, raw, server_time, parsed, letter, bounce[1], common)
    letter = _letter_for(session, _threading_ids(msg))
    case = session.get(Case, letter.case_id) if letter else _case_by_subject_line(session, parsed.subject)
    if case is not None and bounce is None:
        waiting = _waiting_for_answer(session, case)
        item = _new_item(session, ws, mailbox, server_id, raw, server_time, ANSWER if waiting else REPLY,
                         parsed.sender, parsed.subject, status=THREADED, case_id=case.id,
                         letter_id=letter.id if letter else None, **common)
        _thread(session, ws, item, case, parsed, raw, how="reply")
        return item
    matched = _match(session, parsed.sender)
    text = f"{parsed.subject}\n{parsed.body}"
    item = _new_item(session, ws, mailbox, server_id, raw, server_time, BOUNCE if bounce else REQUEST,
                     parsed.sender, parsed.subject, status=NEW,
                     guessed_types=",".join(t.value for t in guess_request_types(text)),
                     language=guess_language(text), subject_id=matched.id if matched else None,
                     claims_subject=matched is None and _claimed_subject(session, parsed), **common)
    audit.record(session, ws, "inbox.received", details={
        "item": item.id, "kind": item.kind, "sha256": item.sha256, "size": item.size,
        "sender_matched": matched is not None, "claims_subject": item.claims_subject,
        "authentication": parsed.authentication, "server_time": _utc(server_time)})
    return item


def _utc(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _waiting_for_answer(session: Session, case: Case) -> bool:
    return session.scalar(select(func.count(IdentityStep.id)).where(
        IdentityStep.case_id == case.id, IdentityStep.answered_at.is_(None))) > 0


def _bounced(session, ws, mailbox, server_id, raw, server_time, parsed, letter: Letter, reason: str,
             common: dict) -> InboxItem:
    case = session.get(Case, letter.case_id)
    item = _new_item(session, ws, mailbox, server_id, raw, server_time, BOUNCE, parsed.sender, parsed.subject,
                     status=THREADED, case_id=case.id, letter_id=letter.id, **common)
    _move_under_subject(session, item, case)
    previous = letter.status
    letter.status, letter.last_error = BOUNCED, i18n.to_record(_("Bounced: {reason}").format(reason=reason))
    store_attachment(session, ws, case, OutgoingFile("delivery-failure.eml", "message/rfc822", raw),
                     kind="inbound_bounce")
    # The reply did not reach the subject: the letter's status says so (what "answered" reads).
    audit.record(session, ws, "letter.bounced", case_id=case.id, subject_id=case.subject_id, details={
        "reference": case.reference, "letter": letter.id, "template": letter.template_id, "item": item.id,
        "previous_status": previous, "reason": reason, "server_time": _utc(server_time)})
    return item


def _thread(session: Session, ws: Workspace, item: InboxItem, case: Case, parsed: ParsedEmail, raw: bytes,
            how: str) -> None:
    """Keep the message in its case: the original and its attachments under the subject's key, and a note."""
    _move_under_subject(session, item, case)
    subject = session.get(Subject, case.subject_id)
    known = bool(subject.email) and subject.email.lower() == parsed.sender.lower()
    item.claims_subject = not known
    original = store_attachment(session, ws, case, OutgoingFile("incoming-message.eml", "message/rfc822", raw),
                                kind="inbound_eml")
    for f in parsed.attachments:
        store_attachment(session, ws, case, f, kind="inbound_file")
    received = to_local(item.received_at)
    # A sealed case note, written once in the officer's language of the moment (like a note they type).
    flag = "" if known else "\n" + _("(Not from the subject's known address.)")
    text = (_("E-mail received {when} from {sender} (privacy mailbox)").format(
                when=f"{format_date(received, 'short')} {received:%H:%M}", sender=parsed.sender) + flag + "\n"
            + _("Subject: {subject}").format(subject=parsed.subject) + f"\n\n{parsed.body}")
    session.add(Note(case_id=case.id, body_enc=subject_keys.seal_text(session, case.subject_id, text, "note"),
                     author=ws.actor.name, created_at=ws.now_naive()))
    audit.record(session, ws, "case.mail_received", case_id=case.id, subject_id=case.subject_id, details={
        "reference": case.reference, "item": item.id, "kind": item.kind, "how": how, "letter": item.letter_id,
        "from_known_address": known, "authentication": parsed.authentication, "sha256": item.sha256,
        "attachment": original.id, "files": len(parsed.attachments), "server_time": _utc(to_aware(item))},
        personal={"sender": parsed.sender, "subject_line": parsed.subject, "message_id": parsed.message_id})


def _move_under_subject(session: Session, item: InboxItem, case: Case) -> None:
    """Once in a case, the item's copy is sealed under that subject's key (erasure shreds it with the rest);
    an empty ``item_key`` says so."""
    old, new = item.item_key, subject_keys.ensure_key(session, case.subject_id)
    for column, context in (("raw_enc", "inbox:raw"), ("sender_enc", "inbox:sender"),
                            ("subject_enc", "inbox:subject"), ("reason_enc", "inbox:reason")):
        blob = getattr(item, column)
        if blob is not None:
            setattr(item, column, seal(new, open_sealed(old, blob, context), context))
    item.item_key = b""


def _key(session: Session, item: InboxItem) -> bytes | None:
    if item.item_key:
        return item.item_key
    case = session.get(Case, item.case_id) if item.case_id else None
    return subject_keys.key_of(session, case.subject_id) if case else None


def to_aware(item: InboxItem) -> datetime:
    return item.received_at.replace(tzinfo=timezone.utc)


# --- the officer's actions -----------------------------------------------------------------------------------

def _entry(session: Session, item: InboxItem) -> InboxEntry:
    key = _key(session, item)
    raw = open_sealed(key, item.raw_enc, "inbox:raw") or b""
    message_id = None
    if item.kind != UNREADABLE and raw:
        message_id = str(BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)["Message-ID"] or "") \
            or None
    case = session.get(Case, item.case_id) if item.case_id else None
    erased = ERASED.encode() if key is None else b""
    subject_line = (open_sealed(key, item.subject_enc, "inbox:subject") or erased).decode()
    if item.kind == UNREADABLE:          # the line is ours, not the sender's: only then is it read as a message
        subject_line = i18n.from_record(subject_line)
    return InboxEntry(item.id, item.kind, item.status,
                      (open_sealed(key, item.sender_enc, "inbox:sender") or erased).decode(), subject_line, message_id,
                      to_local(item.received_at), tuple(t for t in item.guessed_types.split(",") if t),
                      item.language, item.subject_id, item.claims_subject, case.reference if case else None,
                      item.letter_id, item.authentication)


def list_items(ws: Workspace, include_done: bool = False) -> list[InboxEntry]:
    """Items to act on (new), newest first; ``include_done``: with those opened, linked, threaded, dismissed."""
    with ws.reading() as session:
        query = select(InboxItem).order_by(InboxItem.received_at.desc(), InboxItem.id.desc())
        if not include_done:
            query = query.where(InboxItem.status == NEW)
        return [_entry(session, item) for item in session.execute(query).scalars()]


def get_item(ws: Workspace, item_id: int) -> InboxEntry:
    with ws.reading() as session:
        return _entry(session, _item(session, item_id))


def message_text(ws: Workspace, item_id: int) -> str:
    """The item's text as an officer reads it (HTML reduced to text; nothing is rendered or opened)."""
    with ws.reading() as session:
        item = _item(session, item_id)
        raw = open_sealed(_key(session, item), item.raw_enc, "inbox:raw")
        when = to_aware(item)
    if raw is None:
        return ERASED
    if raw.startswith(NOT_FETCHED):      # what the fetch wrote in place of a message too large to download
        return raw.partition(b"\r\n\r\n")[2].decode("utf-8", "replace").strip()
    try:
        parsed = parse_eml(raw, delivered_at=when)
    except InputError as exc:
        return str(exc)
    files = "".join("\n" + _("[attachment: {name}, {type}, {size} bytes]").format(
        name=f.filename, type=f.mime_type, size=len(f.data)) for f in parsed.attachments)
    return (_("From: {sender}").format(sender=parsed.sender) + "\n" + _("Subject: {subject}").format(
        subject=parsed.subject) + f"\n\n{parsed.body}{files}")


def _item(session: Session, item_id: int) -> InboxItem:
    item = session.get(InboxItem, item_id)
    if item is None:
        raise NotFound(_("No inbox item {item_id}.").format(item_id=item_id))
    return item


def _open_item(session: Session, item_id: int) -> tuple[InboxItem, bytes, ParsedEmail]:
    item = _item(session, item_id)
    if item.status != NEW:
        raise InputError(_("Inbox item {item_id} was already dealt with ({status}).").format(
                             item_id=item_id, status=item.status))
    raw = open_sealed(item.item_key, item.raw_enc, "inbox:raw")
    if item.kind == UNREADABLE:
        raise InputError(_("Inbox item {item_id} cannot be read as an e-mail: dismiss it with a reason.").format(
                             item_id=item_id))
    return item, raw, parse_eml(raw, delivered_at=to_aware(item))


def open_case(ws: Workspace, item_id: int, request_types=None, *, subject_id: int | None = None,
              new_subject: NewSubject | None = None, summary: str | None = None) -> str:
    """Open a case from a request item; it is received at the server's receipt time. Returns the reference."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        item, raw, parsed = _open_item(session, item_id)
        case = import_eml_in(session, ws, raw, parsed, request_types or None, subject_id=subject_id,
                             new_subject=new_subject, summary=summary, channel_note=PRIVACY_MAILBOX)
        item.status, item.case_id = OPENED, case.id
        item.decided_by, item.decided_at = ws.actor.name, ws.now_naive()
        _move_under_subject(session, item, case)
        audit.record(session, ws, "inbox.opened", case_id=case.id, subject_id=case.subject_id,
                     details={"item": item.id, "reference": case.reference, "server_time": _utc(to_aware(item))})
        return case.reference


def link(ws: Workspace, item_id: int, reference: str) -> str:
    """File an item in an existing case (as incoming correspondence)."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        item, raw, parsed = _open_item(session, item_id)
        case = session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
        if case is None:
            raise NotFound(_("No case {reference}.").format(reference=reference))
        earlier = _already_imported(session, parsed)
        if earlier:
            raise InputError(_("This message is already kept in case {earlier}.").format(earlier=earlier))
        item.status, item.case_id = LINKED, case.id
        item.decided_by, item.decided_at = ws.actor.name, ws.now_naive()
        _thread(session, ws, item, case, parsed, raw, how="linked by the officer")
        return case.reference


def dismiss(ws: Workspace, item_id: int, reason: str) -> None:
    """File an item as not a request (spam, a newsletter, a misdirected message), with the reason."""
    roles.require_officer(ws)
    reason = require_text(reason, N_("The reason"))
    with ws.transaction() as session:
        item = _item(session, item_id)
        if item.status != NEW:
            raise InputError(_("Inbox item {item_id} was already dealt with ({status}).").format(
                                 item_id=item_id, status=item.status))
        item.status, item.reason_enc = DISMISSED, seal(item.item_key, reason.encode(), "inbox:reason")
        item.decided_by, item.decided_at = ws.actor.name, ws.now_naive()
        # The reason is free text: kept sealed in the item, its hash in the chain.
        audit.record(session, ws, "inbox.dismissed", details={
            "item": item.id, "kind": item.kind, "reason_sha256": hashlib.sha256(reason.encode()).hexdigest()})


def dismissal_reason(ws: Workspace, item_id: int) -> str | None:
    with ws.reading() as session:
        item = _item(session, item_id)
        blob = open_sealed(_key(session, item), item.reason_enc, "inbox:reason") if item.reason_enc else None
        return blob.decode() if blob else None


def count_new(ws: Workspace) -> int:
    with ws.reading() as session:
        return session.scalar(select(func.count(InboxItem.id)).where(InboxItem.status == NEW)) or 0


__all__ = ["InboxEntry", "receive", "list_items", "get_item", "open_case", "link", "dismiss", "count_new",
           "message_text", "dismissal_reason", "MAX_BYTES"]
