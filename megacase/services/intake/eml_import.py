"""Intake from e-mail: a request saved as a .eml file becomes a case.

The file is hostile until proven otherwise: size and structure limits are
checked on the raw bytes before the stdlib parser (``policy=default``) sees
it, and anything malformed is refused with a message that says why. Nothing
in the message is ever rendered (HTML is reduced to text) or written to disk.

The sender is matched against the subjects' known addresses. A match marks
the case as identified by the known address, unless the receiving server's
Authentication-Results say the sender was forged (SPF/DKIM/DMARC fail). The
original message, its attachments and its text are kept in the case, sealed
under the subject's key.

The sender's clock is not trusted: the time of receipt is the time the shop's
own server received the message (the topmost Received: header), else the
mailbox's delivery time when the caller knows it, else the time of import. The
message's Date: is kept and, when it is more than a day away from that time,
shown to the officer (in the case's note and the audit event), never taken
silently. A message is recognised as already imported by its Message-ID and by
its content with line endings normalised (the same message saved with CRLF or LF).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import errors, policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

from sqlalchemy import func, select

from megacase.domain.requests import RequestType
from megacase.domain.validation import normalise_email
from megacase.errors import InputError
from megacase import i18n
from megacase.i18n import N_, _, format_date, ngettext
from megacase.services import roles, subject_keys
from megacase.services.integrity import audit
from megacase.services.letters.attachments import store_attachment
from megacase.services.cases.cases import NewCase, open_case_in
from megacase.services.records import OutgoingFile
from megacase.services.cases.queries import get_case
from megacase.services.records import CaseDetail, SubjectInfo
from megacase.services.cases.subjects import NewSubject, subject_info
from megacase.services.workspace import TZ, Workspace
from megacase.store.orm import Attachment, Case, IdentityStep, Note, Subject

MAX_BYTES = 25 * 1024 * 1024       # Office 365's default maximum message size
MAX_HEADER_BYTES = 128 * 1024
MAX_HEADER_LINE = 32 * 1024
MAX_PARTS = 100
MAX_DEPTH = 6
MAX_BODY_CHARS = 100_000
MAX_FILENAME = 120
FUTURE_SKEW = timedelta(minutes=15)  # a server's clock a little ahead is not an error
DATE_TOLERANCE = timedelta(days=1)   # a sender's Date: further than this from the receipt is pointed out

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")   # a field name: printable ASCII except ':'


@dataclass(frozen=True)
class ParsedEmail:
    sender: str                  # normalised address
    sender_name: str | None
    received_at: datetime        # aware
    subject: str
    body: str
    attachments: tuple[OutgoingFile, ...]
    message_id: str | None
    authentication: str          # pass | fail | none (from the receiving server's Authentication-Results)
    sha256: str
    size: int
    receipt_source: str = "import"       # server (its Received: header) | mailbox (delivery time) | import
    sender_date: datetime | None = None  # the message's own Date:, as the sender's clock said
    content_sha256: str = ""             # of the bytes with CRLF made LF: the same message saved either way

    @property
    def date_note(self) -> str | None:
        """What the officer must see when the sender's Date: is far from the time of receipt."""
        if self.sender_date is None:
            return _("The message has no readable Date: header; the time of receipt is used.")
        gap = self.sender_date - self.received_at
        if abs(gap) <= DATE_TOLERANCE:
            return None
        days = abs(gap).days
        if gap < timedelta(0):
            text = ngettext("The message's Date: ({date}) is {n} day before the time of receipt used ({received}, "
                            "{source}).",
                            "The message's Date: ({date}) is {n} days before the time of receipt used ({received}, "
                            "{source}).", days)
        else:
            text = ngettext("The message's Date: ({date}) is {n} day after the time of receipt used ({received}, "
                            "{source}).",
                            "The message's Date: ({date}) is {n} days after the time of receipt used ({received}, "
                            "{source}).", days)
        return text.format(date=_moment(self.sender_date), n=days, received=_moment(self.received_at),
                           source=_(RECEIPT_SOURCES[self.receipt_source]))


