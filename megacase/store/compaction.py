"""After erasing, make sure no old copy of a page lingers in the database files.

``secure_delete`` (set on every connection, see db.py) zeroes freed cells and
pages, but in WAL mode the previous versions of changed pages still sit in the
``-wal`` file until a checkpoint copies the new ones back and the log is
truncated. VACUUM then rebuilds the file from live rows only (its scratch copy
kept in memory, not in a temporary file).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine

log = logging.getLogger(__name__)


def compact(engine: Engine, attempts: int = 20) -> bool:
    """VACUUM, then checkpoint and truncate the WAL. False when another reader kept the WAL busy."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.commit()
        previous = conn.isolation_level
        conn.isolation_level = None          # VACUUM cannot run inside a transaction
        try:
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("VACUUM")
            for _ in range(attempts):
                busy, _log_frames, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    return True
                time.sleep(0.05)
            log.warning("the WAL could not be truncated: another connection is reading")
            return False
        finally:
            conn.isolation_level = previous
    finally:
        raw.close()
