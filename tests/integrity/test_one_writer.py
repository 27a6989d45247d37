"""One writer at a time: the window's services and three command-line jobs write at once; every action
lands or is refused with the busy message, none is lost, and the chain verifies."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from megacase.errors import RegisterBusy
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.cases.subjects import NewSubject
from megacase.store import db
from megacase.store.orm import AuditEvent, Case
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
WRITERS, ACTIONS = 3, 12


def _writer(data_dir: Path, name: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEGACASE_")}
    env.update(MEGACASE_PASSPHRASE=PASSPHRASE, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.Popen([sys.executable, "-m", "tests.integrity.concurrent_writer", str(data_dir), name,
                             str(ACTIONS)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_window_and_three_cli_writers_lose_nothing(ws, data_dir, clock):
    from datetime import datetime, timezone
    clock.now = datetime.now(timezone.utc)      # the CLI writers use the real clock: keep events in time order
    procs = [_writer(data_dir, f"writer{i}") for i in range(WRITERS)]
    window_refs, window_busy, window_notes, errors = [], 0, 0, []

    def window_work():
        nonlocal window_busy, window_notes
        for i in range(ACTIONS):
            try:
                detail = cases.open_case(ws, cases.NewCase(("erasure",), "email", clock.now, new_subject=NewSubject(
                    f"Window {i}", f"window.{i}@example.be", "fr", None, None)))
                window_refs.append(detail.reference)
                cases.add_note(ws, detail.reference, "from the window")
                window_notes += 1
            except RegisterBusy:
                window_busy += 1
            except Exception as exc:  # noqa: BLE001 - collected and failed on below
                errors.append(repr(exc))

    thread = threading.Thread(target=window_work)
    thread.start()
    outputs = [p.communicate(timeout=300) for p in procs]
    thread.join(timeout=300)
    assert not errors, errors
    lines = [line for out, _err in outputs for line in out.splitlines()]
    assert all(p.returncode == 0 for p in procs), [err for _out, err in outputs]
    assert not [line for line in lines if line.startswith("OTHER")], lines
    cli_refs = [line.split()[2] for line in lines if line.startswith("OK open ")]
    cli_notes = sum(1 for line in lines if line.startswith("OK note "))
    refs = window_refs + cli_refs
    assert len(refs) == len(set(refs)), "a case number was given twice"
    with ws.reading() as session:
        in_register = set(session.scalars(select(Case.reference)))
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        notes = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == "case.note_added"))
    assert in_register == set(refs)           # every action that said OK landed, nothing else did
    assert notes == cli_notes + window_notes
    report = audit.verify(ws)
    assert report.ok, report
    assert events == report.count
    assert len(queries.list_cases(ws)) == len(refs)
    assert len(refs) >= ACTIONS            # at least the window's or the writers' work went through


def test_a_register_held_by_another_writer_is_reported_busy_in_one_line(ws, data_dir, monkeypatch, capsys):
    monkeypatch.setattr(db, "BUSY_SECONDS", 0.3)
    key_engine = ws.engine
    holder = key_engine.connect()
    holder.exec_driver_sql("SELECT 1")          # BEGIN IMMEDIATE: this connection holds the write lock
    try:
        ws2 = ws.__class__(db.make_engine(data_dir / db.DB_FILE, _key(data_dir)), ws.actor, ws.clock)
        with pytest.raises(RegisterBusy, match="^The register is busy: another MegaCase is writing; try again.$"):
            cases.open_case(ws2, cases.NewCase(("access",), "email", ws.now(), new_subject=NewSubject(
                "Busy Bee", "busy@example.be", "en", None, None)))
        assert len(queries.list_cases(ws2)) == 0      # readers are never held up by the writer
        from megacase import cli
        monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
        code = cli.main(["case", "note", "DSR-2027-0001", "--text", "x", "--data-dir", str(data_dir)])
        err = capsys.readouterr().err
        assert code == 2 and err == "megacase: The register is busy: another MegaCase is writing; try again.\n"
    finally:
        holder.rollback()
        holder.close()


def _key(data_dir):
    from megacase.store import keys
    return keys.unlock_key(data_dir, keys.KeyStore(), PASSPHRASE)
