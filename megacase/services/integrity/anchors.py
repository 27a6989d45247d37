"""The chain's head written where a rewrite of the database cannot reach it at once.

After every committing transaction that recorded an event, the head (sequence
number, hash, time) is appended to ``audit-anchors.jsonl`` beside the register
(mode 0600, opened append-only) and kept as the latest anchor in the OS keyring
(best effort: without a keyring the file alone remains). ``verify`` compares the
register with every anchor it finds: an anchor that saw a later event shows a
truncation; one that saw another hash for the same event shows a rewrite.

An anchor guards only what happened before it was written: someone who rewrites
the register and the anchor file and the keyring entry together, or who changes
events before any anchor saw them, is not caught here (the signatures and the
printed heads in case files, reports and digests are the other witnesses).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import keyring
import keyring.errors
from sqlalchemy import Engine

from megacase.store import keys
from megacase.store.private import fsync_dir

log = logging.getLogger(__name__)

ANCHOR_FILE = "audit-anchors.jsonl"
CUT_MARK = b'{"cut": "the line before was cut short (the program stopped while writing it)"}\n'
KEYRING_SUFFIX = "-anchor"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: datetime          # aware UTC: when the head was seen
    source: str           # "file" | "keyring" | a file name the officer gave

    def as_json(self) -> dict:
        return {"seq": self.seq, "hash": self.hash, "at": self.at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def register_path(engine: Engine) -> Path | None:
    database = engine.url.database
    return Path(database) if database and database != ":memory:" else None


def anchor_path(engine: Engine) -> Path | None:
    db = register_path(engine)
    return db.with_name(ANCHOR_FILE) if db else None


def _keyring_name(engine: Engine) -> str | None:
    db = register_path(engine)
    if db is None:
        return None
    try:
        return keys.RecoveryFile.load(keys.recovery_path(db.parent)).key_id + KEYRING_SUFFIX
    except Exception:   # no or damaged recovery file: the file anchor still works
        return None


def _parse(raw: dict, source: str) -> Anchor:
    at = datetime.strptime(str(raw["at"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    seq, digest = int(raw["seq"]), str(raw["hash"])
    if len(digest) != 64:
        raise ValueError("not a SHA-256 hash")
    return Anchor(seq, digest, at, source)


def write(engine: Engine, seq: int, digest: str, at: datetime) -> None:
    """Append the head to the anchor file and keep it in the keyring; never fails the caller."""
    anchor = Anchor(seq, digest, at.astimezone(timezone.utc), "file")
    line = (json.dumps(anchor.as_json(), sort_keys=True) + "\n").encode("ascii")
    path = anchor_path(engine)
    if path is not None:
        _append(path, line, "audit anchor")
    name = _keyring_name(engine)
    if name is not None:
        try:
            keyring.set_password(keys.KEYRING_SERVICE, name, json.dumps(anchor.as_json(), sort_keys=True))
        except Exception as exc:  # noqa: BLE001 - a broken backend (D-Bus, locked, misconfigured) is no keyring
            log.info("keyring unavailable, anchor kept in the file only: %s", type(exc).__name__)


def write_restore(engine: Engine, seq: int, digest: str, at: datetime, backup: str,
                  pins: list[tuple[int, str, str]] = ()) -> None:
    """A restore replaced the register by a backup whose head is ``seq``/``digest``: noted in the anchor file.

    The anchors written before this line that saw events after ``seq`` saw the register that was kept aside;
    from here on they no longer count against the restored one (the restore itself is the register's next
    event, ``register.restored``, which ``verify`` requires). The backup's signing keys are pinned again after
    the mark (a lost profile comes back without its anchor file; a pin after the mark replaces an earlier one).
    """
    path = anchor_path(engine)
    if path is None:
        return
    raw = Anchor(seq, digest, at.astimezone(timezone.utc), "file").as_json()
    raw["restored"] = backup
    _append(path, (json.dumps(raw, sort_keys=True) + "\n").encode("utf-8"), "restore mark")
    for key_id, owner, public_hex in pins:
        write_pin(engine, key_id, owner, public_hex)


def write_pin(engine: Engine, key_id: int, owner: str, public_hex: str) -> None:
    """Pin a new signing key's public half in the anchor file (a swapped key in the database then shows)."""
    path = anchor_path(engine)
    if path is None:
        return
    line = json.dumps({"key": key_id, "owner": owner, "public": public_hex}, sort_keys=True) + "\n"
    _append(path, line.encode("utf-8"), "signing key pin")


def _append(path: Path, line: bytes, what: str) -> None:
    """One line at the end of the file (append-only, owner-only); a line cut short by a crash is closed first."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + CUT_MARK + line
            os.write(fd, line)
            os.fsync(fd)          # the anchor must outlive a power cut that the committed register survives
        finally:
            os.close(fd)
        if not size:
            fsync_dir(path.parent)   # a new file's name is durable too
    except OSError as exc:
        log.warning("%s not written: %s", what, exc.strerror)


@dataclass(frozen=True)
class KeyPin:
    key_id: int
    owner: str
    public_hex: str


@dataclass(frozen=True)
class AnchorSet:
    anchors: list[Anchor]
    unreadable: list[str]     # lines or entries that could not be read (named, not fatal)
    pins: list[KeyPin] = field(default_factory=list)
    restores: list[Anchor] = field(default_factory=list)   # the backup heads a restore put back (see write_restore)


def read_file(path: Path, source: str | None = None) -> AnchorSet:
    anchors, bad, pins, restores = [], [], [], []
    try:
        with open(path, "rb") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                if line == CUT_MARK and bad and bad[-1].startswith(f"line {number - 1} "):
                    bad.pop()     # the writer found that line cut short and closed it
                    continue
                try:
                    raw = json.loads(line)
                    if "key" in raw:
                        pins.append(KeyPin(int(raw["key"]), str(raw["owner"]), str(raw["public"])))
                        continue
                    if "restored" in raw:    # a restore: the anchors after the backup's head saw the register
                        mark = _parse(raw, source or "file")       # that was replaced (kept aside)
                        anchors = [a for a in anchors if a.seq <= mark.seq]
                        restores.append(mark)
                        anchors.append(mark)   # the backup's head itself stays checked
                        continue
                    anchors.append(_parse(raw, source or "file"))
                except (ValueError, KeyError, TypeError):
                    if not line.endswith(b"\n"):   # the last line cut short by a crash while appending
                        continue
                    bad.append(f"line {number} of {path.name} is not an anchor")
    except FileNotFoundError:
        pass
    except OSError as exc:
        bad.append(f"{path.name} cannot be read ({exc.strerror})")
    return AnchorSet(anchors, bad, pins, restores)


def read_all(engine: Engine) -> AnchorSet:
    """Every anchor this workstation holds for the register: the file's lines and the keyring's entry."""
    path = anchor_path(engine)
    found = read_file(path) if path else AnchorSet([], [], [])
    name = _keyring_name(engine)
    if name is not None:
        try:
            value = keyring.get_password(keys.KEYRING_SERVICE, name)
        except Exception:  # noqa: BLE001 - a broken backend is no keyring
            value = None
        if value:
            try:
                kept = _parse(json.loads(value), "keyring")
                if not any(kept.seq > r.seq and kept.at <= r.at for r in found.restores):
                    found.anchors.append(kept)   # else: it saw the register a restore replaced
            except (ValueError, KeyError, TypeError):
                found.unreadable.append("the keyring's anchor is not readable")
    return found
