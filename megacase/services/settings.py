"""Register-wide settings (the ``settings`` table): typed, declared once, changed with an audit event.

These are shared by every user of the register (lead times, four-eyes, the
digest address). Never secrets: passwords live in the keyring. Window
preferences of one person are not here but in ``megacase.ui.settings``.

Every key is declared here, in this one module, so that the registry is complete
as soon as it is imported (``megacase settings show`` lists them all; a test
refuses a ``declare`` anywhere else). A feature reads its keys from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from typing import Any, Callable

from sqlalchemy.orm import Session

from megacase.domain.validation import normalise_email
from megacase.errors import InputError, NotFound, RuleViolation
from megacase.i18n import LANGUAGES, N_, _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.workspace import Workspace
from megacase.store.orm import Setting as SettingRow


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type                      # int | bool | str
    default: Any
    label: str
    minimum: int | None = None
    maximum: int | None = None
    manager_only: bool = False      # e.g. four-eyes: an officer must not switch off their own review
    audit_value: bool = True        # False: the event says that it changed, not to what
    check: Callable[[Any], Any] | None = None   # normalise or raise InputError
    fixed: bool = False             # set when the register is created, never changed afterwards
    mail_route: bool = False        # decides where mail goes: changed through services.mail_routes only


SPECS: dict[str, Setting] = {}


def declare(spec: Setting) -> Setting:
    SPECS[spec.key] = spec
    return spec


def _optional_email(value: str) -> str:
    return normalise_email(value) if value.strip() else ""


REMINDER_DUE_SOON_DAYS = declare(Setting(
    "reminders.due_soon_working_days", int, 5,
    N_("Remind of a case this many working days before it falls due"), 0, 40))
REMINDER_EXTENSION_DAYS = declare(Setting(
    "reminders.extension_working_days", int, 10,
    N_("Remind this many working days before the extension notice window closes"), 0, 40))
REMINDER_INTERVAL_MINUTES = declare(Setting(
    "reminders.check_every_minutes", int, 30,
    N_("While the window is open, look for new reminders every so many minutes"), 1, 24 * 60))
PROMISE_DAYS = declare(Setting(
    "deadlines.promise_days", int, 30,
    N_("The privacy policy's promise: reply within this many days (0: no promise beside the legal due date)"), 0, 90))
FOUR_EYES = declare(Setting(
    "review.four_eyes", bool, False,
    N_("Four-eyes: refusals, fee requests and extensions need a manager's approval"), manager_only=True))
DIGEST_ENABLED = declare(Setting(
    "digest.enabled", bool, False, N_("Send a daily digest of due and overdue cases by e-mail")))
DIGEST_ADDRESS = declare(Setting(
    "digest.address", str, "", N_("Internal address that receives the daily digest (never a subject)"),
    audit_value=False, check=_optional_email))
def _digest_language(value: str) -> str:
    value = value.strip().lower()
    if value and value not in LANGUAGES:
        raise InputError(_("Unknown digest language '{value}': use fr, nl or en (empty: the interface "
                           "language).").format(value=value))
    return value


DIGEST_LANGUAGE = declare(Setting(
    "digest.language", str, "", N_("Language of the daily digest: fr, nl or en (empty: the interface language "
                                   "of whoever sends it)"), check=_digest_language))
DIGEST_LAST_SENT = declare(Setting(
    "digest.last_sent_on", str, "", N_("Day the last digest was sent (kept by the application)")))


# --- mail: how letters leave (services.mail) -------------------------------------------------------------
SECURITY_MODES = ("none", "starttls", "tls")
TRANSPORTS = ("smtp-password", "smtp-oauth", "graph")


def _security(value: str) -> str:
    value = value.strip().lower()
    if value not in SECURITY_MODES:
        raise InputError(_("Unknown connection security '{value}': use none, starttls or tls.").format(
                             value=value))
    return value


def _host(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 253 or any(c.isspace() for c in value):
        raise InputError(_("Give the mail server's host name, e.g. smtp.office365.com."))
    return value


def _transport(value: str) -> str:
    value = value.strip().lower()
    if value not in TRANSPORTS:
        raise InputError(_("Unknown mail transport '{value}': use {transports}.").format(
                             value=value, transports=', '.join(TRANSPORTS)))
    return value


def _https_url(value: str) -> str:
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise InputError(_("'{value}' is not an https:// address: Microsoft sign-in and Graph only speak HTTPS.").format(
                             value=value))
    return value


def _tenant(value: str) -> str:
    value = value.strip()
    if value and (len(value) > 100 or not all(c.isalnum() or c in "-." for c in value)):
        raise InputError(_("Give the Entra tenant as its ID (a GUID) or its domain, e.g. "
                           "megasecurity.onmicrosoft.com."))
    return value


def _client_id(value: str) -> str:
    value = value.strip()
    if value and (len(value) > 100 or not all(c.isalnum() or c == "-" for c in value)):
        raise InputError(_("Give the application (client) ID of the app registration: a GUID."))
    return value


SMTP_HOST = declare(Setting("smtp.host", str, "smtp.office365.com", N_("Mail server (SMTP) host"),
                            check=_host, mail_route=True))
SMTP_PORT = declare(Setting("smtp.port", int, 587, N_("Mail server port"), 1, 65535, mail_route=True))
SMTP_SECURITY = declare(Setting("smtp.security", str, "starttls", N_("Connection security: none, starttls or tls"),
                                check=_security, mail_route=True))
SMTP_USER = declare(Setting("smtp.user", str, "", N_("User name on the mail server (empty: no login)"),
                            check=lambda v: v.strip(), mail_route=True))
SMTP_SENDER = declare(Setting("smtp.sender", str, "", N_("Sender address of letters"),
                              check=_optional_email, mail_route=True))
MAIL_TRANSPORT = declare(Setting("mail.transport", str, "smtp-password",
                                 N_("How letters leave: smtp-password, smtp-oauth (Office 365) or graph"),
                                 check=_transport, mail_route=True))
MAIL_TENANT = declare(Setting("mail.tenant", str, "", N_("Office 365: Entra tenant (ID or domain)"),
                              check=_tenant, mail_route=True))
MAIL_CLIENT_ID = declare(Setting("mail.client_id", str, "", N_("Office 365: application (client) ID of the app "
                                 "registration"), check=_client_id, mail_route=True))
# Other Microsoft clouds (national clouds) have their own sign-in and Graph hosts.
MAIL_AUTHORITY_HOST = declare(Setting("mail.authority_host", str, "https://login.microsoftonline.com",
                                      N_("Office 365: sign-in host"), check=_https_url, mail_route=True))
MAIL_GRAPH_URL = declare(Setting("mail.graph_url", str, "https://graph.microsoft.com/v1.0",
                                 N_("Office 365: Microsoft Graph address"), check=_https_url, mail_route=True))
PRIVACY_CONTACT = declare(Setting("letters.privacy_contact", str, "info@megasecurity.eu",
                                  N_("Privacy contact address printed in letters"), check=normalise_email, mail_route=True))
SIGNATORY = declare(Setting("letters.signatory", str, "",
                            N_("Name that signs letters (empty: the acting user's name)"), check=lambda v: v.strip()))



COMPANY_DOMAINS = declare(Setting(
    "company.domains", str, "megasecurity.eu",
    N_("The company's own mail domains (fixed when the register was created)"), fixed=True))
# Where mail goes (mail_route=True above) is changed through services.mail.mail_routes only: an officer asks,
# a manager approves.


# --- the company, as letters identify it ---------------------------------------------------------------------
def _enterprise_number(value: str) -> str:
    """0123.456.789 (the BE prefix and the dots are optional when typed); empty clears it."""
    digits = "".join(ch for ch in value.upper().removeprefix("BE") if ch.isdigit())
    if not digits:
        return ""
    if len(digits) != 10 or digits[0] not in "01":
        raise InputError(_("An enterprise number has ten digits starting with 0 or 1, e.g. 0123.456.789."))
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise InputError(_("{value} is not a valid enterprise number (its check digits do not match).").format(
                             value=value.strip()))
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


# Code of Companies and Associations, Art. 2:20: printed in every letter's footer once filled in.
ENTERPRISE_NUMBER = declare(Setting("company.enterprise_number", str, "",
                                    N_("Enterprise number (KBO/BCE) printed in letters, e.g. 0123.456.789"),
                                    check=_enterprise_number))
REGISTER_SEAT = declare(Setting("company.register_seat", str, "",
                                N_("RPR/RPM: the court division of the seat, e.g. Gent, afdeling Brugge"),
                                check=lambda v: " ".join(v.split())))


# --- the privacy mailbox (services.mail.mailbox) ----------------------------------------------------------
MAILBOX_KINDS = ("imap", "graph")


def _mailbox_kind(value: str) -> str:
    value = value.strip().lower()
    if value and value not in MAILBOX_KINDS:
        raise InputError(_("Unknown mailbox kind '{value}': use imap or graph.").format(value=value))
    return value


def _mailbox_auth(value: str) -> str:
    value = value.strip().lower()
    if value not in ("password", "oauth"):
        raise InputError(_("Unknown mailbox login '{value}': use password or oauth.").format(value=value))
    return value


def _folder(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 120 or any(c in value for c in '\r\n"'):
        raise InputError(_("Give the mailbox folder to read, e.g. INBOX."))
    return value


MAILBOX_KIND = declare(Setting("mailbox.kind", str, "", N_("Privacy mailbox: imap or graph (empty: none)"),
                               check=_mailbox_kind))
MAILBOX_HOST = declare(Setting("mailbox.host", str, "outlook.office365.com", N_("Privacy mailbox: IMAP server"),
                               check=_host))
MAILBOX_PORT = declare(Setting("mailbox.port", int, 993, N_("Privacy mailbox: IMAP port"), 1, 65535))
MAILBOX_SECURITY = declare(Setting("mailbox.security", str, "tls", N_("Privacy mailbox: none, starttls or tls"),
                                   check=_security))
MAILBOX_USER = declare(Setting("mailbox.user", str, "", N_("Privacy mailbox: user (the mailbox address)"),
                               check=lambda v: v.strip()))
MAILBOX_FOLDER = declare(Setting("mailbox.folder", str, "INBOX", N_("Privacy mailbox: folder to read"),
                                 check=_folder))
MAILBOX_AUTH = declare(Setting("mailbox.auth", str, "password", N_("Privacy mailbox: IMAP login with a password or "
                               "an Office 365 token (oauth)"), check=_mailbox_auth))
def _since(value: str) -> str:
    value = value.strip()
    if value:
        from datetime import date
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InputError(_("'{value}' is not a date in YYYY-MM-DD form.").format(value=value)) from None
    return value


MAILBOX_SINCE = declare(Setting("mailbox.since", str, "", N_("Privacy mailbox: ignore messages received before this "
                                "day (YYYY-MM-DD; empty: read them all)"), check=_since))
MAILBOX_POLL_MINUTES = declare(Setting("mailbox.poll_minutes", int, 5, N_("While the window is open, fetch the "
                                       "privacy mailbox every so many minutes"), 1, 24 * 60))



# --- the shop's systems (services.systems): where each connector's API is, and its options ---------------
SYSTEM_NAMES = {"lightspeed": "Lightspeed", "mailchimp": "MailChimp", "office365": "Office 365", "paypal": "PayPal",
                "carriers": "Carriers", "silvasoft": "Silvasoft", "google_analytics": "Google Analytics"}
for _key, _name in SYSTEM_NAMES.items():
    declare(Setting(f"systems.{_key}.base_url", str, "", f"{_name}: API base URL with its version path "
                                                         "(empty: the vendor's address)"))
    declare(Setting(f"systems.{_key}.options", str, "", f"{_name}: connector options (name=value; …)"))


CASE_YEARS = declare(Setting(
    "retention.case_years", int, 5,
    N_("Years after closure before a case is reduced to its anonymous skeleton"), 1, 30))


def is_mail_route(key: str) -> bool:
    """Whether a setting decides where mail goes (changed through services.mail.mail_routes only)."""
    return _spec(key).mail_route


def _spec(key: str) -> Setting:
    try:
        return SPECS[key]
    except KeyError:
        raise NotFound(_("Unknown setting '{key}'. Known: {specs}.").format(
                           key=key, specs=', '.join(sorted(SPECS)))) from None


def _parse(spec: Setting, raw: Any) -> Any:
    if spec.kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise InputError(_("'{raw}' is not on/off for the setting {key}.").format(raw=raw, key=spec.key))
    if spec.kind is int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InputError(_("'{raw}' is not a whole number for the setting {key}.").format(
                                 raw=raw, key=spec.key)) from None
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise InputError(_("{setting}: give a number from {minimum} to {maximum}.").format(
                                 setting=_(spec.label), minimum=spec.minimum, maximum=spec.maximum))
        return value
    value = str(raw).strip()
    return spec.check(value) if spec.check else value


def parse(key: str, raw: Any) -> Any:
    """The typed, checked value of a setting (InputError when it is not acceptable)."""
    return _parse(_spec(key), raw)


def _stored(spec: Setting, value: Any) -> str:
    if spec.kind is bool:
        return "on" if value else "off"
    return str(value)


def get_in(session: Session, key: str) -> Any:
    spec = _spec(key)
    row = session.get(SettingRow, key)
    if row is None:
        return spec.default
    try:
        return _parse(spec, row.value)
    except InputError:
        return spec.default   # a hand-edited bad value must not break the application


def get(ws: Workspace, key: str) -> Any:
    with ws.reading() as session:
        return get_in(session, key)


def all_values(ws: Workspace) -> list[tuple[Setting, Any]]:
    with ws.reading() as session:
        return [(spec, get_in(session, spec.key)) for spec in SPECS.values()]


def set_in(session: Session, ws: Workspace, key: str, raw: Any, *, record: bool = True) -> Any:
    """Change a setting inside the caller's transaction (``record=False``: bookkeeping, no event)."""
    spec = _spec(key)
    value = _parse(spec, raw)
    old = get_in(session, key)
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=_stored(spec, value)))
    else:
        row.value = _stored(spec, value)
    if record and old != value:
        details = {"key": key, "old": _stored(spec, old), "new": _stored(spec, value)} if spec.audit_value \
            else {"key": key, "changed": True}
        audit.record(session, ws, "settings.changed", details=details)
    return value


def set_value(ws: Workspace, key: str, raw: Any) -> Any:
    """One user action: change one setting (roles checked), with its audit event."""
    spec = _spec(key)
    if spec.fixed:
        raise RuleViolation(_("'{setting}' was fixed when the register was created and cannot be changed.").format(
                                setting=_(spec.label)))
    if spec.mail_route:   # where mail goes: an officer asks, a manager approves (megacase.services.mail.mail_routes)
        raise RuleViolation(_("'{setting}' decides where mail goes: it changes through a mail routing request "
                              "(megacase.services.mail.mail_routes), approved by a manager.").format(
                                setting=_(spec.label)))
    if spec.manager_only:
        roles.require(ws, roles.MANAGER_SETTINGS, _("Changing '{setting}'").format(setting=_(spec.label)))
    else:
        roles.require_identified(ws)
    with ws.transaction() as session:
        return set_in(session, ws, key, raw)
