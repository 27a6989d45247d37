"""Shared fixtures: a real SQLCipher profile in tmp_path, an in-memory keyring, a settable clock."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import keyring
import pytest

from megacase.store.memory_keyring import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["MEGACASE_NO_ERROR_DIALOG"] = "1"

PASSPHRASE = "correct horse battery staple"
FAST_SCRYPT = 2**12   # tests only: the shipped cost is 2**17


class Clock:
    """A settable clock: tests move time across deadlines."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> None:
        """Brussels local time, e.g. '2027-04-01 10:00'."""
        from zoneinfo import ZoneInfo
        self.now = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Brussels")).astimezone(timezone.utc)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def clock():
    c = Clock(datetime(2027, 4, 1, 8, 0, tzinfo=timezone.utc))
    return c


@pytest.fixture
def keystore():
    from megacase.store.keys import KeyStore
    return KeyStore()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "profile"


@pytest.fixture
def ws(data_dir, keystore, clock):
    from megacase.services.session import create_profile
    from megacase.services.workspace import Actor
    return create_profile(data_dir, PASSPHRASE, keystore, Actor("alice", "officer"), clock=clock,
                          scrypt_n=FAST_SCRYPT)


@pytest.fixture
def new_subject():
    from megacase.services.cases.subjects import NewSubject
    return NewSubject("Hélène Dubois", "helene.dubois@skynet.be", "fr", "Rue de l'Église 12, 5000 Namur", "C-104233")


@pytest.fixture
def open_access_case(ws, new_subject, clock):
    from megacase.services.cases import cases

    def make(received="2027-04-01 09:30", types=("access",), subject=None):
        from zoneinfo import ZoneInfo
        at = datetime.fromisoformat(received).replace(tzinfo=ZoneInfo("Europe/Brussels"))
        if clock.now < at:
            clock.now = at.astimezone(timezone.utc)
        if subject is None:
            return cases.open_case(ws, cases.NewCase(types, "email", at, new_subject=new_subject))
        return cases.open_case(ws, cases.NewCase(types, "email", at, subject_id=subject))
    return make


@pytest.fixture
def smtp(ws):
    """A real SMTP server on loopback, with the register's mail settings pointing at it."""
    from tests.smtp_server import LoopbackSmtp, point_at
    server = LoopbackSmtp().start()
    point_at(ws, server)
    yield server
    server.stop()
