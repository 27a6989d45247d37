"""Validation of what people type: e-mail addresses, names, references."""

from __future__ import annotations

import re

from megacase.errors import InputError
from megacase.i18n import _

# Deliberately strict: one mailbox, no display name, no comments, no quoted local part.
_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def normalise_email(value: str) -> str:
    """A single, plausible address with its domain in lower case; InputError otherwise."""
    text = (value or "").strip()
    if not _EMAIL.match(text) or ".." in text or text.startswith(".") or text.split("@")[0].endswith("."):
        raise InputError(_("'{value}' is not a valid e-mail address (expected something like name@example.be).").format(
                             value=value))
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def is_valid_email(value: str) -> bool:
    try:
        normalise_email(value)
        return True
    except InputError:
        return False


def require_text(value: str | None, what: str, max_len: int = 2000) -> str:
    """``what`` names the field, an English text marked ``N_()``: translated in the message."""
    text = (value or "").strip()
    if not text:
        raise InputError(_("{what} is required.").format(what=_(what)))
    if len(text) > max_len:
        raise InputError(_("{what} is too long (at most {max_len} characters).").format(
                             what=_(what), max_len=max_len))
    return text


def is_loopback(host: str) -> bool:
    """A server on this computer (localhost, 127.0.0.0/8, ::1): the only place mail may go unencrypted."""
    import ipaddress
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
