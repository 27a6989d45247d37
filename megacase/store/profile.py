"""A profile: one data folder with the encrypted database and its recovery file."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

from megacase.errors import NeedPassphrase, NoProfile, ProfileExists
from megacase.store import db, keys


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / db.DB_FILE


def exists(data_dir: Path) -> bool:
    return db_path(data_dir).exists() or keys.recovery_path(data_dir).exists()


def create(data_dir: Path, passphrase: str, keystore: keys.KeyStore, scrypt_n: int | None = None) -> Engine:
    """A new key, its recovery copy and an empty, migrated database."""
    data_dir = Path(data_dir)
    if exists(data_dir):
        raise ProfileExists(f"A MegaCase profile already exists in {data_dir}.")
    keys.check_passphrase_strength(passphrase)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(data_dir, 0o700)
    except OSError:
        pass
    key = keys.new_data_key()
    key_id = keys.new_key_id()
    keys.write_recovery(data_dir, keys.RecoveryFile.wrap(key, passphrase, key_id, n=scrypt_n))
    keystore.put(key_id, key)
    return db.create_database(db_path(data_dir), key)


def open_(data_dir: Path, keystore: keys.KeyStore, passphrase: str | None = None) -> Engine:
    """Open with the keyring's key, or the recovery passphrase. Writes nothing on failure."""
    data_dir = Path(data_dir)
    if not db_path(data_dir).exists():
        raise NoProfile(f"There is no MegaCase profile in {data_dir}. Create one with 'megacase init'.")
    key = keys.unlock_key(data_dir, keystore, passphrase)
    return db.open_database(db_path(data_dir), key)


def change_passphrase(data_dir: Path, keystore: keys.KeyStore, new: str, old: str | None = None,
                      scrypt_n: int | None = None) -> None:
    """Wrap the register's key under a new recovery passphrase; ``recovery.json`` is replaced atomically.

    Proof of the key: the current passphrase (``old``), or, without it, the keyring's key. Either way
    the key must open the database before anything is written, so a stale keyring entry can never
    leave a recovery file that opens nothing. On any failure the old file stays as it was.
    """
    keys.check_passphrase_strength(new)
    data_dir = Path(data_dir)
    rec = keys.RecoveryFile.load(keys.recovery_path(data_dir))
    if old is not None:
        key = rec.unwrap(old)
    else:
        key = keystore.get(rec.key_id)
        if key is None:
            raise NeedPassphrase("This computer's keyring does not hold the register's key: give the current "
                                 "recovery passphrase.")
    engine = db.make_engine(db_path(data_dir), key)
    try:
        db.check_key(engine, db_path(data_dir))
    finally:
        engine.dispose()
    keys.write_recovery(data_dir, keys.RecoveryFile.wrap(key, new, rec.key_id, n=scrypt_n))
