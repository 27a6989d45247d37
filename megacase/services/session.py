"""Opening a profile into a Workspace: the one place that picks the key source."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Callable

from sqlalchemy import select

from megacase.errors import InputError
from megacase.i18n import _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.workspace import Actor, Workspace, system_clock
from megacase.store import keys, profile
from megacase.store.orm import User


def default_actor(name: str | None = None) -> Actor:
    """Who claims to be working: the name given, else MEGACASE_USER, else the account's name (an officer).

    A register with users then checks the claim (sign-in dialog, ``app.identify_cli``).
    """
    name = name or os.environ.get("MEGACASE_USER") or getpass.getuser() or "officer"
    return Actor(name=name, role="officer")


def create_profile(data_dir: Path, passphrase: str, keystore: keys.KeyStore, actor: Actor | None = None,
                   clock=system_clock, scrypt_n: int | None = None,
                   fill: Callable[[Workspace], None] | None = None) -> Workspace:
    """A new register with its first audit event; ``fill(ws)`` (e.g. demo data) runs before it is moved into place,
    so an interrupted creation leaves no register rather than half of one."""
    actor = actor or default_actor()

    def first_events(staged_engine) -> None:
        from megacase.services import settings
        from megacase.services.integrity import state
        staged = Workspace(staged_engine, actor, clock)
        with staged.transaction() as session:
            # the company's own mail domains: fixed now, never changed afterwards (sender and privacy contact)
            settings.set_in(session, staged, settings.COMPANY_DOMAINS.key, settings.COMPANY_DOMAINS.default,
                            record=False)
            created = audit.record(session, staged, "profile.created",
                                   details={"schema": "initial", "state_tracked": True})
            audit.attach_state(session, created, state.snapshot_all(session))
        if fill is not None:
            fill(staged)

    engine = profile.create(data_dir, passphrase, keystore, scrypt_n=scrypt_n, fill=first_events)
    return Workspace(engine, actor, clock, data_dir=Path(data_dir))


def open_profile(data_dir: Path, keystore: keys.KeyStore, passphrase: str | None = None,
                 actor: Actor | None = None, clock=system_clock) -> Workspace:
    engine = profile.open_(data_dir, keystore, passphrase)
    ws = Workspace(engine, actor or default_actor(), clock, data_dir=Path(data_dir))
    audit.record_baseline(ws)   # once, for a register made before rows were recorded in events
    return ws


def change_recovery_passphrase(ws: Workspace, keystore: keys.KeyStore, new: str, old: str | None = None,
                               scrypt_n: int | None = None) -> None:
    """One user action: a new recovery passphrase (see ``store.profile.change_passphrase``), with its event.

    The file is rewritten inside the event's transaction: if it cannot be written, no event is recorded.
    """
    roles.require(ws, roles.CHANGE_PASSPHRASE)
    if ws.data_dir is None:
        raise InputError(_("This register was not opened from a profile folder."))
    with ws.transaction() as session:
        audit.record(session, ws, "profile.passphrase_changed",
                     details={"proof": "passphrase" if old is not None else "keyring"})
        profile.change_passphrase(ws.data_dir, keystore, new, old, scrypt_n=scrypt_n)


def users(ws: Workspace) -> list[Actor]:
    with ws.reading() as session:
        return [Actor(u.name, u.role) for u in session.execute(select(User).where(User.active.is_(True))).scalars()]
