"""A profile: one data folder with the encrypted database and its recovery file.

A new profile is built whole in a hidden staging folder beside the data folder
(recovery file, schema, first audit event, demo data if asked) and only then
renamed into place: a creation killed half-way leaves no profile at all, never
half of one. A profile whose database is missing or empty while its recovery
file is there is reported, never silently recreated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine

from megacase.errors import BadEnvironment, CorruptFile, MissingRegister, NeedPassphrase, NoProfile, ProfileExists
from megacase.i18n import _
from megacase.store import backups, db, keys, private

STAGING_MARK = ".creating-"     # .<folder name>.creating-XXXX beside the data folder
MIN_DB_BYTES = 1024             # smaller than SQLCipher's first page: nothing of a register is left


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / db.DB_FILE


def check_folder(data_dir: Path) -> None:
    """A data folder that is a file (or a file where a parent should be) is an environment problem."""
    data_dir = Path(data_dir)
    for folder in (data_dir, *data_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                raise BadEnvironment(_("The data folder {data_dir} cannot be used: {folder} is a file, not a "
                                       "folder. Move that file away or choose another folder with --data-dir.").format(
                                         data_dir=data_dir, folder=folder))
            return


def exists(data_dir: Path) -> bool:
    return db_path(data_dir).exists() or keys.recovery_path(data_dir).exists()


def _restore_advice(data_dir: Path) -> str:
    latest = backups.list_backups(backups.backup_folder(data_dir))
    if latest:
        return _("Restore the latest backup with 'megacase restore {path}' (or File › Restore backup…); "
                 "{count} backups in {folder}.").format(path=latest[0].path, count=len(latest),
                                                        folder=latest[0].path.parent)
    return _("No backup was found in {folder}: restore one with 'megacase restore FILE' if you keep backups "
             "elsewhere.").format(folder=backups.backup_folder(data_dir))


def refuse_existing(data_dir: Path) -> None:
    if exists(data_dir):
        raise ProfileExists(_("A MegaCase profile already exists in {data_dir}: it is not overwritten. Open "
                              "it, or if its database is damaged or lost, restore a backup. {restore_advice}").format(
                                data_dir=data_dir, restore_advice=_restore_advice(data_dir)))


def _clear_stale_staging(data_dir: Path) -> None:
    """Staging folders left by a creation that was killed: never a profile, safe to remove."""
    for leftover in data_dir.parent.glob(f".{data_dir.name}{STAGING_MARK}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _move_into_place(staging: Path, data_dir: Path) -> None:
    """One rename when the data folder is absent or empty; else the files, recovery file last."""
    if data_dir.is_dir() and not any(data_dir.iterdir()):
        data_dir.rmdir()
    if not data_dir.exists():
        os.rename(staging, data_dir)
        private.fsync_dir(data_dir.parent)
        return
    # An existing folder holding other things: the database first, then the recovery file that marks a profile.
    for name in sorted(os.listdir(staging), key=lambda n: n == keys.RECOVERY_FILE):
        os.replace(staging / name, data_dir / name)
    private.fsync_dir(data_dir)
    staging.rmdir()


def create(data_dir: Path, passphrase: str, keystore: keys.KeyStore, scrypt_n: int | None = None,
           fill: Callable[[Engine], None] | None = None) -> Engine:
    """A new key, its recovery copy and a migrated database, built in staging and moved into place.

    ``fill(engine)`` runs on the staged register before the move (the first audit event, demo data).
    """
    data_dir = Path(data_dir)
    check_folder(data_dir)
    refuse_existing(data_dir)
    keys.check_passphrase_strength(passphrase)
    # The parent (usually ~/.local/share) is made if missing, never changed: it is not ours.
    private.private_dir(data_dir.parent, fix_existing=False)
    _clear_stale_staging(data_dir)
    key = keys.new_data_key()
    key_id = keys.new_key_id()
    with private.private_umask():
        staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}{STAGING_MARK}", dir=data_dir.parent))
        try:
            keys.write_recovery(staging, keys.RecoveryFile.wrap(key, passphrase, key_id, n=scrypt_n))
            engine = db.create_database(db_path(staging), key)
            if fill is not None:
                fill(engine)
            engine.dispose()    # the last connection closes: WAL checkpointed into the file
            refuse_existing(data_dir)   # someone else made one meanwhile: theirs stays
            _move_into_place(staging, data_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    private.make_private(data_dir)
    keystore.put(key_id, key)
    return db.open_database(db_path(data_dir), key, migrate=False)


def open_(data_dir: Path, keystore: keys.KeyStore, passphrase: str | None = None) -> Engine:
    """Open with the keyring's key, or the recovery passphrase. Writes nothing on failure."""
    data_dir = Path(data_dir)
    check_folder(data_dir)
    database, recovery = db_path(data_dir), keys.recovery_path(data_dir)
    if not database.exists() and not recovery.exists():
        raise NoProfile(_("There is no MegaCase profile in {data_dir}. Create one with 'megacase init'.").format(
                            data_dir=data_dir))
    if recovery.exists() and (not database.exists() or database.stat().st_size < MIN_DB_BYTES):
        state = _("missing") if not database.exists() else _("empty or cut short ({size} bytes)").format(
            size=database.stat().st_size)
        raise MissingRegister(_("The register {database} is {state}, although its recovery file is there. It "
                                "was not recreated, so nothing is hidden. {restore_advice}").format(
                                  database=database, state=state, restore_advice=_restore_advice(data_dir)))
    key = keys.unlock_key(data_dir, keystore, passphrase)
    try:
        return db.open_database(database, key)
    except CorruptFile as exc:
        raise CorruptFile(f"{exc} {_restore_advice(data_dir)}") from None


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
            raise NeedPassphrase(_("This computer's keyring does not hold the register's key: give the current "
                                   "recovery passphrase."))
    engine = db.make_engine(db_path(data_dir), key)
    try:
        db.check_key(engine, db_path(data_dir))
    finally:
        engine.dispose()
    keys.write_recovery(data_dir, keys.RecoveryFile.wrap(key, new, rec.key_id, n=scrypt_n))
