"""Every damaged or unusual environment gets one line saying what is wrong and what to do, and exit 2
(bad input or environment), distinct from exit 1 (a check failed)."""

from __future__ import annotations

import json
import os
import resource
import tempfile
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import event, text

from megacase import cli
from megacase.services.cases import cases
from megacase.services.cases.subjects import NewSubject
from megacase.store import db, keys
from tests.conftest import PASSPHRASE


def _flip_in_audit_page(ws, data_dir):
    with ws.engine.connect() as conn:
        root = conn.execute(text("SELECT rootpage FROM sqlite_master WHERE name = 'audit_events'")).scalar_one()
        page_size = int(conn.execute(text("PRAGMA page_size")).scalar_one())
        conn.rollback()
    ws.engine.dispose()
    path = data_dir / db.DB_FILE
    raw = bytearray(path.read_bytes())
    raw[(root - 1) * page_size + page_size // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    return ["audit", "verify"]


def _recovery(data_dir, change):
    path = keys.recovery_path(data_dir)
    raw = json.loads(path.read_text())
    change(raw)
    path.write_text(json.dumps(raw))


def _huge_scrypt(ws, data_dir):
    _recovery(data_dir, lambda r: r["kdf"].update(n=2**40))      # would ask scrypt for 128 TiB
    return ["case", "list"]


def _scrypt_r_too_big(ws, data_dir):
    _recovery(data_dir, lambda r: r["kdf"].update(r=10_000))
    return ["case", "list"]


def _recovery_is_a_list(ws, data_dir):
    keys.recovery_path(data_dir).write_text("[1, 2, 3]")
    return ["case", "list"]


def _newer_register(ws, data_dir):
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    return ["case", "list"]


def _disk_full(ws, data_dir, monkeypatch):
    real = db.make_engine

    def small_disk(path, key, read_only=False):
        engine = real(path, key, read_only)
        # SQLite's own "database or disk is full" (SQLITE_FULL), as a full disk gives it: no page may be added
        event.listen(engine, "connect", lambda conn, _r: conn.execute("PRAGMA max_page_count = 1"))
        return engine
    monkeypatch.setattr(db, "make_engine", small_disk)
    return ["case", "open", "--type", "access", "--name", "Lotte Willems", "--email", "lotte@gmail.com",
            "--summary", "A long letter. " * 20_000]     # needs new pages: more than the free ones


def _read_only_file(ws, data_dir, monkeypatch):
    real = db.make_engine
    monkeypatch.setattr(db, "make_engine", lambda path, key, read_only=False: real(path, key, True))
    return ["case", "open", "--type", "access", "--name", "Lotte Willems", "--email", "lotte@gmail.com"]


def _read_only_folder(ws, data_dir, monkeypatch):
    target = data_dir.parent / "readonly" / "profile"
    target.parent.mkdir()
    if os.geteuid() != 0:
        os.chmod(target.parent, 0o500)
    else:   # root writes anywhere: the refusal the folder would give, from where it would come
        def refuse(*a, **k):
            raise PermissionError(13, "Permission denied", str(target.parent))
        monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    return ["init", "--data-dir", str(target)]


def _data_folder_is_a_file(ws, data_dir):
    target = data_dir.parent / "a-file"
    target.write_text("not a folder")
    return ["case", "list", "--data-dir", str(target)]


class BrokenKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        raise ValueError("the secret service answered nonsense")

    def set_password(self, service, username, password):
        raise OSError("D-Bus is gone")

    def delete_password(self, service, username):
        raise OSError("D-Bus is gone")


def _broken_keyring_no_passphrase(ws, data_dir, monkeypatch):
    monkeypatch.setattr(keyring.core, "_keyring_backend", BrokenKeyring())   # undone after the test
    monkeypatch.delenv("MEGACASE_PASSPHRASE")
    return ["case", "list"]


def _recovery_without_database(ws, data_dir):
    ws.engine.dispose()
    for p in data_dir.glob("megacase.db*"):
        p.unlink()
    return ["case", "list"]


def _import_dev_zero(ws, data_dir):
    return ["import-eml", "/dev/zero", "--type", "access"]


def _attach_dev_zero(ws, data_dir):
    ref = _case(ws)
    return ["letter", "send", ref, "acknowledgement", "--attach", "/dev/zero"]


def _body_file_dev_zero(ws, data_dir):
    ref = _case(ws)
    return ["letter", "send", ref, "acknowledgement", "--body-file", "/dev/zero"]


def _passphrase_file_dev_zero(ws, data_dir, monkeypatch):
    monkeypatch.delenv("MEGACASE_PASSPHRASE")
    keyring.get_keyring().store.clear()
    return ["case", "list", "--passphrase-file", "/dev/zero"]


def _case(ws):
    return cases.open_case(ws, cases.NewCase(("access",), "email", ws.now(), new_subject=NewSubject(
        "Wouter Maes", "wouter.maes@skynet.be", "nl", None, None))).reference


CASES = {
    "flipped byte in a page": (_flip_in_audit_page, "is damaged"),
    "recovery file asks a huge scrypt n": (_huge_scrypt, "recovery file"),
    "recovery file with scrypt r out of bounds": (_scrypt_r_too_big, "out of bounds"),
    "recovery file that is not an object": (_recovery_is_a_list, "is damaged"),
    "register from a newer version": (_newer_register, "newer version of MegaCase"),
    "disk full": (_disk_full, "is full"),
    "read-only or immutable file": (_read_only_file, "read-only"),
    "read-only folder": (_read_only_folder, "Permission denied"),
    "data folder that is a file": (_data_folder_is_a_file, "is a file, not a folder"),
    "broken keyring backend": (_broken_keyring_no_passphrase, "not in the keyring"),
    "recovery file without its database": (_recovery_without_database, "not recreated"),
    "import-eml /dev/zero": (_import_dev_zero, "larger than 25 MB"),
    "--attach /dev/zero": (_attach_dev_zero, "larger than 20 MB"),
    "--body-file /dev/zero": (_body_file_dev_zero, "larger than 1 MB"),
    "--passphrase-file /dev/zero": (_passphrase_file_dev_zero, "larger than 64 KB"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_one_line_and_exit_2(name, ws, data_dir, monkeypatch, capsys):
    damage, expected = CASES[name]
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MEGACASE_DATA_DIR", str(data_dir))
    args = damage(ws, data_dir, monkeypatch) if "monkeypatch" in damage.__code__.co_varnames else damage(ws, data_dir)
    capsys.readouterr()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = cli.main(args)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.startswith("megacase: ") and err.count("\n") == 1, err
    assert expected in err, err
    assert "Traceback" not in err
    assert grown_kib < 256 * 1024, f"{grown_kib} KiB more memory"     # bounded reads: no gigabytes


def test_a_broken_keyring_falls_back_to_the_passphrase(ws, data_dir, monkeypatch, capsys):
    monkeypatch.setattr(keyring.core, "_keyring_backend", BrokenKeyring())   # undone after the test
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    assert cli.main(["audit", "verify", "--data-dir", str(data_dir)]) == 0
    assert "intact" in capsys.readouterr().out


def test_a_sound_register_whose_chain_is_broken_still_exits_1(ws, data_dir, monkeypatch, capsys):
    _case(ws)
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    assert cli.main(["audit", "verify", "--data-dir", str(data_dir)]) == 1
    assert "BROKEN" in capsys.readouterr().out


def test_scrypt_bounds_are_checked_before_any_work(tmp_path):
    rec = keys.RecoveryFile.wrap(b"k" * 32, PASSPHRASE, "db-x", n=2**12)
    for n in (2**40, 3000, 2**9):
        bad = Path(tmp_path / f"r-{n}.json")
        raw = json.loads(rec.to_json())
        raw["kdf"]["n"] = n
        bad.write_text(json.dumps(raw))
        with pytest.raises(Exception, match="is damaged"):
            keys.RecoveryFile.load(bad)
