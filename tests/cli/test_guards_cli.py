"""`letter send`, `case close` and `steps notified` refuse what the rules forbid: exit 2, one line, nothing
changed, the refusal in the audit trail; `remind` and `report overdue` list decided-but-unanswered cases."""

from __future__ import annotations

import json

from sqlalchemy import select

import pytest

from megacase import cli
from megacase.services.session import open_profile
from megacase.store import keys
from megacase.store.keys import KeyStore
from megacase.store.orm import AuditEvent, Letter
from tests.conftest import FAST_SCRYPT, PASSPHRASE


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("MEGACASE_SMTP_PASSWORD", raising=False)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _trail(data_dir):
    ws = open_profile(data_dir, KeyStore(), PASSPHRASE)
    with ws.reading() as s:
        refused = [json.loads(e.details) for e in s.execute(select(AuditEvent).where(
            AuditEvent.kind == "action.refused")).scalars()]
        letters = s.execute(select(Letter)).scalars().all()
    ws.engine.dispose()
    return refused, len(letters)


def test_forbidden_things_are_refused_with_exit_2_and_recorded(capsys, tmp_path):
    d = str(tmp_path / "p")
    assert run(capsys, "init", "--data-dir", d)[0] == 0
    code, out, err = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--type", "erasure",
                         "--name", "Zoë Van den Bossche", "--email", "zoe@telenet.be", "--language", "nl",
                         "--received", "2026-11-02T10:00")
    ref = out.strip()
    for argv in (("case", "start", ref), ("case", "decide", ref, "--right", "access", "--outcome", "granted"),
                 ("config", "smtp", "--host", "127.0.0.1", "--port", "2525", "--security", "none",
                  "--sender", "privacy@megasecurity.eu")):
        assert run(capsys, *argv, "--data-dir", d)[0] == 0
    code, out, err = run(capsys, "case", "show", ref, "--json", "--data-dir", d)
    rights = json.loads(out)["rights"]
    assert [(r["right"], r["outcome"], r["answered"], r["answering_letter_id"]) for r in rights] == [
        ("access", "granted", False, None), ("erasure", None, False, None)]

    refusals = (
        (("letter", "send", ref, "access-reply"), "attach it, or record that no data are held", "letter:access-reply"),
        (("letter", "send", ref, "erasure-confirmation"), "is decided that way", "letter:erasure-confirmation"),
        (("case", "decide", ref, "--right", "erasure", "--outcome", "granted"), None, None),
        (("case", "close", ref), "access decided, reply not sent", "close"),
        (("steps", "notified", ref, "Lightspeed"), "recorded by the Art. 19 notice itself", "steps:notified"),
    )
    expected = []
    for argv, message, action in refusals:
        code, out, err = run(capsys, *argv, "--data-dir", d)
        if message is None:
            assert code == 0, err
            continue
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
        expected.append(action)
    refused, letters = _trail(tmp_path / "p")
    assert [r["action"] for r in refused] == expected and letters == 0
    code, out, _ = run(capsys, "case", "show", ref, "--data-dir", d)
    assert "Access: Granted – decided, reply not sent" in out


def test_remind_and_report_overdue_list_decided_but_unanswered(capsys, tmp_path):
    d = str(tmp_path / "p")
    assert run(capsys, "init", "--data-dir", d)[0] == 0
    code, out, _ = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--name", "Emily Carter",
                       "--email", "emily@example.com", "--received", "2025-01-02T10:00")
    ref = out.strip()
    for argv in (("case", "start", ref), ("case", "decide", ref, "--outcome", "granted")):
        assert run(capsys, *argv, "--data-dir", d)[0] == 0
    code, out, err = run(capsys, "remind", "--data-dir", d)
    assert ref in out and "decided, reply not sent" in out, out + err
    code, out, err = run(capsys, "review", "--data-dir", d)
    assert ref in out and "decided, reply not sent" in out, out + err
    csv_path = tmp_path / "o.csv"
    code, out, err = run(capsys, "report", "overdue", "--csv", str(csv_path), "--data-dir", d)
    assert code == 0, err
    assert ref in csv_path.read_text("utf-8-sig")


def test_grounds_lists_the_codes_a_decision_may_cite(capsys):
    code, out, _ = run(capsys, "grounds", "--outcome", "refused")
    assert code == 0 and out.splitlines()[0].startswith("art12_2_identity ")
    assert "Art. 12(6)" not in out and "art12_5_excessive" in out and "needs evidence" in out
    assert "art15_3_copies" not in out                     # a fee ground, not a refusal's
