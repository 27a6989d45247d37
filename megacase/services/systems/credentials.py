"""Connector credentials: in the operating system's keyring, or ``MEGACASE_<NAME>_KEY`` where there is none.

Never in the register, the settings or a log: services pass the credential
straight to the HTTP client's headers and forget it.
"""

from __future__ import annotations

import os

import keyring
import keyring.errors

from megacase.errors import InputError
from megacase.i18n import _
from megacase.services.systems.catalogue import SystemSpec

KEYRING_SERVICE = "MegaCase systems"


def store(spec: SystemSpec, credential: str) -> None:
    credential = (credential or "").strip()
    if not credential:
        raise InputError(_("{processor}: the credential is empty.").format(processor=spec.processor))
    try:
        keyring.set_password(KEYRING_SERVICE, spec.key, credential)
    except keyring.errors.KeyringError as exc:
        raise InputError(_("The system keyring refused to store the credential ({name}); set {env_var} instead.").format(
                             name=type(exc).__name__, env_var=spec.env_var)) from None


def forget(spec: SystemSpec) -> None:
    try:
        keyring.delete_password(KEYRING_SERVICE, spec.key)
    except Exception:   # any keyring failure means no keyring (as for the register's key)
        pass


def credential_for(spec: SystemSpec) -> str | None:
    try:
        stored = keyring.get_password(KEYRING_SERVICE, spec.key)
    except Exception:   # any keyring failure means no keyring (as for the register's key)
        stored = None
    return stored or os.environ.get(spec.env_var) or None


def where(spec: SystemSpec) -> str:
    """Where the credential comes from, for 'systems list' (never the value)."""
    try:
        if keyring.get_password(KEYRING_SERVICE, spec.key):
            return "keyring"
    except Exception:   # any keyring failure means no keyring (as for the register's key)
        pass
    return "environment" if os.environ.get(spec.env_var) else "missing"
