"""Events signed by who made them: one Ed25519 key per user, one for the workstation.

A user's private key is wrapped under that user's password (Argon2id, then
AES-256-GCM) and only unwrapped when the user signs in; events the user makes
carry a signature over their chain hash. Events made without a signed-in user
(a register without users, a failed sign-in) are signed with the workstation's
key, kept in the OS keyring. ``verify`` checks every signature and that an event
in a user's name was signed with that user's key: someone who has the register's
key (and even the keyring) but not the user's password cannot write an event in
that user's name, not even by re-hashing the whole chain. Each key's public half
is also pinned in the anchor file, so a key swapped in the database shows.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from dataclasses import dataclass

import keyring
import keyring.errors
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.services.integrity import anchors
from megacase.store import keys
from megacase.store.orm import SigningKey

log = logging.getLogger(__name__)

WORKSTATION = "workstation"
KEYRING_SUFFIX = "-signing"
PINS = "megacase.key_pins"      # session.info: keys created in this transaction, pinned after commit
_ephemeral: dict[str, bytes] = {}  # no keyring: one workstation key per register for this process


def new_private() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_of(private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(private: bytes, digest_hex: str) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(bytes.fromhex(digest_hex))


def valid(public: bytes, signature: bytes | None, digest_hex: str) -> bool:
    if not signature:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public)).verify(bytes(signature), bytes.fromhex(digest_hex))
        return True
    except (InvalidSignature, ValueError):
        return False


@dataclass(frozen=True)
class KdfCost:
    time_cost: int
    memory_cost: int
    parallelism: int


def _kek(password: str, salt: bytes, cost: KdfCost) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, cost.time_cost, cost.memory_cost, cost.parallelism,
                           32, Type.ID)


def wrap(private: bytes, password: str, cost: KdfCost) -> bytes:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_kek(password, salt, cost)).encrypt(nonce, private, b"megacase-signing-key")
    return json.dumps({"kdf": "argon2id", "t": cost.time_cost, "m": cost.memory_cost, "p": cost.parallelism,
                       "salt": base64.b64encode(salt).decode(), "nonce": base64.b64encode(nonce).decode(),
                       "key": base64.b64encode(sealed).decode()}).encode("ascii")


def unwrap(blob: bytes, password: str) -> bytes | None:
    try:
        raw = json.loads(blob)
        cost = KdfCost(int(raw["t"]), int(raw["m"]), int(raw["p"]))
        kek = _kek(password, base64.b64decode(raw["salt"]), cost)
        return AESGCM(kek).decrypt(base64.b64decode(raw["nonce"]), base64.b64decode(raw["key"]),
                                   b"megacase-signing-key")
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


def _add_key(session: Session, ws, owner: str, private: bytes, wrapped: bytes | None) -> SigningKey:
    row = SigningKey(owner=owner, public_key=public_of(private), wrapped_private=wrapped, created_at=ws.now_naive())
    session.add(row)
    session.flush()
    session.info.setdefault(PINS, []).append((row.id, owner, row.public_key.hex()))
    return row


def new_user_key(session: Session, ws, owner: str, password: str, cost: KdfCost) -> tuple[int, bytes]:
    """A fresh key for a user, wrapped under their password; older keys stay for older events."""
    private = new_private()
    row = _add_key(session, ws, owner, private, wrap(private, password, cost))
    return row.id, private


def user_key(session: Session, owner: str, password: str) -> tuple[int, bytes] | None:
    """The user's newest key, unwrapped with the password (None when the user has none yet)."""
    row = session.scalar(select(SigningKey).where(SigningKey.owner == owner, SigningKey.wrapped_private.is_not(None))
                         .order_by(SigningKey.id.desc()).limit(1))
    if row is None:
        return None
    private = unwrap(row.wrapped_private, password)
    return (row.id, private) if private is not None else None


def _keyring_name(ws) -> str:
    path = anchors.register_path(ws.engine)
    try:
        key_id = keys.RecoveryFile.load(keys.recovery_path(path.parent)).key_id if path else "memory"
    except Exception:
        key_id = str(path)
    return key_id + KEYRING_SUFFIX


def _workstation_private(ws) -> bytes:
    name = _keyring_name(ws)
    try:
        stored = keyring.get_password(keys.KEYRING_SERVICE, name)
    except Exception:  # noqa: BLE001 - a broken backend is no keyring
        stored = None
    if stored:
        try:
            private = base64.b64decode(stored)
            if len(private) == 32:
                return private
        except ValueError:
            pass
    if name in _ephemeral:
        return _ephemeral[name]
    private = new_private()
    try:
        keyring.set_password(keys.KEYRING_SERVICE, name, base64.b64encode(private).decode("ascii"))
    except Exception as exc:  # noqa: BLE001 - a broken backend (D-Bus, locked, misconfigured) is no keyring
        log.info("keyring unavailable, workstation signing key kept for this run only: %s", type(exc).__name__)
        _ephemeral[name] = private
    return private


def signer(session: Session, ws) -> tuple[int, bytes]:
    """(key id, private key) to sign an event made in this workspace."""
    actor = ws.actor
    if getattr(actor, "signing_key", None) is not None:
        return actor.signing_key_id, actor.signing_key
    cached = session.info.get("megacase.workstation_key")
    if cached:
        return cached
    private = _workstation_private(ws)
    public = public_of(private)
    row = session.scalar(select(SigningKey).where(SigningKey.public_key == public))
    if row is None:
        row = _add_key(session, ws, WORKSTATION, private, None)
    session.info["megacase.workstation_key"] = (row.id, private)
    return row.id, private


def pin_created_keys(session: Session, engine) -> None:
    """After commit: the new keys' public halves go into the anchor file, out of the database's reach."""
    for key_id, owner, public_hex in session.info.pop(PINS, []):
        anchors.write_pin(engine, key_id, owner, public_hex)
