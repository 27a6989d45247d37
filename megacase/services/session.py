"""Opening a profile into a Workspace: the one place that picks the key source."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from sqlalchemy import select

from megacase.services.integrity import audit
from megacase.services.workspace import Actor, Workspace, system_clock
from megacase.store import keys, profile
from megacase.store.orm import User


def default_actor() -> Actor:
    name = os.environ.get("MEGACASE_USER") or getpass.getuser() or "officer"
    return Actor(name=name, role="officer")


def create_profile(data_dir: Path, passphrase: str, keystore: keys.KeyStore, actor: Actor | None = None,
                   clock=system_clock, scrypt_n: int | None = None) -> Workspace:
    engine = profile.create(data_dir, passphrase, keystore, scrypt_n=scrypt_n)
    ws = Workspace(engine, actor or default_actor(), clock)
    with ws.transaction() as session:
        from megacase.services import settings
        from megacase.services.mail import mail_routes
        from megacase.services.integrity import state
        # the company's own mail domains: fixed now, never changed afterwards (sender and privacy contact)
        settings.set_in(session, ws, mail_routes.COMPANY_DOMAINS.key, mail_routes.COMPANY_DOMAINS.default,
                        record=False)
        created = audit.record(session, ws, "profile.created", details={"schema": "initial", "state_tracked": True})
        audit.attach_state(session, created, state.snapshot_all(session))
    return ws


def open_profile(data_dir: Path, keystore: keys.KeyStore, passphrase: str | None = None,
                 actor: Actor | None = None, clock=system_clock) -> Workspace:
    engine = profile.open_(data_dir, keystore, passphrase)
    ws = Workspace(engine, actor or default_actor(), clock)
    from megacase.services.integrity import state
    state.record_baseline(ws)   # once, for a register made before rows were recorded in events
    return ws


def users(ws: Workspace) -> list[Actor]:
    with ws.reading() as session:
        return [Actor(u.name, u.role) for u in session.execute(select(User).where(User.active.is_(True))).scalars()]
