"""Register-wide settings (the ``settings`` table): typed, declared once, changed with an audit event.

These are shared by every user of the register (lead times, four-eyes, the
digest address). Never secrets: passwords live in the keyring. Window
preferences of one person are not here but in ``megacase.ui.settings``.

Other features declare their own keys with ``declare(Setting(...))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.orm import Session

from megacase.domain.validation import normalise_email
from megacase.errors import InputError, NotFound, RuleViolation
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
    "Remind of a case this many working days before it falls due", 0, 40))
REMINDER_EXTENSION_DAYS = declare(Setting(
    "reminders.extension_working_days", int, 10,
    "Remind this many working days before the extension notice window closes", 0, 40))
REMINDER_INTERVAL_MINUTES = declare(Setting(
    "reminders.check_every_minutes", int, 30,
    "While the window is open, look for new reminders every so many minutes", 1, 24 * 60))
FOUR_EYES = declare(Setting(
    "review.four_eyes", bool, False,
    "Four-eyes: refusals, fee requests and extensions need a manager's approval", manager_only=True))
DIGEST_ENABLED = declare(Setting(
    "digest.enabled", bool, False, "Send a daily digest of due and overdue cases by e-mail"))
DIGEST_ADDRESS = declare(Setting(
    "digest.address", str, "", "Internal address that receives the daily digest (never a subject)",
    audit_value=False, check=_optional_email))
DIGEST_LAST_SENT = declare(Setting(
    "digest.last_sent_on", str, "", "Day the last digest was sent (kept by the application)"))


def _spec(key: str) -> Setting:
    try:
        return SPECS[key]
    except KeyError:
        raise NotFound(f"Unknown setting '{key}'. Known: {', '.join(sorted(SPECS))}.") from None


def _parse(spec: Setting, raw: Any) -> Any:
    if spec.kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise InputError(f"'{raw}' is not on/off for the setting {spec.key}.")
    if spec.kind is int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InputError(f"'{raw}' is not a whole number for the setting {spec.key}.") from None
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise InputError(f"{spec.label}: give a number from {spec.minimum} to {spec.maximum}.")
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
        raise RuleViolation(f"'{spec.label}' was fixed when the register was created and cannot be changed.")
    if spec.mail_route:   # where mail goes: an officer asks, a manager approves (megacase.services.mail.mail_routes)
        from megacase.services.mail import mail_routes
        mail_routes.request_change(ws, {key: raw})
        return get(ws, key)
    if spec.manager_only:
        roles.require_manager(ws, f"Changing '{spec.label}'")
    else:
        roles.require_identified(ws)
    with ws.transaction() as session:
        return set_in(session, ws, key, raw)
