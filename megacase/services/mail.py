"""Sending mail: the SMTP settings (in the register), the password (in the keyring) and the transport.

Defaults fit Office 365: smtp.office365.com, port 587, STARTTLS. The password is
never stored in the register or a settings file: it lives in the operating
system's keyring, or comes from MEGACASE_SMTP_PASSWORD (scheduled tasks).
"""

from __future__ import annotations

import ipaddress
import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass

import keyring
import keyring.errors

from megacase.domain.validation import normalise_email
from megacase.errors import InputError
from megacase.services import roles, settings
from megacase.services.settings import Setting, declare
from megacase.services.workspace import Workspace

KEYRING_SERVICE = "MegaCase SMTP"
PASSWORD_ENV = "MEGACASE_SMTP_PASSWORD"
SECURITY_MODES = ("none", "starttls", "tls")
DEFAULT_TIMEOUT = 30.0


def _security(value: str) -> str:
    value = value.strip().lower()
    if value not in SECURITY_MODES:
        raise InputError(f"Unknown connection security '{value}': use none, starttls or tls.")
    return value


def _host(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 253 or any(c.isspace() for c in value):
        raise InputError("Give the mail server's host name, e.g. smtp.office365.com.")
    return value


def _optional_email(value: str) -> str:
    return normalise_email(value) if value.strip() else ""


# Where mail goes: changed only through megacase.services.mail.mail_routes (an officer asks, a manager approves).
SMTP_HOST = declare(Setting("smtp.host", str, "smtp.office365.com", "Mail server (SMTP) host", check=_host,
                            mail_route=True))
SMTP_PORT = declare(Setting("smtp.port", int, 587, "Mail server port", 1, 65535, mail_route=True))
SMTP_SECURITY = declare(Setting("smtp.security", str, "starttls", "Connection security: none, starttls or tls",
                                check=_security, mail_route=True))
SMTP_USER = declare(Setting("smtp.user", str, "", "User name on the mail server (empty: no login)",
                            check=lambda v: v.strip(), mail_route=True))
SMTP_SENDER = declare(Setting("smtp.sender", str, "", "Sender address of letters", check=_optional_email,
                              mail_route=True))
PRIVACY_CONTACT = declare(Setting("letters.privacy_contact", str, "info@megasecurity.eu",
                                  "Privacy contact address printed in letters", check=normalise_email,
                                  mail_route=True))
SIGNATORY = declare(Setting("letters.signatory", str, "",
                            "Name that signs letters (empty: the acting user's name)", check=lambda v: v.strip()))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    sender: str | None

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}"


def load_settings_in(session) -> SmtpSettings:
    return SmtpSettings(settings.get_in(session, SMTP_HOST.key), settings.get_in(session, SMTP_PORT.key),
                        settings.get_in(session, SMTP_SECURITY.key), settings.get_in(session, SMTP_USER.key) or None,
                        settings.get_in(session, SMTP_SENDER.key) or None)


def load_settings(ws: Workspace) -> SmtpSettings:
    with ws.reading() as session:
        return load_settings_in(session)


def request_configuration(ws: Workspace, host: str, port: int, security: str, user: str | None = None,
                          sender: str | None = None):
    """Ask for new mail server settings in one action: a RouteChangeInfo (pending while a manager has not
    approved it), or None when nothing would change."""
    from megacase.services.mail import mail_routes
    values = {SMTP_HOST.key: host, SMTP_PORT.key: port, SMTP_SECURITY.key: security, SMTP_USER.key: user or ""}
    if sender is not None:
        values[SMTP_SENDER.key] = sender
    elif not settings.get(ws, SMTP_SENDER.key) and user and "@" in user:
        values[SMTP_SENDER.key] = user   # Office 365 sends as the signed-in mailbox
    return mail_routes.request_change(ws, values)


def configure(ws: Workspace, host: str, port: int, security: str, user: str | None = None,
              sender: str | None = None) -> SmtpSettings:
    """``request_configuration``, then the settings in force (unchanged while the change awaits approval)."""
    request_configuration(ws, host, port, security, user, sender)
    return load_settings(ws)


def store_password(smtp: SmtpSettings, password: str) -> None:
    if not smtp.user:
        raise InputError("Set the mail server user name first: the password belongs to that user.")
    if not password:
        raise InputError("The password is empty.")
    try:
        keyring.set_password(KEYRING_SERVICE, smtp.keyring_user, password)
    except keyring.errors.KeyringError as exc:
        raise InputError(f"The system keyring refused to store the password ({type(exc).__name__}); "
                         f"set {PASSWORD_ENV} instead.") from None


