"""Fetching the privacy mailbox: IMAP (password or Office 365 token) or Microsoft Graph.

The mailbox is only read, never changed (IMAP ``EXAMINE``, ``BODY.PEEK``). Each
message is taken into the register in its own transaction together with the
position reached (IMAP UIDVALIDITY and UID), so a fetch killed half-way resumes
after the last message it kept, and the content hash and Message-ID make sure
nothing is taken twice even when the position is lost (UIDVALIDITY changed).

The receipt time is the server's: IMAP INTERNALDATE, Graph ``receivedDateTime``.

Graph endpoints (Microsoft Graph v1.0):
  GET /me/mailFolders/{folder}/messages/delta   ("message: delta", https://learn.microsoft.com/en-us/graph/api/message-delta)
  GET /me/messages/{id}/$value                  (the MIME, "Get MIME content of a message",
                                                 https://learn.microsoft.com/en-us/graph/outlook-get-mime-message)
"""

from __future__ import annotations

import imaplib
import re
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterator
from urllib.parse import quote

from megacase.errors import InputError
from megacase.i18n import _, ngettext
from megacase.services import roles
from megacase.services.intake import inbox
from megacase.services.mail.config import (DEFAULT_TIMEOUT, MAILBOX_PASSWORD_ENV, MailboxSettings, load_mailbox,
                                           load_settings, mailbox_password_for)
from megacase.services.mail.errors import MAILBOX_SERVER, DeliveryError, network_failure, scrub
from megacase.domain.validation import is_loopback
from megacase.services.mail.smtp import xoauth2_string
from megacase.services.workspace import Workspace
from megacase.store.orm import InboxItem, MailboxState

_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(InputError):
    """The mailbox could not be read; one line saying why (nothing was lost: the next fetch resumes)."""


def _not_fetched(exc: DeliveryError) -> MailboxError:
    """A sign-in or connection problem shared with the outbox, said for the mailbox."""
    return MailboxError(exc.message + " " + _("Nothing was fetched."))


@dataclass(frozen=True)
class Fetched:
    server_id: str
    raw: bytes | None                 # None: too large to fetch (recorded as an unreadable item)
    server_time: datetime
    position: dict                    # MailboxState fields to store with this message


@dataclass
class FetchReport:
    seen: int = 0
    new: list[int] = field(default_factory=list)
    threaded: list[int] = field(default_factory=list)
    bounced: list[int] = field(default_factory=list)
    duplicates: int = 0

    @property
    def summary(self) -> str:
        return (ngettext("{n} message read", "{n} messages read", self.seen).format(n=self.seen) + ": "
                + _("{new} new in the inbox, {threaded} threaded into cases, {bounced} bounced, {duplicates} "
                    "already in the register.").format(new=len(self.new), threaded=len(self.threaded),
                                                       bounced=len(self.bounced), duplicates=self.duplicates))


# --- IMAP ----------------------------------------------------------------------------------------------------

