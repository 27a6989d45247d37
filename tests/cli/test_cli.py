import json

import pytest
from sqlalchemy import text

from megacase import cli
from megacase.store import keys
from tests.conftest import FAST_SCRYPT, PASSPHRASE


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")


@pytest.fixture
def pfile(tmp_path):
    f = tmp_path / "pass.txt"
    f.write_text(PASSPHRASE + "\n")
    return f


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("received, expected", [
    ("2027-03-05", "2027-04-05"), ("2026-08-31", "2026-09-30"), ("2027-04-01", "2027-05-03"),
    ("2027-01-31", "2027-03-01"),
])
def test_deadline_matches_the_domain_examples(capsys, received, expected):
    code, out, _ = run(capsys, "deadline", received)
    assert code == 0 and out == expected + "\n"


def test_deadline_options(capsys):
    assert run(capsys, "deadline", "2027-04-01", "--extended")[1] == "2027-07-01\n"
    # asked 3 May, answered 10 May: 7 days; 1 May + 7 = Saturday 8 May -> Monday 10 May
    assert run(capsys, "deadline", "2027-04-01", "--suspended-days", "7")[1] == "2027-05-10\n"


def test_usage_errors_exit_2_with_one_line(capsys):
    code, out, err = run(capsys, "deadline", "1 April")
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run(capsys, "case", "frobnicate")
    assert code == 2 and err.count("\n") == 1


def test_demo_list_show_and_global_options_anywhere(capsys, tmp_path, pfile, memory_keyring):
    d = str(tmp_path / "demo")
    code, out, err = run(capsys, "demo", "--data-dir", d, "--passphrase-file", str(pfile), "--cases", "16")
    assert code == 0, err
    memory_keyring.store.clear()  # force the passphrase path
    code, out, err = run(capsys, "--data-dir", d, "case", "list", "--json", "--passphrase-file", str(pfile))
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 16
    first = rows[0]
    for key in ("reference", "state", "request_types", "due_date", "days_left"):
        assert key in first
    assert "@" in first["subject"]["email"] and first["subject"]["name"]
    overdue = json.loads(run(capsys, "case", "list", "--overdue", "--json", "--data-dir", d,
                             "--passphrase-file", str(pfile))[1])
    assert overdue and all(r["overdue"] for r in overdue)
    ref = rows[0]["reference"]
    code, out, _ = run(capsys, "case", "show", ref, "--json", "--data-dir", d, "--passphrase-file", str(pfile))
    assert code == 0 and json.loads(out)["reference"] == ref
    code, _, err = run(capsys, "case", "show", "DSR-1999-0001", "--data-dir", d, "--passphrase-file", str(pfile))
    assert code == 2 and "No case" in err


def test_open_and_work_a_case_from_the_command_line(capsys, tmp_path, pfile, monkeypatch):
    d = str(tmp_path / "p")
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    assert run(capsys, "init", "--data-dir", d)[0] == 0
    code, out, err = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--type", "erasure",
                         "--name", "Zoë Van den Bossche", "--email", "zoe@telenet.be", "--language", "nl",
                         "--received", "2026-11-02T10:00")
    assert code == 0, err
    ref = out.strip()
    assert ref.startswith("DSR-2026-")
    assert run(capsys, "case", "start", ref, "--data-dir", d)[0] == 0
    code, out, _ = run(capsys, "case", "close", ref, "--data-dir", d)
    assert code == 2
    code, out, err = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--name", "X",
                         "--email", "not-an-address")
    assert code == 2 and "not a valid e-mail address" in err


def test_wrong_passphrase_exits_2(capsys, tmp_path, pfile, memory_keyring, monkeypatch):
    d = str(tmp_path / "p")
    assert run(capsys, "init", "--data-dir", d, "--passphrase-file", str(pfile))[0] == 0
    memory_keyring.store.clear()
    monkeypatch.setenv("MEGACASE_PASSPHRASE", "wrong wrong wrong")
    code, _, err = run(capsys, "case", "list", "--data-dir", d)
    assert code == 2 and "not correct" in err


def test_audit_verify_names_the_changed_event(capsys, tmp_path, pfile):
    d = tmp_path / "demo"
    assert run(capsys, "demo", "--data-dir", str(d), "--passphrase-file", str(pfile), "--cases", "6")[0] == 0
    code, out, _ = run(capsys, "audit", "verify", "--data-dir", str(d), "--passphrase-file", str(pfile))
    assert code == 0 and "intact" in out
    count = int(out.split(":")[1].split()[0])
    assert count > 6
    # Tamper with one row using raw SQL, key in hand.
    from megacase.services.session import open_profile
    from megacase.store.keys import KeyStore
    ws = open_profile(d, KeyStore(), PASSPHRASE)
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 5"))
    ws.engine.dispose()
    code, out, _ = run(capsys, "audit", "verify", "--data-dir", str(d), "--passphrase-file", str(pfile))
    assert code == 1 and "event 5" in out
