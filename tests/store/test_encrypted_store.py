import hashlib
import json
import sqlite3

import pytest

from megacase.errors import CorruptFile, NeedPassphrase, WrongPassphrase
from megacase.services.cases import queries
from megacase.services.demo import demo
from megacase.services.demo.demo import SUBJECTS
from megacase.services.session import open_profile
from megacase.store import db, keys, profile
from tests.conftest import PASSPHRASE


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def demo_ws(ws):
    demo.populate(ws, count=12)
    return ws


def test_files_are_unreadable_without_the_key(demo_ws, data_dir):
    # keep a connection open with a write in its WAL, so the -wal file exists while we look
    from sqlalchemy import text
    with demo_ws.engine.connect() as conn:
        conn.execute(text("UPDATE subjects SET language = language"))
        conn.commit()
        files = [p for p in data_dir.iterdir() if p.name.startswith(db.DB_FILE)]
        assert any(p.name.endswith("-wal") for p in files), [p.name for p in files]
        for path in files:
            raw = path.read_bytes()
            for name, email, _lang, address, _num in SUBJECTS:
                for needle in (name, email, address.split(",")[0]):
                    assert needle.encode("utf-8") not in raw, (path.name, needle)
                    assert needle.encode("utf-16-le") not in raw
            assert b"SQLite format 3" not in raw[:16]
    plain = sqlite3.connect(data_dir / db.DB_FILE)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    plain.close()


def test_recovery_passphrase_opens_when_the_keyring_entry_is_gone(demo_ws, data_dir, keystore, memory_keyring):
    before = [c.as_json() for c in queries.list_cases(demo_ws)]
    demo_ws.engine.dispose()
    memory_keyring.store.clear()
    with pytest.raises(NeedPassphrase):
        open_profile(data_dir, keystore)
    ws2 = open_profile(data_dir, keystore, PASSPHRASE, clock=demo_ws.clock)
    assert [c.as_json() for c in queries.list_cases(ws2)] == before
    assert memory_keyring.store, "a successful recovery puts the key back in the keyring"


def test_wrong_passphrase_is_refused_and_changes_nothing(demo_ws, data_dir, keystore, memory_keyring):
    demo_ws.engine.dispose()
    memory_keyring.store.clear()
    before = _digest(data_dir)
    with pytest.raises(WrongPassphrase, match="not correct"):
        open_profile(data_dir, keystore, "not the passphrase at all")
    assert _digest(data_dir) == before
    assert not memory_keyring.store


def test_a_damaged_recovery_file_gives_a_clear_message(ws, data_dir, keystore, memory_keyring):
    ws.engine.dispose()
    memory_keyring.store.clear()
    path = keys.recovery_path(data_dir)
    path.write_text("{ not json", "utf-8")
    with pytest.raises(CorruptFile, match="damaged"):
        open_profile(data_dir, keystore, PASSPHRASE)


def test_a_wrong_key_in_the_keyring_is_caught_at_open(ws, data_dir, keystore):
    ws.engine.dispose()
    rec = keys.RecoveryFile.load(keys.recovery_path(data_dir))
    keystore.put(rec.key_id, keys.new_data_key())
    before = _digest(data_dir)
    with pytest.raises(CorruptFile, match="cannot be opened with this key"):
        open_profile(data_dir, keystore)
    assert _digest(data_dir) == before


def test_a_corrupt_database_file_gives_a_clear_message(ws, data_dir, keystore):
    ws.engine.dispose()
    path = data_dir / db.DB_FILE
    for extra in data_dir.glob(db.DB_FILE + "-*"):
        extra.unlink()
    path.write_bytes(b"\x00" * 4096 + path.read_bytes()[4096:])
    with pytest.raises(CorruptFile):
        open_profile(data_dir, keystore)


def test_migrations_reach_head_and_seed_the_processors(ws):
    assert db.current_revision(ws.engine) == db.head_revision()
    from sqlalchemy import select
    from megacase.store.orm import Processor
    with ws.reading() as s:
        names = list(s.scalars(select(Processor.name).order_by(Processor.id)))
    assert names == ["Lightspeed", "MailChimp", "Office 365", "PayPal", "Carriers", "Silvasoft", "Google Analytics"]


def test_recovery_file_holds_no_key_in_clear(ws, data_dir, memory_keyring):
    text = keys.recovery_path(data_dir).read_text()
    stored = next(iter(memory_keyring.store.values()))
    assert stored not in text
    assert json.loads(text)["kdf"]["name"] == "scrypt"


def test_a_second_profile_in_the_same_folder_is_refused(ws, data_dir, keystore):
    from megacase.errors import ProfileExists
    with pytest.raises(ProfileExists):
        profile.create(data_dir, PASSPHRASE, keystore)


def test_short_passphrase_is_refused(tmp_path, keystore):
    from megacase.errors import InputError
    with pytest.raises(InputError, match="at least"):
        profile.create(tmp_path / "p", "short", keystore)
    assert not (tmp_path / "p" / db.DB_FILE).exists()
