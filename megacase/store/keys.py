"""The database key: 256 random bits in the OS keyring, and a recovery copy.

The recovery copy is the key wrapped with AES-256-GCM under a key derived
from the recovery passphrase with scrypt. It lives in ``recovery.json``
beside the database, so a lost keyring never loses the data.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

import keyring
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from megacase.errors import BadEnvironment, CorruptFile, InputError, NeedPassphrase, WrongPassphrase
from megacase.i18n import _

log = logging.getLogger(__name__)

KEYRING_SERVICE = "MegaCase"
RECOVERY_FILE = "recovery.json"
FORMAT = "megacase-recovery-1"
DEFAULT_SCRYPT_N = 2**17  # about 128 MiB and a fraction of a second: costly to guess
# Bounds on what a recovery file may ask of scrypt before anything runs: a damaged or hostile file must not
# make the application allocate gigabytes (memory is about 128 * n * r bytes) or spin for minutes.
MIN_SCRYPT_N, MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**10, 2**20, 16, 4
MAX_SCRYPT_MEMORY = 1 << 30
MAX_RECOVERY_BYTES = 64 * 1024
MIN_PASSPHRASE = 10


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(_("The recovery passphrase must have at least {min_passphrase} characters.").format(
                             min_passphrase=MIN_PASSPHRASE))


@dataclass(frozen=True)
class RecoveryFile:
    key_id: str
    salt: bytes
    n: int
    r: int
    p: int
    nonce: bytes
    wrapped: bytes

    @staticmethod
    def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))

    @classmethod
    def wrap(cls, key: bytes, passphrase: str, key_id: str, n: int | None = None) -> RecoveryFile:
        n = n or DEFAULT_SCRYPT_N
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        kek = cls._kek(passphrase, salt, n, 8, 1)
        wrapped = AESGCM(kek).encrypt(nonce, key, key_id.encode("ascii"))
        return cls(key_id, salt, n, 8, 1, nonce, wrapped)

    def unwrap(self, passphrase: str) -> bytes:
        kek = self._kek(passphrase, self.salt, self.n, self.r, self.p)
        try:
            return AESGCM(kek).decrypt(self.nonce, self.wrapped, self.key_id.encode("ascii"))
        except InvalidTag:
            raise WrongPassphrase(_("The recovery passphrase is not correct. Nothing was changed.")) from None

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "key_id": self.key_id,
            "kdf": {"name": "scrypt", "salt": _b64(self.salt), "n": self.n, "r": self.r, "p": self.p},
            "cipher": {"name": "AES-256-GCM", "nonce": _b64(self.nonce), "wrapped_key": _b64(self.wrapped)},
        }, indent=2)

    def check_parameters(self) -> None:
        n, r, p = self.n, self.r, self.p
        if not (MIN_SCRYPT_N <= n <= MAX_SCRYPT_N) or n & (n - 1):
            raise ValueError(_("scrypt n={n} is not a power of two between {min_scrypt_n} and {max_scrypt_n}").format(
                                 n=n, min_scrypt_n=MIN_SCRYPT_N, max_scrypt_n=MAX_SCRYPT_N))
        if not (1 <= r <= MAX_SCRYPT_R and 1 <= p <= MAX_SCRYPT_P) or 128 * n * r > MAX_SCRYPT_MEMORY:
            raise ValueError(_("scrypt r={r}, p={p} are out of bounds").format(r=r, p=p))
        if len(self.salt) < 16:
            raise ValueError(_("the salt is too short"))

    @classmethod
    def load(cls, path: Path) -> RecoveryFile:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_RECOVERY_BYTES + 1)
            if len(data) > MAX_RECOVERY_BYTES:
                raise ValueError(_("far too large for a recovery file"))
            raw = json.loads(data.decode("utf-8"))
            if not isinstance(raw, dict) or raw.get("format") != FORMAT:
                raise ValueError(_("unknown format"))
            kdf, cipher = raw["kdf"], raw["cipher"]
            rec = cls(str(raw["key_id"]), _unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]),
                      _unb64(cipher["nonce"]), _unb64(cipher["wrapped_key"]))
            if kdf["name"] != "scrypt" or len(rec.nonce) != 12 or len(rec.wrapped) != 48:
                raise ValueError(_("unexpected parameters"))
            rec.check_parameters()
            return rec
        except FileNotFoundError:
            raise CorruptFile(_("The recovery file {path} is missing.").format(path=path)) from None
        except IsADirectoryError:
            raise CorruptFile(_("The recovery file {path} is a folder, not a file.").format(path=path)) from None
        except PermissionError:
            raise BadEnvironment(_("The recovery file {path} cannot be read: your account has no access to it.").format(
                                     path=path)) \
                from None
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise CorruptFile(_("The recovery file {path} is damaged and cannot be read ({exc}). Use the copy "
                                "kept beside your backups (the backup folder's recovery.json).").format(
                                  path=path, exc=exc)) from None


class KeyStore:
    """Keeps data keys in the OS keyring; every failure of the keyring is survivable."""

    def __init__(self, service: str = KEYRING_SERVICE):
        self.service = service

    def get(self, key_id: str) -> bytes | None:
        try:
            value = keyring.get_password(self.service, key_id)
        except Exception as exc:  # noqa: BLE001 - a broken backend (D-Bus, locked, misconfigured) is no key
            log.info("keyring unavailable: %s", type(exc).__name__)
            return None
        if not value or not isinstance(value, str):
            return None
        try:
            key = _unb64(value)
        except ValueError:
            return None
        return key if len(key) == 32 else None

    def put(self, key_id: str, key: bytes) -> bool:
        try:
            keyring.set_password(self.service, key_id, _b64(key))
            return True
        except Exception as exc:  # noqa: BLE001 - see get()
            log.info("keyring unavailable, key not stored: %s", type(exc).__name__)
            return False

    def delete(self, key_id: str) -> None:
        try:
            keyring.delete_password(self.service, key_id)
        except Exception:  # noqa: BLE001 - see get()
            pass


def new_key_id() -> str:
    return "db-" + secrets.token_hex(8)


def recovery_path(data_dir: Path) -> Path:
    return Path(data_dir) / RECOVERY_FILE


def write_recovery(data_dir: Path, rec: RecoveryFile) -> None:
    from megacase.store.private import write_private
    write_private(recovery_path(data_dir), rec.to_json().encode("utf-8"))


def unlock_key(data_dir: Path, keystore: KeyStore, passphrase: str | None = None) -> bytes:
    """The data key: from the keyring, else unwrapped with the recovery passphrase.

    Raises NeedPassphrase when the keyring has no key and no passphrase was
    given; WrongPassphrase or CorruptFile without writing anything.
    """
    rec = RecoveryFile.load(recovery_path(data_dir))
    if passphrase is None:
        key = keystore.get(rec.key_id)
        if key is not None:
            return key
        raise NeedPassphrase(_("The database key is not in this computer's keyring: enter the recovery "
                               "passphrase."))
    key = rec.unwrap(passphrase)
    keystore.put(rec.key_id, key)  # restore the keyring entry for next time
    return key
