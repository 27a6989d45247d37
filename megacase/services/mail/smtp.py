"""SMTP transports: with a password (any provider) or with an Office 365 token (XOAUTH2).

Both hand one stored message to the server and return the server's answer; the
envelope is the letter's sender and its one recipient.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from typing import Callable

from megacase.domain.validation import is_loopback
from megacase.i18n import _
from megacase.services.mail.config import DEFAULT_TIMEOUT, PASSWORD_ENV, MailSettings
from megacase.services.mail.errors import DeliveryError, network_failure, refusal, reply_text

# (user, access token) for XOAUTH2; raises SignInRequired when no token can be had without a person.
TokenSource = Callable[[], tuple[str, str]]




def xoauth2_string(user: str, token: str) -> str:
    """SASL XOAUTH2 initial response (Microsoft: 'Authenticate an IMAP, POP or SMTP connection using OAuth')."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


class SmtpTransport:
    """Hands one message to the mail server; logs in with a password, or with a token (``token_source``)."""

    def __init__(self, smtp: MailSettings, password: str | None, timeout: float = DEFAULT_TIMEOUT,
                 ssl_context: ssl.SSLContext | None = None, token_source: TokenSource | None = None):
        self.settings, self._password, self.timeout = smtp, password, timeout
        self._context, self._token_source = ssl_context, token_source

    @property
    def oauth(self) -> bool:
        return self._token_source is not None

    def _ssl(self) -> ssl.SSLContext:
        return self._context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        s, local = self.settings, socket.gethostname() or "megacase"
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, local_hostname=local, timeout=self.timeout, context=self._ssl())
        return smtplib.SMTP(s.host, s.port, local_hostname=local, timeout=self.timeout)

    def _login(self, conn: smtplib.SMTP, credentials: tuple[str, str] | None) -> None:
        s = self.settings
        if credentials is not None:
            user, token = credentials
            if not conn.has_extn("auth") or "XOAUTH2" not in conn.esmtp_features.get("auth", "").upper().split():
                raise DeliveryError(_("The mail server does not offer XOAUTH2 (Office 365 token) login: check the "
                                      "server name (smtp.office365.com) and that SMTP AUTH is enabled for the "
                                      "mailbox."), kind="auth")
            # smtplib calls the object again with the server's error challenge: answer empty to end the exchange.
            conn.auth("XOAUTH2", lambda challenge=None: "" if challenge else xoauth2_string(user, token),
                      initial_response_ok=True)
            return
        if s.user:
            if not self._password:
                raise DeliveryError(_("No password for the mail server user: store it in the keyring "
                                      "(megacase mail setup --password) or set {variable}.").format(
                                          variable=PASSWORD_ENV), kind="auth")
            conn.login(s.user, self._password)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        # The token first: a sign-in that must be renewed is the problem to report, not the server.
        credentials = self._token_source() if self.oauth else None
        conn = self._connect()
        try:
            conn.ehlo()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise DeliveryError(_("The mail server does not offer STARTTLS: nothing is sent unencrypted. "
                                          "Check the connection security setting."), kind="tls")
                conn.starttls(context=self._ssl())
                conn.ehlo()
            if (s.user or self.oauth) and s.security == "none" and not is_loopback(s.host):
                raise DeliveryError(_("Refusing to send the mail password or token over an unencrypted connection: "
                                      "use starttls or tls."), kind="tls")
            self._login(conn, credentials)
        except BaseException:
            conn.close()
            raise
        return conn

    def send(self, message: bytes, sender: str, recipient: str) -> str:
        phase, conn = "connect", None
        try:
            conn = self._open()
            phase = "envelope"
            code, resp = conn.mail(sender, ["SIZE=%d" % len(message)] if conn.has_extn("size") else [])
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, resp, sender)
            code, resp = conn.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, resp)})
            phase = "data"
            code, resp = conn.data(message)
            if code != 250:        # smtplib checks the reply to DATA, not the one after the message: we must
                raise smtplib.SMTPDataError(code, resp)
            phase = "done"
            reply = reply_text(code, resp)
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            code, resp = next(iter(exc.recipients.values()))
            raise refusal(code, resp, "recipient", self.oauth) from None
        except smtplib.SMTPSenderRefused as exc:
            raise refusal(exc.smtp_code, exc.smtp_error, "sender", self.oauth) from None
        except smtplib.SMTPAuthenticationError as exc:
            error = refusal(exc.smtp_code, exc.smtp_error, "login", self.oauth)
            if error.kind != "auth":   # a 535 says "authentication" whatever the text
                error = DeliveryError(error.message, kind="auth")
            raise error from None
        except smtplib.SMTPDataError as exc:
            raise refusal(exc.smtp_code, exc.smtp_error, "message", self.oauth) from None
        except (smtplib.SMTPException, OSError) as exc:
            if phase == "data":
                raise DeliveryError(_("The connection broke while the message was being handed over ({error}): it "
                                      "may have arrived.").format(error=type(exc).__name__), uncertain=True,
                                    kind="uncertain") from None
            raise network_failure(exc, self.settings.host, self.settings.port) from None
        finally:
            if conn is not None:
                try:
                    conn.quit() if phase == "done" else conn.close()
                except (smtplib.SMTPException, OSError):
                    conn.close()
        return reply
