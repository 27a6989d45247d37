"""The one place that chooses how letters leave, from the register's mail settings.

``transport_from_settings(ws)`` returns an object with ``send(message, sender,
recipient) -> server reply`` that raises ``DeliveryError``; the outbox and the
application's wiring call it and nothing else.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Protocol

from megacase import i18n
from megacase.errors import InputError
from megacase.i18n import _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.mail.config import DEFAULT_TIMEOUT, MailSettings, load_settings, password_for
from megacase.services.mail.errors import DeliveryError
from megacase.services.workspace import Workspace


class Transport(Protocol):
    def send(self, message: bytes, sender: str, recipient: str) -> str: ...


def sign_in_for(s: MailSettings, ssl_context: ssl.SSLContext | None = None, timeout: float = DEFAULT_TIMEOUT):
    from megacase.services.mail.oauth import MicrosoftSignIn
    return MicrosoftSignIn.from_settings(s, ssl_context=ssl_context, timeout=timeout)


def transport_for(s: MailSettings, *, timeout: float = DEFAULT_TIMEOUT,
                  ssl_context: ssl.SSLContext | None = None) -> Transport:
    from megacase.services.mail.smtp import SmtpTransport
    if s.transport == "smtp-password":
        return SmtpTransport(s, password_for(s), timeout=timeout, ssl_context=ssl_context)
    from megacase.services.mail.oauth import SMTP_SEND, http_client
    signin = sign_in_for(s, ssl_context, timeout)
    if s.transport == "smtp-oauth":
        return SmtpTransport(s, None, timeout=timeout, ssl_context=ssl_context,
                             token_source=lambda: signin.token(SMTP_SEND, s.user))
    from megacase.services.mail.graph import GraphTransport
    return GraphTransport(s, signin, http_client(ssl_context, timeout))


def transport_from_settings(ws: Workspace, timeout: float = DEFAULT_TIMEOUT,
                            ssl_context: ssl.SSLContext | None = None) -> Transport:
    """The transport the settings choose (smtp-password, smtp-oauth or graph)."""
    return transport_for(load_settings(ws), timeout=timeout, ssl_context=ssl_context)


@dataclass(frozen=True)
class TestResult:
    ok: bool
    line: str          # the server's reply, or the one-line diagnosis
    kind: str          # "sent" or the DeliveryError kind


def send_test_message(ws: Workspace, transport_factory=None) -> TestResult:
    """Send a short test message from the sender address to itself; the result is audited."""
    roles.require_identified(ws)
    s = load_settings(ws)
    if not s.sender:
        raise InputError(_("Set the sender address first (megacase mail setup --sender ADDRESS)."))
    msg = EmailMessage(policy=SMTP)
    msg["From"] = msg["To"] = s.sender
    # Sent to the sender address, that is to the officer: in the interface language.
    msg["Subject"] = str(_("MegaCase: test message"))
    msg["Date"] = format_datetime(ws.now())
    msg["Message-ID"] = make_msgid(domain=s.sender.rsplit("@", 1)[-1])
    msg.set_content(str(_("This message was sent by MegaCase to check the mail settings ({transport}).").format(
        transport=s.transport)) + "\n" + str(_("It can be deleted.")) + "\n")
    try:
        transport = (transport_factory or transport_from_settings)(ws)
        result = TestResult(True, transport.send(msg.as_bytes(), s.sender, s.sender), "sent")
    except DeliveryError as exc:
        result = TestResult(False, exc.message, exc.kind)
    with ws.transaction() as session:
        audit.record(session, ws, "mail.tested", details={"transport": s.transport, "ok": result.ok,
                                                          "kind": result.kind,
                                                          "reply": i18n.english(result.line)})
    return result
