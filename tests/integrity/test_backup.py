"""Backups: taken while the officer works, encrypted, rotated, verified, restored; a damaged one refused."""

from __future__ import annotations

import hashlib
import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from megacase import cli
from megacase.errors import MissingRegister, ProfileExists
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.integrity import backup
from megacase.services.session import create_profile, open_profile
from megacase.services.cases.subjects import NewSubject
from megacase.services.workspace import Actor
from megacase.store import backups, keys, private
from tests.conftest import FAST_SCRYPT, PASSPHRASE


def _open(ws, i: int):
    return cases.open_case(ws, cases.NewCase(("access",), "email", ws.now(), new_subject=NewSubject(
        f"Zoë Peeters {i}", f"zoe.{i}@telenet.be", "nl", None, None)))


def _key(data_dir):
    return keys.unlock_key(data_dir, keys.KeyStore(), PASSPHRASE)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_is_encrypted_private_verified_and_kept_with_its_recovery_file(ws, data_dir):
    _open(ws, 1)
    path = backup.back_up(ws)
    assert path.parent == data_dir / "backups" and path.name.startswith("megacase-backup-")
    assert private.is_private(path) and private.is_private(path.parent)
    raw = path.read_bytes()
    assert b"SQLite format 3" not in raw[:16] and b"Peeters" not in raw and b"telenet" not in raw
    assert (path.parent / keys.RECOVERY_FILE).read_bytes() == keys.recovery_path(data_dir).read_bytes()
    report = backup.verify_backup(path, _key(data_dir))
    assert report.ok, report.problems
    assert report.events == audit.event_count(ws)
    assert not [p for p in path.parent.iterdir() if p.name.endswith((".part", "-journal", "-wal", "-shm"))]


def test_backup_taken_while_writing_restores_to_a_register_that_verifies(ws, data_dir, tmp_path):
    stop, written, errors = threading.Event(), [], []

    def officer_keeps_working():
        i = 0
        while not stop.is_set():
            try:
                written.append(_open(ws, i).reference)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
            i += 1

    worker = threading.Thread(target=officer_keeps_working)
    worker.start()
    try:
        taken = []
        while len(taken) < 3:
            taken.append(backup.back_up(ws, folder=tmp_path / "nas"))
            assert backup.verify_backup(taken[-1], _key(data_dir)).ok
    finally:
        stop.set()
        worker.join()
    assert not errors and written
    result = backup.restore(data_dir, taken[-1], _key(data_dir), Actor("alice"))
    assert result.kept_aside and result.kept_aside.exists()
    restored = open_profile(data_dir, keys.KeyStore(), PASSPHRASE, Actor("alice"))
    report = audit.verify(restored)
    assert report.ok, report.findings
    refs = {c.reference for c in queries.list_cases(restored)}
    assert refs <= set(written) and refs       # a consistent moment of the register: no half of a case


def test_restore_brings_back_the_backup_keeps_the_current_aside_and_says_so(ws, data_dir):
    first = _open(ws, 1).reference
    path = backup.back_up(ws)
    later = _open(ws, 2).reference
    result = backup.restore(data_dir, path, _key(data_dir), Actor("alice"))
    restored = open_profile(data_dir, keys.KeyStore(), PASSPHRASE, Actor("alice"))
    assert {c.reference for c in queries.list_cases(restored)} == {first}
    assert audit.verify(restored).ok, audit.verify(restored).findings
    with restored.reading() as s:
        from sqlalchemy import select
        from megacase.store.orm import AuditEvent
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last.kind == "register.restored" and path.name in last.details
    aside = open_profile_file(result.kept_aside, data_dir)
    assert later in aside


def open_profile_file(db_file: Path, data_dir: Path) -> set[str]:
    """The case references in a database file kept aside (opened with the profile's key)."""
    from megacase.services.workspace import Workspace
    from megacase.store import db
    engine = db.make_engine(db_file, _key(data_dir), read_only=True)
    try:
        return {c.reference for c in queries.list_cases(Workspace(engine, Actor("check")))}
    finally:
        engine.dispose()


@pytest.mark.parametrize("damage", ["flip", "truncate", "other_key"])
def test_a_damaged_backup_is_refused_before_anything_is_replaced(ws, data_dir, tmp_path, keystore, damage):
    for i in range(5):
        _open(ws, i)
    path = backup.back_up(ws)
    if damage == "flip":
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        path.write_bytes(bytes(raw))
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2 + 100])
    else:
        other = create_profile(tmp_path / "other", PASSPHRASE, keystore, Actor("bob"), scrypt_n=FAST_SCRYPT)
        path = backup.back_up(other)
    before = _sha(data_dir / "megacase.db")
    report = backup.verify_backup(path, _key(data_dir))
    assert not report.ok and report.problems
    with pytest.raises(backup.BackupRejected, match="refused and nothing was replaced"):
        backup.restore(data_dir, path, _key(data_dir), Actor("alice"))
    assert _sha(data_dir / "megacase.db") == before
    assert not list(data_dir.glob("*.before-restore-*"))