RECEIPT_SOURCES = {"server": N_("when the shop's mail server received it"),
                   "mailbox": N_("delivery time in the mailbox"), "import": N_("time of import")}
# How a message came in, as the identity step of a request from the known address says it.
IMPORTED, PRIVACY_MAILBOX = N_("imported message"), N_("privacy mailbox")


def _moment(value: datetime) -> str:
    """A time the officer reads in a note: the Belgian date in the interface language and Brussels time."""
    local = value.astimezone(TZ)
    return f"{format_date(local, 'short')} {local:%H:%M}"


def _refuse(why: str) -> InputError:
    return InputError(_("This file cannot be imported as an e-mail: {why}").format(why=why))


def _check_raw(data: bytes) -> None:
    if not data:
        raise _refuse(_("it is empty."))
    if len(data) > MAX_BYTES:
        raise _refuse(_("it is larger than {n} MB.").format(n=MAX_BYTES // (1024 * 1024)))
    end = min((i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0), default=len(data))
    header = data[:end]
    if len(header) > MAX_HEADER_BYTES:
        raise _refuse(_("its header block is unreasonably large."))
    if b"\x00" in header:
        raise _refuse(_("it contains binary data where the headers should be."))
    first = header.split(b"\n", 1)[0]
    if not _HEADER_LINE.match(first):
        raise _refuse(_("it does not start with e-mail headers (is it really a .eml file?)."))
    if any(len(line) > MAX_HEADER_LINE for line in header.split(b"\n")):
        raise _refuse(_("a header line is unreasonably long."))


class _TextOnly(HTMLParser):
    """HTML reduced to its text: nothing is ever rendered."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _text_of(part: EmailMessage) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        raw = part.get_payload(decode=True) or b""
        text = raw.decode("utf-8", "replace")
    if not isinstance(text, str):
        text = bytes(text).decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        text = _html_text(text)
    return _clean(text)[:MAX_BODY_CHARS]


_TOLERATED = (errors.UndecodableBytesDefect, errors.ObsoleteHeaderDefect)


def _unescape(text: str) -> str:
    """Raw 8-bit header bytes arrive as surrogate escapes: read them as UTF-8."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _clean(text: str) -> str:
    """Printable text only: no control characters besides line breaks and tabs."""
    text = _unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C").strip()


def _safe_filename(name: str | None, index: int) -> str:
    name = _clean(name or "").replace("\n", " ")
    name = re.split(r"[\\/]", name)[-1].strip(" .") if name else ""
    return name[:MAX_FILENAME] or f"attachment-{index}.bin"


def _walk(msg: EmailMessage, depth: int = 0, counter: list | None = None):
    """Every leaf part, with limits on depth and count (a nested-message bomb is refused)."""
    counter = counter if counter is not None else [0]
    counter[0] += 1
    if counter[0] > MAX_PARTS:
        raise _refuse(_("it has more than {n} parts.").format(n=MAX_PARTS))
    if depth > MAX_DEPTH:
        raise _refuse(_("its parts are nested too deeply."))
    if msg.is_multipart():
        payload = msg.get_payload()
        if not isinstance(payload, list):
            raise _refuse(_("a multipart section is malformed."))
        for sub in payload:
            yield from _walk(sub, depth + 1, counter)
    else:
        yield msg


def _sender(msg: EmailMessage) -> tuple[str, str | None]:
    if len(msg.get_all("From") or []) != 1:
        raise _refuse(_("it must have exactly one From header."))
    header = msg["From"]
    addresses = getattr(header, "addresses", ())
    # Raw UTF-8 in a display name (RFC 6532) and old route syntax are tolerated; a broken header is not.
    serious = [d for d in getattr(header, "defects", ()) if not isinstance(d, _TOLERATED)]
    if serious or len(addresses) != 1:
        raise _refuse(_("its sender (From) is malformed or names more than one address."))
    try:
        return normalise_email(addresses[0].addr_spec), (_unescape(addresses[0].display_name) or None)
    except InputError:
        raise _refuse(_("its sender address is not a valid e-mail address.")) from None


def _aware(when: datetime | None) -> datetime | None:
    return None if when is None else (when if when.tzinfo else when.replace(tzinfo=timezone.utc))


def _sender_date(msg: EmailMessage) -> datetime | None:
    if len(msg.get_all("Date") or []) > 1:
        raise _refuse(_("it has more than one Date header."))
    header = msg["Date"]
    try:
        return _aware(getattr(header, "datetime", None)) if header is not None else None
    except (TypeError, ValueError):
        return None


def _server_received(msg: EmailMessage) -> datetime | None:
    """The stamp of the topmost Received: header: added last, by the shop's own receiving server."""
    received = msg.get_all("Received") or []
    if not received:
        return None
    try:
        return _aware(parsedate_to_datetime(str(received[0]).rsplit(";", 1)[-1].strip()))
    except (TypeError, ValueError, IndexError):
        return None


def _receipt(msg: EmailMessage, now: datetime, delivered_at: datetime | None) -> tuple[datetime, str]:
    server = _server_received(msg)
    if server is not None and server <= now + FUTURE_SKEW:
        return min(server, now), "server"
    if delivered_at is not None and _aware(delivered_at) <= now + FUTURE_SKEW:
        return min(_aware(delivered_at), now), "mailbox"
    return now, "import"


def _normalised_sha256(data: bytes) -> str:
    return hashlib.sha256(data.replace(b"\r\n", b"\n").rstrip(b"\n")).hexdigest()


def _authentication(msg: EmailMessage) -> str:
    results = msg.get_all("Authentication-Results") or []
    if not results:
        return "none"
    top = str(results[0]).lower()   # the receiving server adds its own on top
    found = dict(re.findall(r"\b(spf|dkim|dmarc)=([a-z]+)", top))
    if found.get("dmarc") == "fail" or found.get("spf") == "fail" or (found.get("dkim") == "fail"
                                                                      and found.get("dmarc") != "pass"):
        return "fail"
    if "pass" in (found.get("dmarc"), found.get("dkim"), found.get("spf")):
        return "pass"
    return "none"


def parse_eml(data: bytes, now: datetime | None = None, delivered_at: datetime | None = None) -> ParsedEmail:
    """Read a .eml file; InputError with a clear reason when it is malformed or hostile.

    ``now``: the time of import (default: the system clock); ``delivered_at``: the mailbox's delivery time,
    when known. The time of receipt is never the sender's Date: (see the module's description).
    """
    now = _aware(now) or datetime.now(timezone.utc)
    _check_raw(data)
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except Exception:  # noqa: BLE001 - any parser failure means "malformed"
        raise _refuse(_("it is not a well-formed e-mail message.")) from None
    try:
        sender, name = _sender(msg)
        sender_date = _sender_date(msg)
        received, source = _receipt(msg, now, delivered_at)
        subject = _clean(str(msg["Subject"] or ""))[:500]
        leaves = list(_walk(msg))
        body_part, body = None, ""
        for kind in ("plain", "html"):    # an empty plain part next to an HTML one is common
            part = msg.get_body(preferencelist=(kind,))
            if part is not None and body_part is None:
                body_part, body = part, _text_of(part)
            elif part is not None and not body:
                body_part, body = part, _text_of(part)
        files = []
        for i, part in enumerate(leaves, 1):
            if part is body_part or (part.get_content_maintype() == "text" and not part.get_filename()
                                     and part.get_content_disposition() != "attachment"):
                continue
            payload = part.get_payload(decode=True)
            if payload is None:
                continue
            files.append(OutgoingFile(_safe_filename(part.get_filename(), i), part.get_content_type()[:100],
                                      bytes(payload)))
        message_id = _clean(str(msg["Message-ID"] or ""))[:250] or None
        authentication = _authentication(msg)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a header or part the parser chokes on
        raise _refuse(_("part of it is malformed.")) from None
    if not body and not files:
        raise _refuse(_("it has neither text nor attachments."))
    return ParsedEmail(sender, _clean(name)[:200] if name else None, received, subject, body, tuple(files),
                       message_id, authentication, hashlib.sha256(data).hexdigest(), len(data), source,
                       sender_date, _normalised_sha256(data))


# --- request types, a suggestion for the officer --------------------------------------------------------------

KEYWORDS = {
    RequestType.ACCESS: ("acces", "inzage", "access", "copie de", "kopie", "copy of", "article 15", "artikel 15"),
    RequestType.RECTIFICATION: ("rectif", "corriger", "correction", "verbeter", "correct my", "artikel 16"),
    RequestType.ERASURE: ("effac", "supprim", "oubli", "verwijder", "wissen", "vergetel", "delete", "erase",
                          "erasure", "forgotten", "artikel 17", "article 17"),
    RequestType.RESTRICTION: ("limitation", "beperking", "restrict"),
    RequestType.PORTABILITY: ("portab", "overdraag", "overdrag"),
    RequestType.OBJECTION: ("opposition", "oppose", "bezwaar", "object to", "objection", "desinscri", "desabonn",
                            "unsubscribe", "uitschrijv"),
    RequestType.AUTOMATED_DECISION: ("automatis", "geautomatiseerd", "automated"),
}


def guess_request_types(text: str) -> tuple[RequestType, ...]:
    """Request types suggested by the words of a message (the officer confirms); access when unclear."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    found = tuple(t for t, words in KEYWORDS.items() if any(w in plain for w in words))
    return found or (RequestType.ACCESS,)


# --- importing ----------------------------------------------------------------------------------------------

def match_sender(ws: Workspace, parsed: ParsedEmail) -> SubjectInfo | None:
    with ws.reading() as session:
        subject = _match(session, parsed.sender)
        return subject_info(subject) if subject else None


def _match(session, address: str) -> Subject | None:
    return session.scalar(select(Subject).where(func.lower(Subject.email) == address.lower(),
                                                Subject.anonymised_at.is_(None)))


def already_imported(ws: Workspace, parsed: ParsedEmail) -> str | None:
    """The case this very message was imported into earlier, if any."""
    with ws.reading() as session:
        return _already_imported(session, parsed)


def _message_id_sha256(message_id: str | None) -> str | None:
    return hashlib.sha256(message_id.strip().lower().encode("utf-8")).hexdigest() if message_id else None


def _already_imported(session, parsed: ParsedEmail) -> str | None:
    """By the exact bytes, by the content with line endings normalised, or by the Message-ID."""
    row = session.execute(select(Case.reference).join(Attachment, Attachment.case_id == Case.id)
                          .where(Attachment.kind == "inbound_eml", Attachment.sha256 == parsed.sha256)).first()
    if row:
        return row[0]
    from megacase.store.orm import AuditEvent
    keys = [f'"content_sha256": "{parsed.content_sha256}"']
    if parsed.message_id:
        keys.append(f'"message_id_sha256": "{_message_id_sha256(parsed.message_id)}"')
    for key in keys:
        row = session.execute(select(Case.reference).join(AuditEvent, AuditEvent.case_id == Case.id)
                              .where(AuditEvent.kind == "case.imported_eml", AuditEvent.details.contains(key))).first()
        if row:
            return row[0]
    return None


def import_eml(ws: Workspace, data: bytes, request_types=None, *, subject_id: int | None = None,
               new_subject: NewSubject | None = None, summary: str | None = None,
               delivered_at: datetime | None = None) -> CaseDetail:
    """Open a case from an e-mail, in one transaction with the kept original.

    The subject is the one whose known address sent it; otherwise the officer names an
    existing subject (``subject_id``: not identified, letters still go to that subject's known
    address) or registers a new one (``new_subject``, whose address must be the sender's).
    """
    roles.require_officer(ws)
    parsed = parse_eml(data, ws.now(), delivered_at)
    with ws.transaction() as session:
        reference = import_eml_in(session, ws, data, parsed, request_types, subject_id=subject_id,
                                  new_subject=new_subject, summary=summary).reference
    return get_case(ws, reference)


def import_eml_in(session, ws: Workspace, data: bytes, parsed: ParsedEmail, request_types=None, *,
                  subject_id: int | None = None, new_subject: NewSubject | None = None, summary: str | None = None,
                  channel_note: str = IMPORTED) -> Case:
    """The case opened from a message, inside the caller's transaction.

    Its time of receipt is ``parsed.received_at``: the shop's server stamp, the mailbox's delivery time or the
    import time, never the sender's Date: (see ``parse_eml``).
    """
    types = tuple(request_types) if request_types else guess_request_types(f"{parsed.subject}\n{parsed.body}")
    received = parsed.received_at
    earlier = _already_imported(session, parsed)
    if earlier:
        raise InputError(_("This message was already imported as case {earlier}.").format(earlier=earlier))
    matched = _match(session, parsed.sender)
    if matched is not None:
        who = {"subject_id": matched.id}
    elif subject_id is not None:
        who = {"subject_id": subject_id}
    elif new_subject is not None:
        if normalise_email(new_subject.email).lower() != parsed.sender.lower():
            raise InputError(_("A new subject registered from an e-mail has the sender's address as known "
                               "address."))
        who = {"new_subject": new_subject}
    else:
        raise InputError(_("The sender {sender} is not a known subject: register them (name and language) or "
                           "choose the existing subject this request belongs to.").format(sender=parsed.sender))
    case = open_case_in(session, ws, NewCase(types, "email", received, summary=summary, **who))
    identified = matched is not None and parsed.authentication != "fail"
    original = store_attachment(session, ws, case, OutgoingFile("original-message.eml", "message/rfc822", data),
                                kind="inbound_eml")
    for f in parsed.attachments:
        store_attachment(session, ws, case, f, kind="inbound_file")
    note = parsed.date_note
    # A sealed case note, written once in the officer's language of the moment, like a note they type: it is
    # the case's record of what came in and is read as written (the e-mail itself is kept as the original).
    text = (_("E-mail received {when} ({source}) from {sender}").format(
                when=_moment(parsed.received_at), source=_(RECEIPT_SOURCES[parsed.receipt_source]),
                sender=parsed.sender) + "\n"
            + (_("NOTE: {note}").format(note=note) + "\n" if note else "")
            + _("Subject: {subject}").format(subject=parsed.subject) + f"\n\n{parsed.body}")
    session.add(Note(case_id=case.id, body_enc=subject_keys.seal_text(session, case.subject_id, text, "note"),
                     author=ws.actor.name, created_at=ws.now_naive()))
    audit.record(session, ws, "case.imported_eml", case_id=case.id, subject_id=case.subject_id, details={
        "reference": case.reference, "sha256": parsed.sha256, "size": parsed.size, "attachment": original.id,
        "files": len(parsed.attachments), "sender_matched": matched is not None, "identified": identified,
        "authentication": parsed.authentication, "receipt_source": parsed.receipt_source,
        "received_at": parsed.received_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sender_date": parsed.sender_date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if parsed.sender_date else None, "sender_date_far_off": parsed.date_note is not None,
        "content_sha256": parsed.content_sha256, "message_id_sha256": _message_id_sha256(parsed.message_id)},
        personal={"sender": parsed.sender, "subject_line": parsed.subject, "message_id": parsed.message_id})
    if identified:
        _identified_by_known_address(session, ws, case, parsed, channel_note)
    return case


def _identified_by_known_address(session, ws: Workspace, case: Case, parsed: ParsedEmail,
                                 channel_note: str = IMPORTED) -> None:
    now = ws.now_naive()
    note = _("Request e-mailed from the known address ({how}; sender authentication: {result}).").format(
        how=_(channel_note), result=parsed.authentication)
    # Stored as a message (English and how to say it): the window and each case file read it in their language.
    session.add(IdentityStep(case_id=case.id, method="known_address", asked="Wrote from the known e-mail address",
                             asked_at=now, asked_by=ws.actor.name, answer=i18n.to_record(note), answered_at=now,
                             result="verified", decided_by=ws.actor.name))
    case.identified_by_known_address = True
    audit.record(session, ws, "identity.checked", case_id=case.id, subject_id=case.subject_id,
                 details={"reference": case.reference, "method": "known_address", "result": "verified",
                          "note": note})
