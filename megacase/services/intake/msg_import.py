"""Outlook ``.msg`` files, read as the ``.eml`` they stand for, then imported by ``eml_import``.

A ``.msg`` is a Compound File (OLE2) holding MAPI properties ([MS-OXMSG]). ``olefile``
(BSD licence) reads the container; the few properties a request needs are taken from
it: the sender's SMTP address and name, subject, Message-ID, In-Reply-To, the
delivery time, the plain text (or HTML) body, attached files, and the transport
headers when Outlook kept them (a received message: Date, Authentication-Results).
The result goes through the same hostile-input checks as any ``.eml``. Embedded
messages and OLE objects are not opened: the note says they were left out.

The delivery time is the mailbox's (set by the mail store, not by the sender): ``as_eml`` hands it
back beside the ``.eml`` so the import passes it as ``delivered_at`` (the time of receipt is the
topmost Received: stamp, else this delivery time, else the import time; never the sender's Date:).
"""

from __future__ import annotations

import io
import struct
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import HeaderParser
from email.utils import format_datetime, formataddr

from megacase.errors import InputError
from megacase.i18n import _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS = 100
PROPS = "__properties_version1.0"

# MAPI property ids ([MS-OXPROPS])
SUBJECT, TRANSPORT_HEADERS, CLIENT_SUBMIT_TIME = 0x0037, 0x007D, 0x0039
SENDER_NAME, SENDER_ADDRTYPE, SENDER_EMAIL, SENDER_SMTP = 0x0C1A, 0x0C1E, 0x0C1F, 0x5D01
DELIVERY_TIME, BODY, HTML, MESSAGE_ID, IN_REPLY_TO = 0x0E06, 0x1000, 0x1013, 0x1035, 0x1042
ATTACH_DATA, ATTACH_FILENAME, ATTACH_LONG_FILENAME, ATTACH_MIME_TAG, ATTACH_METHOD = \
    0x3701, 0x3704, 0x3707, 0x370E, 0x3705
PT_UNICODE, PT_STRING8, PT_BINARY, PT_SYSTIME = 0x001F, 0x001E, 0x0102, 0x0040
_DROP_HEADERS = {"content-type", "content-transfer-encoding", "mime-version", "content-disposition"}


def is_msg(data: bytes) -> bool:
    return data[:8] == OLE_MAGIC


def _refuse(why: str) -> InputError:
    return InputError(_("This Outlook file (.msg) cannot be imported: {why}").format(why=why))


