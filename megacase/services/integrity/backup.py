"""Back up, verify and restore the register.

- ``back_up(ws)``: SQLite's online backup of the open register, encrypted with the
  same key, into the officer's backup folder; the recovery file beside it; then the
  rotation (7 daily, 4 weekly, 12 monthly). The officer keeps working meanwhile.
- ``verify_backup(path, key)``: opens the copy read-only with the key, SQLCipher's
  page check (every page's HMAC), ``PRAGMA integrity_check``, the schema revision and
  the audit chain. Nothing is written to the file.
- ``restore(...)``: verifies first; a backup that fails is refused before anything is
  touched. Then the current register is kept aside (renamed, not deleted), the copy
  put in its place and opened (migrated if it is older), and a ``register.restored``
  event says from which file.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from megacase import i18n
from megacase.errors import CorruptFile, InputError, MegaCaseError
from megacase.i18n import _, ngettext
from megacase.services.integrity import audit
from megacase.services.workspace import Actor, Workspace, system_clock
from megacase.store import backups, db, keys, private

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]     # (pages done, pages in all)
DAILY, WEEKLY, MONTHLY = 7, 4, 12


class BackupRejected(MegaCaseError):
    """A backup failed its verification: nothing was replaced."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    events: int = 0
    revision: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return _("Backup sound: {path} (schema {revision}, audit trail intact: {events} events).").format(
                path=self.path, revision=self.revision, events=self.events)
        return _("Backup NOT sound: {path}: {problems}").format(path=self.path, problems=i18n.join("; ", self.problems))


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    kept_aside: Path | None
    report: BackupReport


def data_dir_of(ws: Workspace) -> Path:
    return Path(ws.engine.url.database).parent


def backup_folder(ws: Workspace) -> Path:
    return backups.backup_folder(data_dir_of(ws))


def back_up(ws: Workspace, folder: Path | None = None, progress: Progress | None = None) -> Path:
    """A new backup of the open register; returns its file."""
    data_dir = data_dir_of(ws)
    folder = Path(folder) if folder else backups.backup_folder(data_dir)
    try:
        private.private_dir(folder, fix_existing=False)     # a chosen shared folder keeps its mode
        target = backups.new_backup_path(folder, ws.now())
        raw = ws.engine.raw_connection()
        try:
            backups.copy_database(raw.driver_connection, target, ws.engine.url.password, progress)
        finally:
            raw.close()
        backups.copy_recovery_file(data_dir, folder)
    except OSError as exc:
        raise CorruptFile(_("The backup could not be written to {folder}: {strerror}. Check that the folder "
                            "exists, is writable and has room.").format(
                              folder=folder, strerror=exc.strerror or exc)) from None
    removed = backups.rotate(folder, DAILY, WEEKLY, MONTHLY)
    log.info("backup written (%d bytes), %d old backups rotated out", target.stat().st_size, len(removed))
    return target


def latest_backup(ws: Workspace) -> backups.BackupFile | None:
    found = backups.list_backups(backup_folder(ws))
    return found[0] if found else None


def backup_due(ws: Workspace, hours: float = 24.0) -> bool:
    """No backup yet, or the newest is older than ``hours``."""
    latest = latest_backup(ws)
    return latest is None or (ws.now() - latest.taken_at).total_seconds() >= hours * 3600


def verify_backup(path: Path, key: bytes) -> BackupReport:
    """Open the copy read-only with ``key`` and check every page, the schema and the audit chain."""
    path = Path(path)
    if not path.is_file():
        return BackupReport(path, [_("there is no file {path}").format(path=path)])
    if path.stat().st_size < 1024:
        return BackupReport(path, [_("the file is empty or cut short")])
    engine = db.make_engine(path, key, read_only=True)
    problems: list[str] = []
    events, revision = 0, None
    try:
        try:
            db.check_key(engine, path)
        except CorruptFile:
            return BackupReport(path, [_("it cannot be opened with this register's key (damaged, or the backup "
                                         "of another register)")])
        with engine.connect() as conn:
            bad_pages = [r[0] for r in conn.execute(text("PRAGMA cipher_integrity_check")).fetchall()]
            if bad_pages:     # SQLCipher's own check: each page's authentication code
                problems.append(ngettext("{n} damaged page ({first})", "{n} damaged pages ({first})",
                                         len(bad_pages)).format(n=len(bad_pages), first=bad_pages[0]))
            else:
                checks = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).fetchall()]
                if checks != ["ok"]:
                    problems.append(_("the database structure is damaged ({check})").format(check=checks[0]))
        try:
            revision = db.check_revision(engine, path)
        except MegaCaseError as exc:
            problems.append(str(exc))
        if not problems:
            report = audit.verify(Workspace(engine, Actor("backup check", "viewer")), anchors=False)
            events = report.count
            if not report.ok:
                problems.append(_("audit trail broken at event {seq}: {problem}").format(seq=report.broken_seq,
                                                                                          problem=report.problem))
    except DBAPIError as exc:
        problems.append(_("the file is damaged ({error})").format(error=exc.orig))
    except CorruptFile:               # translated by store/db.py: damaged pages met while reading
        problems.append(_("the file is damaged and cannot be read whole"))
    except MegaCaseError as exc:
        problems.append(str(exc))
    finally:
        engine.dispose()
    return BackupReport(path, problems, events, revision)


