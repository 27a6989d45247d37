"""Reading a profile folder as an attacker holding the database key would.

SQLCipher 4 with a raw key: each 4096-byte page is AES-256-CBC encrypted with
the key itself, its IV in the last 80 reserved bytes (16 IV + 64 HMAC); page 1
starts with the 16-byte file salt in clear. The WAL holds whole encrypted pages
after a 24-byte header per frame. Decrypting every page, live or free, of the
database and of its WAL shows what is physically left on disk: more than an
SQL dump, which only shows live rows.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80          # IV (16) + HMAC-SHA512 (64)
WAL_HEADER, FRAME_HEADER = 32, 24


def engine_key(engine) -> bytes:
    """The raw 256-bit key the engine was opened with (``x'…'`` in its URL)."""
    password = engine.url.password
    assert password.startswith("x'") and password.endswith("'")
    return bytes.fromhex(password[2:-1])


def decrypt_page(key: bytes, page: bytes, first: bool) -> bytes:
    iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
    body = page[16 if first else 0:PAGE - RESERVE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def decrypt_database(path: Path, key: bytes) -> list[bytes]:
    data = path.read_bytes()
    assert len(data) % PAGE == 0, "not a SQLCipher file with 4096-byte pages"
    return [decrypt_page(key, data[i:i + PAGE], i == 0) for i in range(0, len(data), PAGE)]


def decrypt_wal(path: Path, key: bytes) -> list[bytes]:
    data = path.read_bytes()
    pages = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + PAGE <= len(data):
        page_number = int.from_bytes(data[offset:offset + 4], "big")
        pages.append(decrypt_page(key, data[offset + FRAME_HEADER:offset + FRAME_HEADER + PAGE], page_number == 1))
        offset += FRAME_HEADER + PAGE
    return pages


def profile_plaintext(folder: Path, key: bytes) -> dict[str, bytes]:
    """Every file under ``folder``: database and WAL decrypted page by page, anything else as it is."""
    out = {}
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if path.name.endswith(".db") and path.stat().st_size:
            out[name] = b"".join(decrypt_database(path, key))
        elif path.name.endswith("-wal") and path.stat().st_size:
            out[name] = b"".join(decrypt_wal(path, key))
        else:
            out[name] = path.read_bytes()
    return out


def occurrences(blobs: dict[str, bytes], needle: str) -> dict[str, int]:
    """Where ``needle`` (UTF-8, ASCII letters in any case) occurs, and how often."""
    n = needle.encode("utf-8").lower()          # ASCII letters folded on both sides, like blob.lower()
    found = {name: blob.lower().count(n) for name, blob in blobs.items()}
    return {name: count for name, count in found.items() if count}


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def sql_dump(engine) -> list[str]:
    """The decrypted database as SQL, one line per schema entry and per row (live rows only), like
    ``iterdump`` (which sqlcipher3's connection lacks)."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        lines = []
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                              "ORDER BY name").fetchall()
        for kind, name, sql in schema:
            lines.append(f"{sql};")
            if kind == "table":
                for row in conn.execute(f'SELECT * FROM "{name}"'):
                    lines.append(f'INSERT INTO "{name}" VALUES({",".join(_literal(v) for v in row)});')
        return lines
    finally:
        raw.close()
