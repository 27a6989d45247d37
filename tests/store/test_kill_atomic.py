"""Creation, demo creation and upgrades killed (SIGKILL) at random moments: afterwards each register is
absent, the old one or the new one, and it opens.

The default run is sized for CI; ``MEGACASE_KILL_RUNS=150`` (or more) runs that many kills of each kind
(see the README). The child prints READY once its imports are done, and the kill falls at a random moment
of the work that follows, up to a little past the time the work takes whole.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from megacase.services.cases import queries
from megacase.services.integrity import anchors, audit
from megacase.services.session import open_profile
from megacase.services.workspace import Actor
from megacase.store import db, keys, profile
from tests.conftest import PASSPHRASE
from tests.store.kill_target import DEMO_CASES
from tests.store.test_migrations import _register_at, _revisions

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("MEGACASE_KILL_RUNS", "30"))


class ForkServer:
    """tests/store/kill_target.py running in its own clean interpreter (no threads, no Qt)."""

    def __init__(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEGACASE_")}
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.store.kill_target"], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._read() == "READY"

    def _read(self) -> str:
        line = self.proc.stdout.readline().strip()
        assert line, "the fork server stopped"
        return line

    def start(self, mode: str, data_dir: Path) -> int:
        self.proc.stdin.write(f"{mode} {data_dir}\n")
        self.proc.stdin.flush()
        return int(self._read().split()[1])

    def wait(self) -> int:
        """The child's wait status (0: it finished its work)."""
        return int(self._read().split()[1])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server():
    s = ForkServer()
    yield s
    s.close()


def _work_seconds(server: ForkServer, mode: str, data_dir: Path) -> float:
    """How long the work takes when nobody kills it (the kills then fall across that span)."""
    started = time.monotonic()
    server.start(mode, data_dir)
    assert server.wait() == 0
    return time.monotonic() - started


def _killed_at_random(server: ForkServer, mode: str, data_dir: Path, span: float, rng: random.Random) -> bool:
    """Start, kill after a random delay; True when the kill landed before the child finished."""
    pid = server.start(mode, data_dir)
    time.sleep(rng.uniform(0, span * 1.1))
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    status = server.wait()
    assert status in (0, signal.SIGKILL), f"the work failed on its own (wait status {status})"
    return status != 0


def _check_created(data_dir: Path, keystore, demo_cases: int | None) -> str:
    """'absent' or 'new'; anything else fails the test."""
    if not profile.exists(data_dir):
        assert not data_dir.exists() or not any(data_dir.iterdir()), list(data_dir.iterdir())
        return "absent"
    ws = open_profile(data_dir, keystore, PASSPHRASE, Actor("check"))
    try:
        assert db.current_revision(ws.engine) == db.head_revision()
        report = audit.verify(ws)
        assert report.ok and report.count >= 1, report
        if demo_cases is not None:
            assert len(queries.list_cases(ws)) == demo_cases   # the whole demo or no register at all
    finally:
        ws.engine.dispose()
    return "new"


@pytest.mark.parametrize("mode", ["init", "demo"])
def test_creation_killed_anywhere_leaves_no_register_or_a_whole_one(server, tmp_path, keystore, mode):
    rng = random.Random(f"{mode}-{RUNS}")
    span = _work_seconds(server, mode, tmp_path / "calibration")
    outcomes = {"absent": 0, "new": 0}
    for run in range(RUNS):
        data_dir = tmp_path / f"run-{run}" / "profile"
        data_dir.parent.mkdir()
        _killed_at_random(server, mode, data_dir, span, rng)
        outcomes[_check_created(data_dir, keystore, DEMO_CASES if mode == "demo" else None)] += 1
        leftovers = [p.name for p in data_dir.parent.iterdir() if p.name != "profile"]
        if outcomes["absent"] + outcomes["new"] < RUNS:     # a later create clears what a kill left behind
            assert all(profile.STAGING_MARK in name for name in leftovers), leftovers
        shutil.rmtree(data_dir.parent)
    assert outcomes["absent"] > 0, outcomes     # the kills did land during the work


def test_upgrade_killed_anywhere_leaves_the_old_or_the_new_schema(server, tmp_path, keystore, memory_keyring):
    old = _revisions()[-2]
    template = tmp_path / "template"
    _register_at(template, old, keystore)
    span = _work_seconds(server, "upgrade", _copy(template, tmp_path / "calibration"))
    rng = random.Random(f"upgrade-{RUNS}")
    outcomes = {old: 0, db.head_revision(): 0}
    for run in range(RUNS):
        data_dir = _copy(template, tmp_path / f"run-{run}")
        # Every run is the template's copy on a fresh workstation: the keyring's audit anchor of the previous
        # run's copy (the same key id, another register's events) must not be held against this one.
        for name in [n for (_service, n) in memory_keyring.store if n.endswith(anchors.KEYRING_SUFFIX)]:
            memory_keyring.delete_password(keys.KEYRING_SERVICE, name)
        _killed_at_random(server, "upgrade", data_dir, span, rng)
        key = keys.unlock_key(data_dir, keystore, PASSPHRASE)
        engine = db.make_engine(data_dir / db.DB_FILE, key)
        revision = db.current_revision(engine)
        assert revision in outcomes, revision
        outcomes[revision] += 1
        if revision == old:
            # nothing of the new schema is left behind half-done: the tables are exactly the old ones
            with engine.connect() as conn:
                tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
            assert not any(t.startswith("_alembic_tmp") for t in tables), tables
        engine.dispose()
        ws = open_profile(data_dir, keystore, PASSPHRASE, Actor("check"))    # migrates when still old
        assert db.current_revision(ws.engine) == db.head_revision()
        assert queries.get_case(ws, "DSR-2027-0001").subject.name == "Zoë Van den Bossche"
        report = audit.verify(ws)
        assert report.ok, report.findings
        ws.engine.dispose()
        shutil.rmtree(data_dir)
    assert outcomes[old] > 0, outcomes


def _copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target