def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSource:
    def __init__(self, box: MailboxSettings, password: str | None = None,
                 token_source: Callable[[], tuple[str, str]] | None = None,
                 ssl_context: ssl.SSLContext | None = None, timeout: float = DEFAULT_TIMEOUT):
        self.box, self.password, self.token_source = box, password, token_source
        self.ssl_context, self.timeout = ssl_context or ssl.create_default_context(), timeout

    def _connect(self) -> imaplib.IMAP4:
        b = self.box
        try:
            if b.security == "tls":
                conn = imaplib.IMAP4_SSL(b.host, b.port, ssl_context=self.ssl_context, timeout=self.timeout)
            else:
                conn = imaplib.IMAP4(b.host, b.port, timeout=self.timeout)
                if b.security == "starttls":
                    conn.starttls(self.ssl_context)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise _not_fetched(network_failure(exc, b.host, b.port, MAILBOX_SERVER)) from None
        return conn

    def _login(self, conn: imaplib.IMAP4) -> None:
        b = self.box
        if b.security == "none" and not is_loopback(b.host):
            raise MailboxError(_("Refusing to send the mailbox password over an unencrypted connection: "
                                 "use starttls or tls."))
        try:
            if self.token_source is not None:
                user, token = self.token_source()
                conn.authenticate("XOAUTH2", lambda _challenge: xoauth2_string(user, token).encode())
            else:
                if not self.password:
                    raise MailboxError(_("No password for the mailbox: megacase mailbox setup --password, or "
                                         "{variable}.").format(variable=MAILBOX_PASSWORD_ENV))
                conn.login(b.user, self.password)
        except imaplib.IMAP4.error as exc:
            raise MailboxError(_("The mailbox server refused the login ({reply}).").format(
                reply=scrub(str(exc))[:160])) from None
        except DeliveryError as exc:
            raise _not_fetched(exc) from None

    def messages(self, state: MailboxState | None) -> Iterator[Fetched]:
        conn = self._connect()
        try:
            self._login(conn)
            typ, data = conn.select(_quote(self.box.folder), readonly=True)
            if typ != "OK":
                raise MailboxError(_("The mailbox has no folder '{folder}'.").format(folder=self.box.folder))
            uidvalidity = (conn.response("UIDVALIDITY")[1] or [b"0"])[0].decode()
            last = state.last_uid if state is not None and state.uidvalidity == uidvalidity else 0
            criteria = f"UID {last + 1}:*"
            if self.box.since:     # IMAP SINCE: by the server's receipt date
                criteria += " SINCE " + date.fromisoformat(self.box.since).strftime("%d-%b-%Y")
            typ, data = conn.uid("SEARCH", None, criteria)
            uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last)   # "n:*" also names the last
            for uid in uids:
                typ, meta = conn.uid("FETCH", str(uid), "(INTERNALDATE RFC822.SIZE)")
                head = b" ".join(m if isinstance(m, bytes) else m[0] for m in meta if m)
                when = datetime.strptime(_INTERNALDATE.search(head).group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
                size = int(_SIZE.search(head).group(1))
                raw = None
                if size <= inbox.MAX_BYTES:
                    typ, body = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
                    raw = next(part[1] for part in body if isinstance(part, tuple))
                yield Fetched(f"{uidvalidity}:{uid}", raw, when, {"uidvalidity": uidvalidity, "last_uid": uid})
        except (OSError, imaplib.IMAP4.abort) as exc:
            raise MailboxError(_("The connection to the mailbox broke ({error}); the next fetch resumes where "
                                 "this one stopped.").format(error=type(exc).__name__)) from None
        finally:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass


# --- Graph ---------------------------------------------------------------------------------------------------

class GraphSource:
    def __init__(self, box: MailboxSettings, graph_url: str, signin, http):
        self.box, self.graph_url, self.signin, self.http = box, graph_url.rstrip("/"), signin, http

    def _get(self, url: str, token: str):
        import httpx
        try:
            response = self.http.get(url, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            raise MailboxError(_("Cannot reach Microsoft Graph ({error}); nothing was lost.").format(
                error=type(exc).__name__)) from None
        if response.status_code != 200:
            from megacase.services.mail.graph import graph_error
            code, text = graph_error(response)
            raise MailboxError(_("Microsoft Graph refused to read the mailbox ({reply}).").format(
                reply=f"{response.status_code} {code}: {text}"))
        return response

    def messages(self, state: MailboxState | None) -> Iterator[Fetched]:
        from megacase.services.mail.oauth import GRAPH_READ
        try:
            _user, token = self.signin.token(GRAPH_READ, self.box.user)
        except DeliveryError as exc:
            raise _not_fetched(exc) from None
        folder = "inbox" if self.box.folder.upper() == "INBOX" else quote(self.box.folder, safe="")
        url = (state.delta_link if state is not None and state.delta_link else
               f"{self.graph_url}/me/mailFolders/{folder}/messages/delta?$select=id,receivedDateTime")
        while url:
            page = self._get(url, token).json()
            for entry in page.get("value", []):
                if "@removed" in entry:
                    continue
                when = datetime.fromisoformat(entry["receivedDateTime"].replace("Z", "+00:00"))
                if self.box.since and when.date() < date.fromisoformat(self.box.since):
                    continue
                raw = self._get(f"{self.graph_url}/me/messages/{entry['id']}/$value", token).content
                yield Fetched(entry["id"][:200], raw, when, {})
            url = page.get("@odata.nextLink")
            if not url and page.get("@odata.deltaLink"):
                yield Fetched("", None, datetime.now(), {"delta_link": page["@odata.deltaLink"]})


# --- the fetch -----------------------------------------------------------------------------------------------

def source_for(ws: Workspace, box: MailboxSettings, *, ssl_context: ssl.SSLContext | None = None,
               timeout: float = DEFAULT_TIMEOUT):
    from megacase.services.mail.transports import sign_in_for
    if box.kind == "imap":
        if box.auth == "oauth":
            from megacase.services.mail.oauth import IMAP_READ
            signin = sign_in_for(load_settings(ws), ssl_context, timeout)
            return ImapSource(box, token_source=lambda: signin.token(IMAP_READ, box.user), ssl_context=ssl_context,
                              timeout=timeout)
        return ImapSource(box, mailbox_password_for(box), ssl_context=ssl_context, timeout=timeout)
    if box.kind == "graph":
        from megacase.services.mail.oauth import http_client
        s = load_settings(ws)
        return GraphSource(box, s.graph_url, sign_in_for(s, ssl_context, timeout), http_client(ssl_context, timeout))
    raise InputError(_("No privacy mailbox is set up: megacase mailbox setup --kind imap|graph …."))


def fetch(ws: Workspace, source=None, *, ssl_context: ssl.SSLContext | None = None,
          timeout: float = DEFAULT_TIMEOUT, after_each: Callable[[InboxItem | None], None] | None = None
          ) -> FetchReport:
    """Read the new messages of the privacy mailbox into the register, one transaction per message."""
    roles.require_officer(ws)
    box = load_mailbox(ws)
    if not box.kind:
        raise InputError(_("No privacy mailbox is set up: megacase mailbox setup --kind imap|graph …."))
    source = source or source_for(ws, box, ssl_context=ssl_context, timeout=timeout)
    with ws.reading() as session:
        state = session.get(MailboxState, box.name)
        if state is not None:
            session.expunge(state)
    report = FetchReport()
    for fetched in source.messages(state):
        with ws.transaction() as session:
            item = None
            if fetched.server_id:
                report.seen += 1
                raw = fetched.raw if fetched.raw is not None else _too_large(fetched)
                item = inbox.receive(session, ws, box.name, fetched.server_id, raw, fetched.server_time)
                _count(report, item)
            row = session.get(MailboxState, box.name) or MailboxState(mailbox=box.name, last_uid=0)
            for name, value in fetched.position.items():
                setattr(row, name, value)
            row.last_fetch_at = ws.now_naive()
            session.add(row)
        if after_each is not None:
            after_each(item)
    return report


def _too_large(fetched: Fetched) -> bytes:
    # Not downloaded: an item that says so, unique per message (the officer reads it in the mailbox, in the
    # language of whoever fetched it: it is the item's text, not a message shown again later).
    said = _("This message is larger than {n} MB and was not fetched.").format(n=inbox.MAX_BYTES // (1024 * 1024))
    return (f"{inbox.NOT_FETCHED.decode()} {fetched.server_id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{said}\r\n").encode("utf-8")


def _count(report: FetchReport, item: InboxItem | None) -> None:
    if item is None:
        report.duplicates += 1
    elif item.kind == inbox.BOUNCE and item.status == inbox.THREADED:
        report.bounced.append(item.id)
    elif item.status == inbox.THREADED:
        report.threaded.append(item.id)
    else:
        report.new.append(item.id)


__all__ = ["fetch", "FetchReport", "ImapSource", "GraphSource", "MailboxError", "source_for"]
