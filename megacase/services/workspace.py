"""The open register as services see it: engine, clock and the acting user."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from megacase.config import BRUSSELS
from megacase.store import db

TZ = ZoneInfo(BRUSSELS)



# Called with (session, workspace) when a user action's transaction opens. services.integrity.state adds its
# watcher (every changed row's new values go into the action's event); services.session imports it, so every
# register opened through the composition root is watched.
TRANSACTION_WATCHERS: list[Callable[["Session", "Workspace"], None]] = []

@dataclass(frozen=True)
class Actor:
    name: str
    role: str = "officer"   # officer | manager | viewer
    # The user's unwrapped Ed25519 key after a sign-in with the password; events are signed with it.
    signing_key: bytes | None = field(default=None, compare=False, repr=False)
    signing_key_id: int | None = field(default=None, compare=False, repr=False)


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


class Workspace:
    """Chosen once at start and passed to every service."""

    def __init__(self, engine: Engine, actor: Actor, clock: Callable[[], datetime] = system_clock,
                 transport_factory: Callable[[Workspace], object] | None = None, data_dir: Path | None = None):
        self.engine = engine
        self.actor = actor
        self.clock = clock
        # The mail transport chosen at start (megacase.app.build_transport); None: SMTP from the settings.
        self.transport_factory = transport_factory
        self.data_dir = data_dir        # the profile folder (its recovery file), when opened from one

    def now(self) -> datetime:
        """Aware UTC now."""
        return self.clock().astimezone(timezone.utc)

    def now_naive(self) -> datetime:
        """UTC now as stored in the database (naive)."""
        return self.now().replace(tzinfo=None, microsecond=0)

    def today(self) -> date:
        """Today's calendar date in Brussels: the day deadlines are counted in."""
        return self.now().astimezone(TZ).date()

    def as_actor(self, actor: Actor) -> Workspace:
        return Workspace(self.engine, actor, self.clock, self.transport_factory, self.data_dir)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: commits whole, or rolls back whole on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            for watch in TRANSACTION_WATCHERS:     # the integrity feature records the changed rows (state)
                watch(session, self)
            with session.begin():
                yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Only reads: never takes the write lock, so it never waits for a writer (see store/db.py)."""
        with Session(db.reading(self.engine), expire_on_commit=False) as session:
            yield session


def to_local(dt_utc_naive: datetime | None) -> datetime | None:
    if dt_utc_naive is None:
        return None
    return dt_utc_naive.replace(tzinfo=timezone.utc).astimezone(TZ)


def local_date(dt_utc_naive: datetime) -> date:
    return to_local(dt_utc_naive).date()
