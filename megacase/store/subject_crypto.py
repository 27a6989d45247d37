"""Per-subject encryption (crypto-shredding).

Personal data that events, letters and notes must carry are sealed with
AES-256-GCM under the subject's own key. Erasure destroys the key: the
ciphertext stays (so hashes still verify) and can never be read again.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

def new_subject_key() -> bytes:
    return secrets.token_bytes(32)


def seal(key: bytes, plaintext: bytes, context: str) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode("utf-8"))


def open_sealed(key: bytes | None, blob: bytes | None, context: str) -> bytes | None:
    """The plaintext, or None when the key was destroyed or the blob is absent."""
    if blob is None or key is None:
        return None
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], context.encode("utf-8"))
    except InvalidTag:
        return None