def recovery_for(data_dir: Path, backup: Path) -> Path:
    """The recovery file that opens ``backup``: the profile's, or the copy kept beside the backups."""
    own = keys.recovery_path(data_dir)
    if own.exists():
        return own
    beside = Path(backup).parent / keys.RECOVERY_FILE
    if beside.exists():
        return beside
    raise InputError(_("There is no recovery file in {data_dir} nor beside {backup}: the backup cannot be "
                       "opened.").format(data_dir=data_dir, backup=backup))


def key_for(data_dir: Path, backup: Path, keystore: keys.KeyStore, passphrase: str | None) -> bytes:
    """The data key for ``backup``: from the keyring, else the recovery passphrase (NeedPassphrase)."""
    return keys.unlock_key(recovery_for(data_dir, backup).parent, keystore, passphrase)


def restore(data_dir: Path, backup: Path, key: bytes, actor: Actor, clock=system_clock,
            progress: Progress | None = None) -> RestoreResult:
    """Verify ``backup``, keep the current register aside, put the backup in its place and open it."""
    data_dir, backup = Path(data_dir), Path(backup)
    report = verify_backup(backup, key)
    if progress:
        progress(1, 3)
    if not report.ok:
        raise BackupRejected(_("The backup was refused and nothing was replaced: {problems}.").format(
                                 problems=i18n.join('; ', report.problems)))
    database = data_dir / db.DB_FILE
    private.private_dir(data_dir)          # the profile folder is ours: 0700
    if not keys.recovery_path(data_dir).exists():    # the whole profile was lost: its recovery file comes back too
        private.write_private(keys.recovery_path(data_dir), recovery_for(data_dir, backup).read_bytes())
    now = clock()
    aside = backups.move_aside(database, now)
    try:
        backups.install_copy(backup, database)
    except OSError as exc:
        if aside is not None:
            backups.move_aside_back(aside, database)
        raise CorruptFile(_("The backup could not be copied into {data_dir}: {strerror}. The register was left "
                            "as it was.").format(data_dir=data_dir, strerror=exc.strerror or exc)) from None
    if progress:
        progress(2, 3)
    ws = Workspace(db.open_database(database, key), actor, clock)
    digest = hashlib.sha256(backup.read_bytes()).hexdigest()
    _mark_restore(ws, backup.name)
    with ws.transaction() as session:
        audit.record(session, ws, "register.restored", details={
            "backup": backup.name, "sha256": digest, "kept_aside": aside.name if aside else None})
    ws.engine.dispose()
    if progress:
        progress(3, 3)
    log.info("register restored from a backup; previous register kept aside: %s", bool(aside))
    return RestoreResult(backup, aside, report)


def _mark_restore(ws: Workspace, backup_name: str) -> None:
    """Tell the anchors outside the database that the register now is the backup (its head, its keys)."""
    from megacase.services.integrity import anchors
    from megacase.store.orm import AuditEvent, SigningKey
    with ws.reading() as session:
        head = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()
        pins = [(k.id, k.owner, bytes(k.public_key).hex()) for k in session.scalars(select(SigningKey))]
    if head is not None:
        anchors.write_restore(ws.engine, head.seq, head.hash, ws.now(), backup_name, pins)


def _key_of(ws: Workspace) -> bytes:
    """The open register's data key (the engine is keyed with it as ``x'…'``)."""
    return bytes.fromhex(ws.engine.url.password[2:-1])


def verify_for(ws: Workspace, path: Path) -> BackupReport:
    """Verify a backup of the open register (the window's case: the key is already unlocked)."""
    return verify_backup(path, _key_of(ws))


def restore_open_register(ws: Workspace, backup: Path, progress: Progress | None = None) -> RestoreResult:
    """Restore from the window: the register open in ``ws`` is replaced; its engine then reads the restored file."""
    return restore(data_dir_of(ws), backup, _key_of(ws), ws.actor, ws.clock, progress)


def set_folder(ws: Workspace, folder: Path | None) -> Path:
    return backups.set_backup_folder(data_dir_of(ws), folder)
