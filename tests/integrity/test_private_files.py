"""Files that hold personal data are 0600 in folders 0700; temporary files leave nothing behind."""

from __future__ import annotations

import logging
import os
import stat

import pytest
from sqlalchemy import text

from megacase.log import configure_file_logging
from megacase.services.cases import cases
from megacase.services.reports import case_file, overdue_report, register_report
from megacase.services.integrity import backup
from megacase.services.cases.subjects import NewSubject
from megacase.store import keys

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def loose_umask():
    """The laxest common umask: what the application makes must be private regardless."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _case(ws):
    return cases.open_case(ws, cases.NewCase(("access",), "email", ws.now(), new_subject=NewSubject(
        "Björn Vermeulen", "bjorn.vermeulen@outlook.com", "nl", None, None))).reference


def test_the_register_its_wal_and_shm_and_the_recovery_file(ws, data_dir):
    _case(ws)
    assert _mode(data_dir) == 0o700
    with ws.engine.connect() as conn:           # while a connection is open, the -wal and -shm exist
        conn.execute(text("UPDATE subjects SET language = language"))
        conn.commit()
        files = sorted(p for p in data_dir.iterdir() if p.is_file())
        assert {p.name for p in files} >= {"megacase.db", "megacase.db-wal", "megacase.db-shm", "recovery.json"}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert not [p for p in data_dir.parent.iterdir() if ".creating-" in p.name]   # staging removed


def test_a_register_made_before_is_made_private_when_opened(ws, data_dir, keystore):
    from megacase.services.session import open_profile
    from tests.conftest import PASSPHRASE
    ws.engine.dispose()
    os.chmod(data_dir / "megacase.db", 0o644)
    again = open_profile(data_dir, keystore, PASSPHRASE)
    _case(again)
    assert _mode(data_dir / "megacase.db") == 0o600


def test_backups_exports_and_reports(ws, tmp_path):
    ref = _case(ws)
    made = backup.back_up(ws, folder=tmp_path / "nas" / "megacase")
    assert _mode(made) == 0o600 and _mode(made.parent) == 0o700
    assert _mode(made.parent / keys.RECOVERY_FILE) == 0o600
    pdf = case_file.export_case(ws, ref, tmp_path / "exports" / f"{ref}.pdf").path
    assert _mode(pdf) == 0o600 and _mode(pdf.parent) == 0o700
    case_file.export_cases(ws, [ref], tmp_path / "many")
    assert {p.name: _mode(p) for p in (tmp_path / "many").iterdir()} == {f"{ref}.pdf": 0o600, "index.csv": 0o600}
    overdue_report.export(ws, tmp_path / "reports" / "overdue.pdf", tmp_path / "reports" / "overdue.csv")
    register_report.export_register(ws, ws.today().year, tmp_path / "reports" / "register.pdf",
                           tmp_path / "reports" / "register.csv")
    reports = tmp_path / "reports"
    assert _mode(reports) == 0o700
    assert {p.name: _mode(p) for p in reports.iterdir()} == {n: 0o600 for n in (
        "overdue.pdf", "overdue.csv", "register.pdf", "register.csv")}
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".part") or p.name.startswith(".megacase-")]
    assert not leftovers


def test_logs_and_their_rotations(tmp_path):
    root = logging.getLogger()
    before = list(root.handlers)
    path = configure_file_logging(tmp_path / "log")
    try:
        handler = next(h for h in root.handlers if h not in before)
        logging.getLogger("megacase.test").warning("case DSR-2027-0001 opened")
        handler.doRollover()
        logging.getLogger("megacase.test").warning("after the rotation")
        handler.flush()
        assert _mode(tmp_path / "log") == 0o700
        files = list((tmp_path / "log").iterdir())
        assert len(files) == 2 and all(_mode(p) == 0o600 for p in files), [(p.name, oct(_mode(p))) for p in files]
        assert path.exists()
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()