def test_rotation_keeps_seven_daily_four_weekly_twelve_monthly(tmp_path):
    start = datetime(2027, 1, 1, 20, 0, tzinfo=timezone.utc)
    for day in range(400):                 # two backups a day for 400 days
        for hour in (9, 20):
            at = start + timedelta(days=day, hours=hour - 20)
            backups.new_backup_path(tmp_path, at).write_bytes(b"x")
    backups.rotate(tmp_path)
    kept = backups.list_backups(tmp_path)
    days = [b.taken_at.date() for b in kept]
    newest = start + timedelta(days=399)
    assert kept[0].taken_at == newest                                   # the newest stays
    assert len(set(days)) == len(days)                                  # at most one a day
    assert [d for d in days if (newest.date() - d).days < 7] == [newest.date() - timedelta(days=n) for n in range(7)]
    assert len({(b.taken_at.isocalendar()[:2]) for b in kept}) >= 4
    assert len({(b.taken_at.year, b.taken_at.month) for b in kept}) == 12
    assert len(kept) <= 7 + 4 + 12


def test_cli_backup_verify_and_restore(ws, data_dir, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    ref = _open(ws, 1).reference
    d = str(data_dir)
    assert cli.main(["backup", "folder", str(tmp_path / "nas"), "--data-dir", d]) == 0
    capsys.readouterr()
    assert cli.main(["backup", "--data-dir", d]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.parent == (tmp_path / "nas").resolve() and written.is_file()
    assert cli.main(["backup", "verify", str(written), "--data-dir", d]) == 0
    assert "Backup sound" in capsys.readouterr().out
    assert cli.main(["backup", "list", "--data-dir", d]) == 0
    assert str(written) in capsys.readouterr().out
    _open(ws, 2)
    assert cli.main(["restore", str(written), "--data-dir", d]) == 0
    out = capsys.readouterr().out
    assert "Restored the register" in out and "kept as" in out
    assert [c.reference for c in queries.list_cases(ws)] == [ref]
    damaged = tmp_path / "damaged.db"
    raw = bytearray(written.read_bytes())
    raw[5000] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    assert cli.main(["backup", "verify", str(damaged), "--data-dir", d]) == 1
    assert "NOT sound" in capsys.readouterr().out
    before = _sha(data_dir / "megacase.db")
    assert cli.main(["restore", str(damaged), "--data-dir", d]) == 1
    assert "nothing was replaced" in capsys.readouterr().err
    assert _sha(data_dir / "megacase.db") == before


@pytest.mark.parametrize("loss", ["missing", "empty", "truncated"])
def test_a_lost_database_is_reported_with_the_latest_backup_never_recreated(ws, data_dir, capsys, monkeypatch, loss):
    _open(ws, 1)
    path = backup.back_up(ws)
    database = data_dir / "megacase.db"
    if loss == "missing":
        database.unlink()
    elif loss == "empty":
        database.write_bytes(b"")
    else:
        database.write_bytes(database.read_bytes()[:600])
    with pytest.raises(MissingRegister, match="not recreated") as caught:
        open_profile(data_dir, keys.KeyStore(), PASSPHRASE)
    assert str(path) in str(caught.value)
    with pytest.raises(ProfileExists, match="already exists") as refused:
        create_profile(data_dir, PASSPHRASE, keys.KeyStore(), scrypt_n=FAST_SCRYPT)
    assert str(path) in str(refused.value)
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    assert cli.main(["case", "list", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "megacase restore" in err and str(path) in err
    assert cli.main(["init", "--data-dir", str(data_dir)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert not database.exists() or database.stat().st_size < 1024     # nothing was recreated
    assert cli.main(["restore", str(path), "--data-dir", str(data_dir)]) == 0
    assert len(queries.list_cases(ws)) == 1


def test_restore_after_the_whole_profile_was_lost(ws, data_dir, tmp_path, monkeypatch, memory_keyring, capsys):
    _open(ws, 1)
    path = backup.back_up(ws, folder=tmp_path / "nas")
    shutil.rmtree(data_dir)
    memory_keyring.store.clear()            # a new laptop: no keyring entry either
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    assert cli.main(["restore", str(path), "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    restored = open_profile(data_dir, keys.KeyStore(), PASSPHRASE)
    assert len(queries.list_cases(restored)) == 1 and audit.verify(restored).ok, audit.verify(restored).findings
