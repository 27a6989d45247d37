"""The mail settings (in the register) and the SMTP password (in the keyring).

Defaults fit Office 365: smtp.office365.com, port 587, STARTTLS. The transport is
one of ``smtp-password`` (any provider), ``smtp-oauth`` (Exchange Online with an
OAuth 2.0 token, XOAUTH2) or ``graph`` (Microsoft Graph sendMail). The password is
never stored in the register or a settings file: it lives in the operating
system's keyring, or comes from MEGACASE_SMTP_PASSWORD (scheduled tasks). Tokens
live in the keyring too (megacase.services.mail.oauth).

``configure`` is the one write path of these settings (a review rule on mail
settings hooks there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

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
TRANSPORTS = ("smtp-password", "smtp-oauth", "graph")
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


def _transport(value: str) -> str:
    value = value.strip().lower()
    if value not in TRANSPORTS:
        raise InputError(f"Unknown mail transport '{value}': use {', '.join(TRANSPORTS)}.")
    return value


def _https_url(value: str) -> str:
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise InputError(f"'{value}' is not an https:// address: Microsoft sign-in and Graph only speak HTTPS.")
    return value


def _tenant(value: str) -> str:
    value = value.strip()
    if value and (len(value) > 100 or not all(c.isalnum() or c in "-." for c in value)):
        raise InputError("Give the Entra tenant as its ID (a GUID) or its domain, e.g. megasecurity.onmicrosoft.com.")
    return value


def _client_id(value: str) -> str:
    value = value.strip()
    if value and (len(value) > 100 or not all(c.isalnum() or c == "-" for c in value)):
        raise InputError("Give the application (client) ID of the app registration: a GUID.")
    return value


SMTP_HOST = declare(Setting("smtp.host", str, "smtp.office365.com", "Mail server (SMTP) host", check=_host))
SMTP_PORT = declare(Setting("smtp.port", int, 587, "Mail server port", 1, 65535))
SMTP_SECURITY = declare(Setting("smtp.security", str, "starttls", "Connection security: none, starttls or tls",
                                check=_security))
SMTP_USER = declare(Setting("smtp.user", str, "", "User name on the mail server (empty: no login)",
                            check=lambda v: v.strip()))
SMTP_SENDER = declare(Setting("smtp.sender", str, "", "Sender address of letters", check=_optional_email))
MAIL_TRANSPORT = declare(Setting("mail.transport", str, "smtp-password",
                                 "How letters leave: smtp-password, smtp-oauth (Office 365) or graph",
                                 check=_transport))
MAIL_TENANT = declare(Setting("mail.tenant", str, "", "Office 365: Entra tenant (ID or domain)", check=_tenant))
MAIL_CLIENT_ID = declare(Setting("mail.client_id", str, "", "Office 365: application (client) ID of the app "
                                 "registration", check=_client_id))
# Other Microsoft clouds (national clouds) have their own sign-in and Graph hosts.
MAIL_AUTHORITY_HOST = declare(Setting("mail.authority_host", str, "https://login.microsoftonline.com",
                                      "Office 365: sign-in host", check=_https_url))
MAIL_GRAPH_URL = declare(Setting("mail.graph_url", str, "https://graph.microsoft.com/v1.0",
                                 "Office 365: Microsoft Graph address", check=_https_url))
PRIVACY_CONTACT = declare(Setting("letters.privacy_contact", str, "info@megasecurity.eu",
                                  "Privacy contact address printed in letters", check=normalise_email))
SIGNATORY = declare(Setting("letters.signatory", str, "",
                            "Name that signs letters (empty: the acting user's name)", check=lambda v: v.strip()))


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str
    user: str | None
    sender: str | None
    transport: str = "smtp-password"
    tenant: str = ""
    client_id: str = ""
    authority_host: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}"

    @property
    def uses_microsoft_sign_in(self) -> bool:
        return self.transport in ("smtp-oauth", "graph")


SmtpSettings = MailSettings   # the name used before the OAuth transports came


def load_settings_in(session) -> MailSettings:
    get = settings.get_in
    return MailSettings(get(session, SMTP_HOST.key), get(session, SMTP_PORT.key), get(session, SMTP_SECURITY.key),
                        get(session, SMTP_USER.key) or None, get(session, SMTP_SENDER.key) or None,
                        get(session, MAIL_TRANSPORT.key), get(session, MAIL_TENANT.key),
                        get(session, MAIL_CLIENT_ID.key), get(session, MAIL_AUTHORITY_HOST.key),
                        get(session, MAIL_GRAPH_URL.key))


def load_settings(ws: Workspace) -> SmtpSettings:
    with ws.reading() as session:
        return load_settings_in(session)


def configure(ws: Workspace, host: str, port: int, security: str, user: str | None = None,
              sender: str | None = None, *, transport: str | None = None, tenant: str | None = None,
              client_id: str | None = None, authority_host: str | None = None,
              graph_url: str | None = None) -> MailSettings:
    """Change the mail settings in one action (one audit event per changed value).

    The only function that writes mail settings: the window, ``mail setup`` and ``config smtp`` all come here.
    ``None`` keeps a value as it is (host, port, security and user are always given).
    """
    roles.require_identified(ws)
    with ws.transaction() as session:
        settings.set_in(session, ws, SMTP_HOST.key, host)
        settings.set_in(session, ws, SMTP_PORT.key, port)
        settings.set_in(session, ws, SMTP_SECURITY.key, security)
        settings.set_in(session, ws, SMTP_USER.key, user or "")
        for spec, value in ((MAIL_TRANSPORT, transport), (MAIL_TENANT, tenant), (MAIL_CLIENT_ID, client_id),
                            (MAIL_AUTHORITY_HOST, authority_host), (MAIL_GRAPH_URL, graph_url)):
            if value is not None:
                settings.set_in(session, ws, spec.key, value)
        if sender is not None:
            settings.set_in(session, ws, SMTP_SENDER.key, sender)
        elif not settings.get_in(session, SMTP_SENDER.key) and user and "@" in user:
            settings.set_in(session, ws, SMTP_SENDER.key, user)   # Office 365 sends as the signed-in mailbox
        saved = load_settings_in(session)
        if saved.uses_microsoft_sign_in and not (saved.tenant and saved.client_id):
            raise InputError("Office 365 sign-in needs the tenant and the application (client) ID of the app "
                             "registration (see the README, 'Office 365').")
        return saved


def store_password(smtp: MailSettings, password: str) -> None:
    if not smtp.user:
        raise InputError("Set the mail server user name first: the password belongs to that user.")
    if not password:
        raise InputError("The password is empty.")
    try:
        keyring.set_password(KEYRING_SERVICE, smtp.keyring_user, password)
    except keyring.errors.KeyringError as exc:
        raise InputError(f"The system keyring refused to store the password ({type(exc).__name__}); "
                         f"set {PASSWORD_ENV} instead.") from None


def password_for(smtp: MailSettings) -> str | None:
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if not smtp.user:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, smtp.keyring_user)
    except keyring.errors.KeyringError:
        return None




# --- the privacy mailbox -------------------------------------------------------------------------------------

MAILBOX_KEYRING_SERVICE = "MegaCase mailbox"
MAILBOX_PASSWORD_ENV = "MEGACASE_MAILBOX_PASSWORD"
MAILBOX_KINDS = ("imap", "graph")


def _mailbox_kind(value: str) -> str:
    value = value.strip().lower()
    if value and value not in MAILBOX_KINDS:
        raise InputError(f"Unknown mailbox kind '{value}': use imap or graph.")
    return value


def _mailbox_auth(value: str) -> str:
    value = value.strip().lower()
    if value not in ("password", "oauth"):
        raise InputError(f"Unknown mailbox login '{value}': use password or oauth.")
    return value


def _folder(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 120 or any(c in value for c in '\r\n"'):
        raise InputError("Give the mailbox folder to read, e.g. INBOX.")
    return value


MAILBOX_KIND = declare(Setting("mailbox.kind", str, "", "Privacy mailbox: imap or graph (empty: none)",
                               check=_mailbox_kind))
MAILBOX_HOST = declare(Setting("mailbox.host", str, "outlook.office365.com", "Privacy mailbox: IMAP server",
                               check=_host))
MAILBOX_PORT = declare(Setting("mailbox.port", int, 993, "Privacy mailbox: IMAP port", 1, 65535))
MAILBOX_SECURITY = declare(Setting("mailbox.security", str, "tls", "Privacy mailbox: none, starttls or tls",
                                   check=_security))
MAILBOX_USER = declare(Setting("mailbox.user", str, "", "Privacy mailbox: user (the mailbox address)",
                               check=lambda v: v.strip()))
MAILBOX_FOLDER = declare(Setting("mailbox.folder", str, "INBOX", "Privacy mailbox: folder to read", check=_folder))
MAILBOX_AUTH = declare(Setting("mailbox.auth", str, "password", "Privacy mailbox: IMAP login with a password or "
                               "an Office 365 token (oauth)", check=_mailbox_auth))
def _since(value: str) -> str:
    value = value.strip()
    if value:
        from datetime import date
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InputError(f"'{value}' is not a date in YYYY-MM-DD form.") from None
    return value


MAILBOX_SINCE = declare(Setting("mailbox.since", str, "", "Privacy mailbox: ignore messages received before this "
                                "day (YYYY-MM-DD; empty: read them all)", check=_since))
MAILBOX_POLL_MINUTES = declare(Setting("mailbox.poll_minutes", int, 5, "While the window is open, fetch the "
                                       "privacy mailbox every so many minutes", 1, 24 * 60))


@dataclass(frozen=True)
class MailboxSettings:
    kind: str
    host: str
    port: int
    security: str
    user: str
    folder: str
    auth: str
    poll_minutes: int
    since: str = ""

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}"

    @property
    def name(self) -> str:
        """Names the folder fetched (fetch positions are kept per name)."""
        where = self.host if self.kind == "imap" else "graph"
        return f"{self.kind}:{self.user}@{where}/{self.folder}"[:200]


def load_mailbox_in(session) -> MailboxSettings:
    get = settings.get_in
    return MailboxSettings(get(session, MAILBOX_KIND.key), get(session, MAILBOX_HOST.key),
                           get(session, MAILBOX_PORT.key), get(session, MAILBOX_SECURITY.key),
                           get(session, MAILBOX_USER.key), get(session, MAILBOX_FOLDER.key),
                           get(session, MAILBOX_AUTH.key), get(session, MAILBOX_POLL_MINUTES.key),
                           get(session, MAILBOX_SINCE.key))


def load_mailbox(ws: Workspace) -> MailboxSettings:
    with ws.reading() as session:
        return load_mailbox_in(session)


def configure_mailbox(ws: Workspace, kind: str, *, host: str | None = None, port: int | None = None,
                      security: str | None = None, user: str | None = None, folder: str | None = None,
                      auth: str | None = None, poll_minutes: int | None = None,
                      since: str | None = None) -> MailboxSettings:
    """The one write path of the privacy mailbox settings (one audit event per changed value)."""
    roles.require_identified(ws)
    with ws.transaction() as session:
        settings.set_in(session, ws, MAILBOX_KIND.key, kind)
        for spec, value in ((MAILBOX_HOST, host), (MAILBOX_PORT, port), (MAILBOX_SECURITY, security),
                            (MAILBOX_USER, user), (MAILBOX_FOLDER, folder), (MAILBOX_AUTH, auth),
                            (MAILBOX_POLL_MINUTES, poll_minutes), (MAILBOX_SINCE, since)):
            if value is not None:
                settings.set_in(session, ws, spec.key, value)
        saved = load_mailbox_in(session)
        if saved.kind and not saved.user:
            raise InputError("Give the privacy mailbox's user (its address): --user.")
        return saved


def store_mailbox_password(box: MailboxSettings, password: str) -> None:
    if not box.user or not password:
        raise InputError("Set the mailbox user first, and give a password that is not empty.")
    try:
        keyring.set_password(MAILBOX_KEYRING_SERVICE, box.keyring_user, password)
    except keyring.errors.KeyringError as exc:
        raise InputError(f"The system keyring refused to store the password ({type(exc).__name__}); "
                         f"set {MAILBOX_PASSWORD_ENV} instead.") from None


def mailbox_password_for(box: MailboxSettings) -> str | None:
    env = os.environ.get(MAILBOX_PASSWORD_ENV)
    if env:
        return env
    try:
        return keyring.get_password(MAILBOX_KEYRING_SERVICE, box.keyring_user) if box.user else None
    except keyring.errors.KeyringError:
        return None
