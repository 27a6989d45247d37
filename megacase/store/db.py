"""The encrypted database: SQLCipher 4 through sqlcipher3 and SQLAlchemy 2.

The engine is keyed with the raw 256-bit data key (``x'…'`` form, so no
passphrase KDF runs on each connection). A wrong key only shows on the first
query, so ``open_database`` checks it before anything else touches the file.

Transactions are ours, not the driver's (SQLAlchemy's documented pysqlite
recipe): the driver's own transaction handling is switched off
(``isolation_level = None``) and every SQLAlchemy transaction starts with an
explicit ``BEGIN IMMEDIATE``, so that
- DDL runs inside the transaction: creation and each migration land whole or
  not at all (the driver would otherwise commit around each CREATE / ALTER);
- a writer holds SQLite's write lock *before* it reads the audit sequence or
  the next case number, so two writers never compute the same number.
Read-only units of work (``READ_ONLY`` execution option) start with a plain
``BEGIN`` and never wait for a writer (WAL: readers see the last commit).
A register that stays locked longer than ``BUSY_SECONDS`` raises RegisterBusy.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool

from megacase.errors import BadEnvironment, CorruptFile, NewerRegister, RegisterBusy, UnlockError
from megacase.i18n import _
from megacase.store.private import private_database_files

log = logging.getLogger(__name__)

DB_FILE = "megacase.db"
MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_SECONDS = 5.0           # how long a writer waits for another one before "the register is busy"
READ_ONLY = "megacase_read_only"   # execution option: this unit of work only reads (plain BEGIN)
BUSY_MESSAGE = "The register is busy: another MegaCase is writing; try again."


def _raw_key(key: bytes) -> str:
    if len(key) != 32:
        raise UnlockError(_("The database key has the wrong length."))
    return f"x'{key.hex()}'"


def _configure_connection(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cipher_log_level = NONE")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")   # freed pages are zeroed: erased data do not linger
    cur.execute("PRAGMA journal_mode = WAL")
    cur.close()
    _driver_transactions_off(dbapi_conn)


def _configure_read_only(dbapi_conn, _record) -> None:
    """A file opened only to be checked (a backup): no journal mode change, nothing written."""
    dbapi_conn.execute("PRAGMA cipher_log_level = NONE")
    _driver_transactions_off(dbapi_conn)


def _driver_transactions_off(dbapi_conn) -> None:
    # The driver must not open or commit transactions on its own (see the module docstring).
    dbapi_conn.isolation_level = None


def _begin(conn) -> None:
    """Every SQLAlchemy transaction starts here: the write lock first, unless the unit only reads."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def _is_busy(exc: BaseException | None) -> bool:
    text_ = str(exc or "").lower()
    return "database is locked" in text_ or "database is busy" in text_ or "database table is locked" in text_


# What SQLite says about the file or the disk, and the one line the officer gets instead (exit 2).
_ENVIRONMENT = (
    (("database disk image is malformed", "file is not a database", "file is encrypted"),
     CorruptFile, "The register {path} is damaged ({what}). Restore the latest backup with 'megacase restore FILE' "
                  "('megacase backup list' shows them); 'megacase backup verify FILE' checks one first."),
    (("database or disk is full",),
     BadEnvironment, "The disk holding {path} is full: nothing was saved. Free some space, then try again."),
    (("attempt to write a readonly database", "readonly database"),
     BadEnvironment, "The register {path} cannot be written: the file or its folder is read-only (or marked "
                     "immutable). Give your account write access to both, then try again."),
    (("unable to open database file", "disk i/o error"),
     BadEnvironment, "The register {path} cannot be opened or written ({what}): check that its folder exists, is "
                     "writable by you and the disk is connected."),
)


def _translate_errors(context) -> None:
    """One clear line instead of a driver traceback: a busy register (still locked after BUSY_SECONDS of the
    driver's retries), a damaged file, a full disk, a read-only file or folder."""
    exc = context.original_exception
    if _is_busy(exc):
        raise RegisterBusy(BUSY_MESSAGE) from None
    what = str(exc or "").lower()
    engine = context.engine
    path = str(engine.url.database).removeprefix("file:") if engine is not None else "file"
    for needles, error, message in _ENVIRONMENT:
        if any(n in what for n in needles):
            raise error(message.format(path=path, what=what)) from None


def make_engine(path: Path, key: bytes, read_only: bool = False) -> Engine:
    """An engine on the register; ``read_only`` opens the file with SQLite's mode=ro (checking a backup)."""
    if read_only:
        url = URL.create("sqlite+pysqlcipher", password=_raw_key(key), database=f"file:{Path(path).as_posix()}",
                         query={"mode": "ro", "uri": "true"})
    else:
        url = URL.create("sqlite+pysqlcipher", password=_raw_key(key), database=str(path))
    # NullPool: no unlocked connection lingers between units of work or threads.
    # timeout: the driver's busy handler retries a locked register for that long.
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_SECONDS})
    event.listen(engine, "connect", _configure_read_only if read_only else _configure_connection)
    event.listen(engine, "begin", _begin)
    event.listen(engine, "handle_error", _translate_errors)
    return reading(engine) if read_only else engine


def reading(engine: Engine) -> Engine:
    """The same engine for units of work that only read (no write lock taken)."""
    return engine.execution_options(**{READ_ONLY: True})


def _alembic_config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with reading(engine).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_key(engine: Engine, path: Path) -> None:
    """Fail with a clear message when the key does not open the file."""
    try:
        with reading(engine).connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except (DatabaseError, CorruptFile):
        raise CorruptFile(
            _("The database {path} cannot be opened with this key: it is damaged or belongs to another "
              "profile. Nothing was changed.").format(path=path)
        ) from None


def upgrade(engine: Engine) -> None:
    """Migrate to the newest schema in one transaction (BEGIN IMMEDIATE … COMMIT, DDL included).

    SQLite alters a table by copying it into a new one and dropping the old, which
    foreign keys forbid while rows point at it: they are off during the migration
    (a pragma that only works outside a transaction, so it is sent to the driver
    before SQLAlchemy begins) and checked before commit.
    """
    with engine.connect() as conn:
        conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            command.upgrade(_alembic_config(conn), "head")
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise CorruptFile(_("The database could not be brought up to date: {count} rows would lose the "
                                    "record they refer to. Nothing was changed.").format(count=len(broken)))


def known_revisions() -> set[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}


def check_revision(engine: Engine, path: Path) -> str | None:
    """The register's schema revision; a revision this version does not know means a newer MegaCase wrote it."""
    revision = current_revision(engine)
    if revision is not None and revision not in known_revisions():
        raise NewerRegister(_("The register {path} was written by a newer version of MegaCase (schema "
                              "{revision}); this version cannot read it. Install the newer version. Nothing "
                              "was changed.").format(path=path, revision=revision))
    return revision


def open_database(path: Path, key: bytes, migrate: bool = True) -> Engine:
    path = Path(path)
    if not path.exists():
        raise CorruptFile(_("The database {path} is missing.").format(path=path))
    private_database_files(path)   # registers made before files were kept private
    engine = make_engine(path, key)
    check_key(engine, path)
    if migrate and check_revision(engine, path) != head_revision():
        upgrade(engine)
    return engine


def create_database(path: Path, key: bytes) -> Engine:
    engine = make_engine(Path(path), key)
    upgrade(engine)
    private_database_files(Path(path))
    return engine
