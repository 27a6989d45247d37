"""`megacase mail|mailbox|inbox …` in-process, against loopback SMTP, a loopback Entra ID/Graph and Dovecot."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from megacase import cli
from megacase.store import keys
from tests.conftest import FAST_SCRYPT, PASSPHRASE
from tests.dovecot_server import PASSWORD, USER, Dovecot, dovecot_binary
from tests.microsoft_server import LoopbackMicrosoft
from tests.smtp_server import LoopbackSmtp

SENDER = "privacy@megasecurity.eu"


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def d(capsys, tmp_path):
    folder = str(tmp_path / "p")
    assert run(capsys, "init", "--data-dir", folder)[0] == 0
    return folder


def test_mail_setup_and_test_with_a_password(capsys, d, monkeypatch):
    server = LoopbackSmtp().start()
    try:
        code, out, err = run(capsys, "mail", "setup", "--data-dir", d, "--transport", "smtp-password", "--host",
                             "127.0.0.1", "--port", str(server.port), "--security", "none", "--sender", SENDER)
        assert code == 0, err
        assert out.startswith("Letters leave by smtp-password through 127.0.0.1:")
        code, out, err = run(capsys, "mail", "test", "--data-dir", d)
        assert code == 0 and out.startswith("Test message sent: 250")
        assert server.messages[0].rcpt_tos == [SENDER]
    finally:
        server.stop()


def test_mail_test_against_exchange_without_basic_auth_exits_1_with_one_line(capsys, d, monkeypatch):
    server = LoopbackSmtp(refuse_logins_with="535 5.7.139 Authentication unsuccessful, basic authentication is "
                                             "disabled.").start()
    monkeypatch.setenv("MEGACASE_SMTP_PASSWORD", "secret")
    try:
        assert run(capsys, "mail", "setup", "--data-dir", d, "--host", "127.0.0.1", "--port", str(server.port),
                   "--security", "none", "--user", SENDER, "--password")[0] == 0
        code, out, _ = run(capsys, "mail", "test", "--data-dir", d)
        assert code == 1 and len(out.strip().splitlines()) == 1
        assert "Basic authentication is disabled" in out and "5.7.139" in out
    finally:
        server.stop()


def test_graph_setup_device_code_sign_in_and_test(capsys, d, monkeypatch, tmp_path):
    microsoft = LoopbackMicrosoft(user=SENDER).start()
    monkeypatch.setenv("SSL_CERT_FILE", microsoft.cafile(tmp_path))   # trusted like a system CA
    try:
        code, out, err = run(capsys, "mail", "setup", "--data-dir", d, "--transport", "graph", "--user", SENDER,
                             "--sender", SENDER, "--tenant", microsoft.ms.tenant, "--client-id",
                             microsoft.ms.client_id, "--authority-host", microsoft.base, "--graph-url",
                             microsoft.base + "/v1.0")
        assert code == 0, err
        assert "nobody yet" in out
        code, out, err = run(capsys, "mail", "signin", "--device-code", "--data-dir", d)
        assert code == 0, err
        assert "enter the code ABCD-EFGH" in out and f"Signed in to Office 365 as {SENDER}" in out
        code, out, _ = run(capsys, "mail", "test", "--data-dir", d)
        assert code == 0 and "202 Accepted by Microsoft Graph" in out
        assert len(microsoft.ms.sent) == 1
        assert run(capsys, "mail", "signout", "--data-dir", d)[0] == 0
        code, out, _ = run(capsys, "mail", "test", "--data-dir", d)
        assert code == 1 and "Sign in to Office 365 (nobody has signed in yet)" in out
    finally:
        microsoft.stop()


def test_office365_without_tenant_is_refused(capsys, d):
    code, _, err = run(capsys, "mail", "setup", "--data-dir", d, "--transport", "smtp-oauth")
    assert code == 2 and "tenant" in err


@pytest.mark.skipif(dovecot_binary() is None, reason="Dovecot is not installed here (.ci/run installs it)")
def test_mailbox_fetch_and_inbox_commands(capsys, d, tmp_path, monkeypatch):
    server = Dovecot(tmp_path / "dovecot").start()
    monkeypatch.setenv("MEGACASE_MAILBOX_PASSWORD", PASSWORD)
    try:
        for sender, subject in (("Emily Carter <emily.carter@protonmail.com>", "Access request"),
                                ("news@shop.example", "Weekly offers")):
            raw = (f"From: {sender}\r\nTo: {USER}\r\nSubject: {subject}\r\nMessage-ID: <{subject[:5]}@x.example>\r\n"
                   "Date: Mon, 02 Nov 2026 09:00:00 +0100\r\n\r\nPlease send me a copy of my data.\r\n").encode()
            server.append(raw, datetime(2026, 11, 2, 8, 15, tzinfo=timezone.utc))
        code, out, err = run(capsys, "mailbox", "setup", "--data-dir", d, "--kind", "imap", "--host", "127.0.0.1",
                             "--port", str(server.port), "--security", "none", "--user", USER)
        assert code == 0, err
        code, out, err = run(capsys, "mail", "fetch", "--data-dir", d)
        assert code == 0, err
        assert out.startswith("2 messages read: 2 new in the inbox")
        code, out, _ = run(capsys, "inbox", "list", "--json", "--data-dir", d)
        items = {i["subject"]: i for i in json.loads(out)}
        access = items["Access request"]
        assert access["received_at"].startswith("2026-11-02T09:15") and access["request_types"] == ["access"]
        assert access["message_id"] == "<Acces@x.example>" and access["matched_subject"] is None
        code, out, err = run(capsys, "inbox", "open", str(access["item"]), "--name", "Emily Carter", "--data-dir", d)
        assert code == 0, err
        assert "received 2026-11-02 09:15 (server time)" in out
        code, out, err = run(capsys, "inbox", "dismiss", str(items["Weekly offers"]["item"]), "--reason",
                             "newsletter", "--data-dir", d)
        assert code == 0, err
        assert json.loads(run(capsys, "inbox", "list", "--json", "--data-dir", d)[1]) == []
        assert run(capsys, "mail", "fetch", "--data-dir", d)[1].startswith("0 messages read")
    finally:
        server.stop()
