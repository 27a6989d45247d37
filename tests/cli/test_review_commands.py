"""The command line of issue 5: users and identification, remind, review, approvals, the overdue report."""

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from megacase import cli
from megacase.services import users
from megacase.store import keys
from tests.conftest import FAST_SCRYPT, PASSPHRASE


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(users, "_dummy_hash", None)
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    for name in ("MEGACASE_USER", "MEGACASE_USER_PASSWORD", "MEGACASE_NEW_USER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def register(tmp_path, capsys):
    d = str(tmp_path / "p")
    assert run(capsys, "init", "--data-dir", d)[0] == 0
    return d


def _open(capsys, d, days_ago: int) -> str:
    received = (datetime.now() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M")
    code, out, err = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--name", "Anaïs Dupont",
                         "--email", f"anais{days_ago}@outlook.be", "--received", received)
    assert code == 0, err
    return out.strip()


def test_remind_exits_1_only_when_something_is_overdue(capsys, register):
    code, out, _ = run(capsys, "remind", "--data-dir", register)
    assert code == 0 and "Nothing due" in out
    fresh = _open(capsys, register, 1)
    late = _open(capsys, register, 45)
    code, out, _ = run(capsys, "remind", "--data-dir", register)
    assert code == 1
    assert f"OVERDUE           {late} is overdue" in out and fresh not in out
    code, out, _ = run(capsys, "remind", "--data-dir", register, "--days", "40")
    assert code == 1 and fresh in out               # with a long lead time the fresh case shows as due soon
    code, out, err = run(capsys, "remind", "--data-dir", register, "--days", "-1")
    assert code == 2 and "negative" in err
    # acknowledged reminders leave --new, not the exit code
    assert run(capsys, "remind", "--data-dir", register, "--ack")[0] == 1
    code, out, _ = run(capsys, "remind", "--data-dir", register, "--new")
    assert code == 0 and "Nothing due" in out


def test_users_identification_and_roles(capsys, register, monkeypatch, tmp_path):
    ref = _open(capsys, register, 45)
    pw = tmp_path / "pw"
    pw.write_text("sophie's long password\n")
    code, out, err = run(capsys, "user", "add", "sophie", "--role", "officer", "--password-file", str(pw),
                         "--data-dir", register)
    assert code == 0, err
    # the register has users now: unidentified, the command line may read but not change anything
    monkeypatch.setenv("MEGACASE_NEW_USER_PASSWORD", "marc's long password")
    code, _, err = run(capsys, "user", "add", "marc", "--role", "manager", "--data-dir", register)
    assert code == 2 and "identify yourself" in err
    assert run(capsys, "case", "list", "--data-dir", register)[0] == 0
    code, _, err = run(capsys, "case", "start", ref, "--data-dir", register)
    assert code == 2 and "identify yourself" in err
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "not sophie's password")
    code, _, err = run(capsys, "case", "start", ref, "--user", "sophie", "--data-dir", register)
    assert code == 2 and "not correct" in err
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "sophie's long password")
    assert run(capsys, "user", "add", "marc", "--role", "manager", "--user", "sophie", "--data-dir", register)[0] == 0
    assert run(capsys, "case", "start", ref, "--user", "sophie", "--data-dir", register)[0] == 0
    code, out, _ = run(capsys, "user", "list", "--data-dir", register)
    assert [line.split()[:2] for line in out.splitlines()] == [["marc", "manager"], ["sophie", "officer"]]

    # four-eyes: switched on by the manager only; a refusal then waits for the manager
    code, _, err = run(capsys, "settings", "set", "review.four_eyes", "on", "--user", "sophie", "--data-dir", register)
    assert code == 2 and "manager" in err
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "marc's long password")
    assert run(capsys, "settings", "set", "review.four_eyes", "on", "--user", "marc", "--data-dir", register)[0] == 0
    code, _, err = run(capsys, "case", "note", ref, "--text", "hello", "--user", "marc", "--data-dir", register)
    assert code == 2 and "manager" in err
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "sophie's long password")
    code, _, err = run(capsys, "case", "decide", ref, "--outcome", "refused", "--ground", "art12_5_excessive",
                       "--reasons", "Fourth identical request in three months.", "--user", "sophie",
                       "--data-dir", register)
    assert code == 2 and "must be demonstrated" in err       # Art. 12(5): the evidence is required
    assert run(capsys, "case", "decide", ref, "--outcome", "refused", "--ground", "art15_4_others",
               "--reasons", "The data asked for concern other customers.",
               "--user", "sophie", "--data-dir", register)[0] == 0
    code, _, err = run(capsys, "case", "close", ref, "--user", "sophie", "--data-dir", register)
    assert code == 2 and "awaiting a manager's approval" in err
    code, out, _ = run(capsys, "approval", "list", "--data-dir", register)
    assert f"{ref}   Refusal" in out
    request_id = out.split()[0].lstrip("#")
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "marc's long password")
    code, out, err = run(capsys, "approval", "approve", request_id, "--comment", "Agreed", "--user", "marc",
                         "--data-dir", register)
    assert code == 0, err
    assert run(capsys, "comment", ref, "--text", "Well argued.", "--user", "marc", "--data-dir", register)[0] == 0
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "sophie's long password")
    code, _, err = run(capsys, "case", "close", ref, "--user", "sophie", "--data-dir", register)
    assert code == 2 and "access decided, reply not sent" in err      # approved, but the refusal has not left


def test_review_and_overdue_report_from_the_command_line(capsys, register, tmp_path):
    late = _open(capsys, register, 45)
    code, out, _ = run(capsys, "review", "--data-dir", register)
    assert code == 0 and late in out and "days late" in out and "waiting on: Officer: work not started" in out
    pdf, csv_file = tmp_path / "o.pdf", tmp_path / "o.csv"
    code, out, err = run(capsys, "report", "overdue", "--pdf", str(pdf), "--csv", str(csv_file),
                         "--csv-delimiter", ";", "--data-dir", register)
    assert code == 0, err
    assert "1 overdue" in out and pdf.read_bytes().startswith(b"%PDF")
    text = csv_file.read_bytes().decode("utf-8-sig")
    assert f"overdue;{late};Anaïs Dupont;Access" in text
    code, _, err = run(capsys, "report", "overdue", "--data-dir", register)
    assert code == 2 and "Choose where" in err


def test_a_name_without_its_password_is_never_recorded_as_that_user(capsys, tmp_path, monkeypatch):
    """A viewer's export is audited under the claimed name marked 'not identified'."""
    from sqlalchemy import text

    from megacase.services.session import open_profile
    from megacase.store.keys import KeyStore
    d = tmp_path / "demo"
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("MEGACASE_USER", raising=False)
    monkeypatch.delenv("MEGACASE_USER_PASSWORD", raising=False)
    assert cli.main(["demo", "--data-dir", str(d), "--cases", "4"]) == 0
    assert cli.main(["export", "register", "--year", "2026", "--csv", str(tmp_path / "r.csv"),
                     "--data-dir", str(d), "--user", "sophie"]) == 0
    capsys.readouterr()
    ws = open_profile(d, KeyStore(), PASSPHRASE)
    with ws.engine.connect() as conn:
        actor = conn.execute(text("SELECT actor FROM audit_events ORDER BY seq DESC LIMIT 1")).scalar_one()
    assert actor == "sophie (not identified)"
