"""The encrypted database: SQLCipher 4 through sqlcipher3 and SQLAlchemy 2.

The engine is keyed with the raw 256-bit data key (``x'…'`` form, so no
passphrase KDF runs on each connection). A wrong key only shows on the first
query, so ``open_database`` checks it before anything else touches the file.
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

from megacase.errors import CorruptFile, UnlockError

log = logging.getLogger(__name__)

DB_FILE = "megacase.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def _raw_key(key: bytes) -> str:
    if len(key) != 32:
        raise UnlockError("The database key has the wrong length.")
    return f"x'{key.hex()}'"


def _configure_connection(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cipher_log_level = NONE")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")   # freed pages are zeroed: erased data do not linger
    cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


def make_engine(path: Path, key: bytes) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=_raw_key(key), database=str(path))
    # NullPool: no unlocked connection lingers between units of work or threads.
    engine = create_engine(url, poolclass=NullPool)
    event.listen(engine, "connect", _configure_connection)
    return engine


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
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_key(engine: Engine, path: Path) -> None:
    """Fail with a clear message when the key does not open the file."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except DatabaseError:
        raise CorruptFile(
            f"The database {path} cannot be opened with this key: it is damaged or belongs to another profile. "
            "Nothing was changed."
        ) from None


def upgrade(engine: Engine) -> None:
    """Migrate to the newest schema in one transaction.

    SQLite alters a table by copying it into a new one and dropping the old, which
    foreign keys forbid while rows point at it: they are off during the migration
    (a pragma that only works outside a transaction) and checked before commit.
    """
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.commit()
        with conn.begin():
            command.upgrade(_alembic_config(conn), "head")
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise CorruptFile(f"The database could not be brought up to date: {len(broken)} rows would lose "
                                  "the record they refer to. Nothing was changed.")


def open_database(path: Path, key: bytes, migrate: bool = True) -> Engine:
    path = Path(path)
    if not path.exists():
        raise CorruptFile(f"The database {path} is missing.")
    engine = make_engine(path, key)
    check_key(engine, path)
    if migrate and current_revision(engine) != head_revision():
        upgrade(engine)
    return engine


def create_database(path: Path, key: bytes) -> Engine:
    engine = make_engine(Path(path), key)
    upgrade(engine)
    return engine