class _Props:
    """The properties of one object (the message, or one attachment) of the compound file."""

    def __init__(self, ole, prefix: list[str], header: int):
        self.ole, self.prefix = ole, prefix
        self.fixed: dict[int, tuple[int, bytes]] = {}
        path = prefix + [PROPS]
        if ole.exists("/".join(path)):
            raw = ole.openstream(path).read()
            for off in range(header, len(raw) - 15, 16):
                tag, _flags, value = struct.unpack_from("<II8s", raw, off)
                self.fixed[tag >> 16] = (tag & 0xFFFF, value)

    def _stream(self, prop: int, kind: int) -> bytes | None:
        path = self.prefix + [f"__substg1.0_{prop:04X}{kind:04X}"]
        return self.ole.openstream(path).read() if self.ole.exists("/".join(path)) else None

    def text(self, prop: int) -> str | None:
        raw = self._stream(prop, PT_UNICODE)
        if raw is not None:
            return raw.decode("utf-16-le", "replace").rstrip("\x00")
        raw = self._stream(prop, PT_STRING8)
        return raw.decode("cp1252", "replace").rstrip("\x00") if raw is not None else None

    def binary(self, prop: int) -> bytes | None:
        return self._stream(prop, PT_BINARY)

    def time(self, prop: int) -> datetime | None:
        kind, value = self.fixed.get(prop, (None, b""))
        if kind != PT_SYSTIME:
            return None
        ticks = struct.unpack("<Q", value)[0]     # FILETIME: 100 ns since 1601-01-01 UTC
        if not ticks:
            return None
        return datetime(1601, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=ticks // 10)

    def integer(self, prop: int) -> int | None:
        kind, value = self.fixed.get(prop, (None, b""))
        return struct.unpack_from("<I", value)[0] if kind == 0x0003 else None


def _sender(p: _Props) -> tuple[str | None, str | None]:
    address = p.text(SENDER_SMTP)
    if not address and (p.text(SENDER_ADDRTYPE) or "SMTP").upper() == "SMTP":
        address = p.text(SENDER_EMAIL)
    return p.text(SENDER_NAME), address


def as_eml(data: bytes) -> tuple[bytes, datetime | None]:
    """``data`` as an ``.eml`` and the mailbox's delivery time when known: a ``.msg`` is converted (its
    delivery time kept), anything else is returned as it is, without a delivery time."""
    if not is_msg(data):
        return data, None
    return _read(data)


def msg_to_eml(data: bytes) -> bytes:
    """The ``.eml`` an Outlook ``.msg`` stands for; InputError when it is not a readable .msg."""
    return _read(data)[0]


def _read(data: bytes) -> tuple[bytes, datetime | None]:
    import olefile
    if len(data) > MAX_BYTES:
        raise _refuse(_("it is larger than {n} MB.").format(n=MAX_BYTES // (1024 * 1024)))
    if not is_msg(data):
        raise _refuse(_("it is not an Outlook message file."))
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error, IndexError):
        raise _refuse(_("its structure is damaged.")) from None
    try:
        return _convert(ole)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - any reader failure on a crafted file means "damaged"
        raise _refuse(_("part of it is damaged.")) from None
    finally:
        ole.close()


def _convert(ole) -> tuple[bytes, datetime | None]:
    top = _Props(ole, [], header=32)
    msg = EmailMessage(policy=policy.default)
    kept = _transport_headers(top.text(TRANSPORT_HEADERS))
    for name, value in kept:
        msg[name] = value
    name, address = _sender(top)
    if "From" not in msg:
        if not address:
            raise _refuse(_("it names no sender e-mail address."))
        msg["From"] = formataddr((name or "", address))
    if "Subject" not in msg:
        msg["Subject"] = top.text(SUBJECT) or ""
    if "Message-ID" not in msg and top.text(MESSAGE_ID):
        msg["Message-ID"] = top.text(MESSAGE_ID)
    if "In-Reply-To" not in msg and top.text(IN_REPLY_TO):
        msg["In-Reply-To"] = top.text(IN_REPLY_TO)
    if "Date" not in msg:
        when = top.time(DELIVERY_TIME) or top.time(CLIENT_SUBMIT_TIME)
        if when is not None:
            msg["Date"] = format_datetime(when)
    body = top.text(BODY)
    if body is not None:
        msg.set_content(body)
    else:
        html = top.binary(HTML)
        msg.set_content((html or b"").decode("utf-8", "replace"), subtype="html")
    skipped = _attachments(ole, msg)
    if skipped:
        msg.add_attachment(f"{skipped} embedded item(s) of the Outlook file were not opened.\n",
                           filename="not-imported.txt")
    return msg.as_bytes(), top.time(DELIVERY_TIME)


def _transport_headers(text: str | None) -> list[tuple[str, str]]:
    """Headers of a received message as Outlook kept them, without those describing the old MIME body."""
    if not text:
        return []
    parsed = HeaderParser(policy=policy.compat32).parsestr(text.strip("\r\n") + "\n\n", headersonly=True)
    return [(k, " ".join(str(v).split())) for k, v in parsed.items() if k.lower() not in _DROP_HEADERS]


def _attachments(ole, msg: EmailMessage) -> int:
    storages = sorted({e[0] for e in ole.listdir(streams=True, storages=True)
                       if e and e[0].startswith("__attach_version1.0_#")})
    if len(storages) > MAX_ATTACHMENTS:
        raise _refuse(_("it has more than {n} attachments.").format(n=MAX_ATTACHMENTS))
    skipped = 0
    for storage in storages:
        p = _Props(ole, [storage], header=8)
        data = p.binary(ATTACH_DATA)
        if data is None:          # an embedded message or OLE object: never opened
            skipped += 1
            continue
        filename = p.text(ATTACH_LONG_FILENAME) or p.text(ATTACH_FILENAME) or "attachment.bin"
        maintype, _slash, subtype = (p.text(ATTACH_MIME_TAG) or "application/octet-stream").partition("/")
        msg.add_attachment(data, maintype=maintype or "application", subtype=subtype or "octet-stream",
                           filename=filename)
    return skipped
