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

import keyring
import keyring.errors

from megacase.errors import InputError
from megacase.i18n import _
from megacase.services import roles, settings
from megacase.services.workspace import Workspace

KEYRING_SERVICE = "MegaCase SMTP"
PASSWORD_ENV = "MEGACASE_SMTP_PASSWORD"
SECURITY_MODES, TRANSPORTS = settings.SECURITY_MODES, settings.TRANSPORTS
DEFAULT_TIMEOUT = 30.0


# Declared with every other register setting in services.settings (one registry, complete at import).
SMTP_HOST = settings.SMTP_HOST
SMTP_PORT = settings.SMTP_PORT
SMTP_SECURITY = settings.SMTP_SECURITY
SMTP_USER = settings.SMTP_USER
SMTP_SENDER = settings.SMTP_SENDER
MAIL_TRANSPORT = settings.MAIL_TRANSPORT
MAIL_TENANT = settings.MAIL_TENANT
MAIL_CLIENT_ID = settings.MAIL_CLIENT_ID
MAIL_AUTHORITY_HOST = settings.MAIL_AUTHORITY_HOST
MAIL_GRAPH_URL = settings.MAIL_GRAPH_URL
PRIVACY_CONTACT = settings.PRIVACY_CONTACT
SIGNATORY = settings.SIGNATORY


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


def request_configuration(ws: Workspace, host: str, port: int, security: str, user: str | None = None,
                          sender: str | None = None, *, transport: str | None = None, tenant: str | None = None,
                          client_id: str | None = None, authority_host: str | None = None,
                          graph_url: str | None = None):
    """Ask for new mail settings in one action: where mail goes is an officer's request that takes effect once a
    manager approves it (``mail_routes``); returns the change (pending or applied), or None if nothing changes.

    The only path that writes mail settings: the window, ``mail setup`` and ``config smtp`` all come here.
    ``None`` keeps a value as it is (host, port, security and user are always given).
    """
    import megacase.services.mail.mail_routes as mail_routes
    roles.require_identified(ws)
    values = {SMTP_HOST.key: host, SMTP_PORT.key: port, SMTP_SECURITY.key: security, SMTP_USER.key: user or ""}
    for spec, value in ((MAIL_TRANSPORT, transport), (MAIL_TENANT, tenant), (MAIL_CLIENT_ID, client_id),
                        (MAIL_AUTHORITY_HOST, authority_host), (MAIL_GRAPH_URL, graph_url)):
        if value is not None:
            values[spec.key] = value
    current = load_settings(ws)
    if sender is not None:
        values[SMTP_SENDER.key] = sender
    elif not current.sender and user and "@" in user:
        values[SMTP_SENDER.key] = user   # Office 365 sends as the signed-in mailbox
    kind = values.get(MAIL_TRANSPORT.key, current.transport)
    if kind != "smtp-password" and not (values.get(MAIL_TENANT.key, current.tenant)
                                        and values.get(MAIL_CLIENT_ID.key, current.client_id)):
        raise InputError(_("Office 365 sign-in needs the tenant and the application (client) ID of the app "
                           "registration (see the README, 'Office 365')."))
    return mail_routes.request_change(ws, values)


def configure(ws: Workspace, host: str, port: int, security: str, user: str | None = None,
              sender: str | None = None, **office) -> MailSettings:
    """``request_configuration``, then the settings in force (unchanged while the change awaits approval)."""
    request_configuration(ws, host, port, security, user, sender, **office)
    return load_settings(ws)


def store_password(smtp: MailSettings, password: str) -> None:
    if not smtp.user:
        raise InputError(_("Set the mail server user name first: the password belongs to that user."))
    if not password:
        raise InputError(_("The password is empty."))
    try:
        keyring.set_password(KEYRING_SERVICE, smtp.keyring_user, password)
    except keyring.errors.KeyringError as exc:
        raise InputError(_("The system keyring refused to store the password ({name}); set {password_env} "
                           "instead.").format(name=type(exc).__name__, password_env=PASSWORD_ENV)) from None


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
MAILBOX_KINDS = settings.MAILBOX_KINDS
MAILBOX_KIND = settings.MAILBOX_KIND
MAILBOX_HOST = settings.MAILBOX_HOST
MAILBOX_PORT = settings.MAILBOX_PORT
MAILBOX_SECURITY = settings.MAILBOX_SECURITY
MAILBOX_USER = settings.MAILBOX_USER
MAILBOX_FOLDER = settings.MAILBOX_FOLDER
MAILBOX_AUTH = settings.MAILBOX_AUTH
MAILBOX_SINCE = settings.MAILBOX_SINCE
MAILBOX_POLL_MINUTES = settings.MAILBOX_POLL_MINUTES


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
            raise InputError(_("Give the privacy mailbox's user (its address): --user."))
        return saved


def store_mailbox_password(box: MailboxSettings, password: str) -> None:
    if not box.user or not password:
        raise InputError(_("Set the mailbox user first, and give a password that is not empty."))
    try:
        keyring.set_password(MAILBOX_KEYRING_SERVICE, box.keyring_user, password)
    except keyring.errors.KeyringError as exc:
        raise InputError(_("The system keyring refused to store the password ({name}); set "
                           "{mailbox_password_env} instead.").format(
                             name=type(exc).__name__, mailbox_password_env=MAILBOX_PASSWORD_ENV)) from None


def mailbox_password_for(box: MailboxSettings) -> str | None:
    env = os.environ.get(MAILBOX_PASSWORD_ENV)
    if env:
        return env
    try:
        return keyring.get_password(MAILBOX_KEYRING_SERVICE, box.keyring_user) if box.user else None
    except keyring.errors.KeyringError:
        return None
