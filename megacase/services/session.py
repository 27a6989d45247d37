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
        audit.record(session, ws, "profile.created", details={"schema": "initial"})
    return ws


def open_profile(data_dir: Path, keystore: keys.KeyStore, passphrase: str | None = None,
                 actor: Actor | None = None, clock=system_clock) -> Workspace:
    engine = profile.open_(data_dir, keystore, passphrase)
    return Workspace(engine, actor or default_actor(), clock)


def users(ws: Workspace) -> list[Actor]:
    with ws.reading() as session:
        return [Actor(u.name, u.role) for u in session.execute(select(User).where(User.active.is_(True))).scalars()]