def password_for(smtp: SmtpSettings) -> str | None:
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if not smtp.user:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, smtp.keyring_user)
    except keyring.errors.KeyringError:
        return None


# --- the transport -------------------------------------------------------------------------------------------

_ADDRESS = re.compile(r"[^\s<>\"',;:()]+@[^\s<>\"',;:()]+")


def scrub(text: str) -> str:
    """Server messages may quote the recipient: never keep an address in an error or reply we store."""
    return _ADDRESS.sub("<address>", text)[:300]


class DeliveryError(Exception):
    """A message was not delivered.

    ``permanent``: the server refused this message for good (sending it again will not help);
    ``uncertain``: the connection broke after the message was handed over, so it may have arrived.
    The message is scrubbed of addresses and fit to show and store.
    """

    def __init__(self, message: str, permanent: bool = False, uncertain: bool = False):
        super().__init__(scrub(message))
        self.permanent, self.uncertain = permanent, uncertain


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reply_text(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return scrub(f"{code} {' '.join(text.split())}")


class SmtpTransport:
    """Hands one message to the mail server and returns the server's answer to it."""

    def __init__(self, smtp: SmtpSettings, password: str | None, timeout: float = DEFAULT_TIMEOUT,
                 ssl_context: ssl.SSLContext | None = None):
        self.settings, self._password, self.timeout = smtp, password, timeout
        self._context = ssl_context

    def _ssl(self) -> ssl.SSLContext:
        return self._context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        s, local = self.settings, socket.gethostname() or "megacase"
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, local_hostname=local, timeout=self.timeout, context=self._ssl())
        return smtplib.SMTP(s.host, s.port, local_hostname=local, timeout=self.timeout)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        conn = self._connect()
        conn.ehlo()
        if s.security == "starttls":
            if not conn.has_extn("starttls"):
                raise DeliveryError("The mail server does not offer STARTTLS: nothing is sent unencrypted. "
                                    "Check the connection security setting.")
            conn.starttls(context=self._ssl())
            conn.ehlo()
        if s.user:
            if s.security == "none" and not _is_loopback(s.host):
                raise DeliveryError("Refusing to send the mail password over an unencrypted connection: "
                                    "use starttls or tls.")
            if not self._password:
                raise DeliveryError(f"No password for the mail server user: store it in the keyring "
                                    f"(megacase config smtp --password) or set {PASSWORD_ENV}.")
            conn.login(s.user, self._password)
        return conn

    def send(self, message: bytes, sender: str, recipient: str) -> str:
        phase, conn = "connect", None
        try:
            conn = self._open()
            phase = "envelope"
            code, resp = conn.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, resp, sender)
            code, resp = conn.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, resp)})
            phase = "data"
            code, resp = conn.data(message)
            phase = "done"
            reply = _reply_text(code, resp)
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            code, resp = next(iter(exc.recipients.values()))
            raise DeliveryError(f"The mail server refused the recipient: {_reply_text(code, resp)}",
                                permanent=code >= 500) from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(f"The mail server refused the sender address: {_reply_text(exc.smtp_code, exc.smtp_error)}",
                                permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"The mail server did not accept the user name and password "
                                f"({_reply_text(exc.smtp_code, exc.smtp_error)}).") from None
        except smtplib.SMTPDataError as exc:
            raise DeliveryError(f"The mail server refused the message: {_reply_text(exc.smtp_code, exc.smtp_error)}",
                                permanent=exc.smtp_code >= 500) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(f"The mail server's certificate could not be verified ({exc.verify_message}); "
                                "nothing was sent.") from None
        except (smtplib.SMTPException, OSError) as exc:
            if phase == "data":
                raise DeliveryError(f"The connection broke while the message was being handed over "
                                    f"({type(exc).__name__}): it may have arrived.", uncertain=True) from None
            what = exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc) or type(exc).__name__)
            raise DeliveryError(f"Cannot reach the mail server {self.settings.host}:{self.settings.port} "
                                f"({what}); the letter waits in the outbox.") from None
        finally:
            if conn is not None:
                try:
                    conn.quit() if phase == "done" else conn.close()
                except (smtplib.SMTPException, OSError):
                    conn.close()
        return reply


def transport_from_settings(ws: Workspace, timeout: float = DEFAULT_TIMEOUT) -> SmtpTransport:
    smtp = load_settings(ws)
    return SmtpTransport(smtp, password_for(smtp), timeout=timeout)
