"""`megacase letter|outbox|import-eml|config smtp` in-process, against a real loopback SMTP server."""

from __future__ import annotations

import json

import pytest

from megacase import cli
from megacase.store import keys
from tests.conftest import FAST_SCRYPT, PASSPHRASE
from tests.smtp_server import LoopbackSmtp


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


@pytest.fixture
def profile(capsys, tmp_path):
    d = str(tmp_path / "p")
    assert run(capsys, "init", "--data-dir", d)[0] == 0
    code, out, err = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--name", "Emily Carter",
                         "--email", "emily.carter@protonmail.com", "--language", "en", "--received",
                         "2026-11-02T10:00")
    assert code == 0, err
    return d, out.strip()


def test_templates_one_id_at_the_start_of_each_line(capsys):
    code, out, _ = run(capsys, "letter", "templates")
    ids = [line.split()[0] for line in out.splitlines()]
    assert code == 0 and ids[:4] == ["acknowledgement", "identity-request", "clarification-request", "extension"]
    assert "refusal" in ids and "address-change-notice" in ids and len(ids) == 15


def test_preview_send_outbox_and_retry(capsys, profile, monkeypatch):
    d, ref = profile
    code, out, err = run(capsys, "letter", "preview", ref, "acknowledgement", "--data-dir", d)
    assert code == 0, err
    assert out.startswith("To: emily.carter@protonmail.com (known address; language en)")
    assert "Subject: Acknowledgement" in out and "Dear Emily Carter" in out
    code, _, err = run(capsys, "letter", "send", ref, "acknowledgement", "--data-dir", d)
    assert code == 2 and "mail server" in err
    server = LoopbackSmtp().start()
    try:
        code, out, err = run(capsys, "config", "smtp", "--host", "127.0.0.1", "--port", str(server.port),
                             "--security", "none", "--sender", "privacy@megasecurity.eu", "--data-dir", d)
        assert code == 0 and "127.0.0.1" in out and "password not set" in out
        for argv in (("case", "start", ref), ("case", "decide", ref, "--outcome", "granted")):
            assert run(capsys, *argv, "--data-dir", d)[0] == 0
        code, out, err = run(capsys, "letter", "send", ref, "access-reply", "--access-copy", "--protect",
                             "--data-dir", d)
        assert code == 0, err
        assert "sent (250" in out and "Password of the PDF copy" in out
        (got,) = server.messages
        assert got.rcpt_tos == ["emily.carter@protonmail.com"]
        assert [p.get_filename() for p in got.message.iter_attachments()] == [f"{ref}-copy-of-data.pdf"]
        # Another address without a verified identity: refused (exit 2), nothing sent.
        code, _, err = run(capsys, "letter", "send", ref, "acknowledgement", "--to", "someone@else.example",
                           "--reason", "Asked by phone to use this address.", "--data-dir", d)
        assert code == 2 and "identity" in err and len(server.messages) == 1
        code, _, err = run(capsys, "letter", "send", ref, "acknowledgement", "--to", "someone@else.example",
                           "--data-dir", d)
        assert code == 2 and "--reason" in err
    finally:
        server.stop()
    # The server is down: the letter waits (exit 1), then goes once when it is back.
    code, out, _ = run(capsys, "letter", "send", ref, "acknowledgement", "--data-dir", d)
    assert code == 1 and "queued" in out
    code, out, _ = run(capsys, "outbox", "list", "--json", "--data-dir", d)
    (waiting,) = json.loads(out)
    assert waiting["status"] == "queued" and waiting["attempts"] == 1
    assert run(capsys, "outbox", "retry", "--data-dir", d)[0] == 1
    server.start()
    try:
        code, out, _ = run(capsys, "outbox", "retry", "--data-dir", d)
        assert code == 0 and "sent" in out
        code, out, _ = run(capsys, "outbox", "retry", "--data-dir", d)
        assert code == 0 and "Nothing waits" in out
        assert len(server.messages) == 2     # the access reply before, and the waiting letter once
    finally:
        server.stop()
    code, out, _ = run(capsys, "outbox", "list", "--all", "--data-dir", d)
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.split()[3] == "sent" for line in lines)


def test_config_smtp_password_goes_to_the_keyring(capsys, profile, monkeypatch, memory_keyring):
    d, _ = profile
    monkeypatch.setenv("MEGACASE_SMTP_PASSWORD", "pa55word!")
    code, out, err = run(capsys, "config", "smtp", "--host", "smtp.office365.com", "--port", "587", "--security",
                         "starttls", "--user", "privacy@megasecurity.eu", "--password", "--data-dir", d)
    assert code == 0, err
    assert "sender privacy@megasecurity.eu" in out and "password set" in out
    assert memory_keyring.get_password("MegaCase SMTP", "privacy@megasecurity.eu@smtp.office365.com") == "pa55word!"
    code, _, err = run(capsys, "config", "smtp", "--security", "ssl", "--data-dir", d)
    assert code == 2


def test_import_eml(capsys, profile, tmp_path):
    d, _ = profile
    eml = tmp_path / "request.eml"
    eml.write_bytes(b"Received: from mail.protonmail.ch by mail.megasecurity.eu; Mon, 09 Nov 2026 08:15:20 +0100\r\n"
                    b"From: Emily Carter <emily.carter@protonmail.com>\r\nTo: info@megasecurity.eu\r\n"
                    b"Date: Mon, 09 Nov 2026 08:15:00 +0100\r\nSubject: Please delete my account\r\n\r\n"
                    b"I want my data erased.\r\n")
    code, out, err = run(capsys, "import-eml", str(eml), "--data-dir", d)
    assert code == 0, err
    assert "Erasure" in out and "2026-11-09 08:15" in out and "identified by the known address" in out
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"\x00\x01garbage")
    code, _, err = run(capsys, "import-eml", str(bad), "--data-dir", d)
    assert code == 2 and "cannot be imported" in err and err.count("\n") == 1


def test_send_by_post_needs_identity_and_a_reason(capsys, profile):
    d, ref = profile
    code, _, err = run(capsys, "letter", "send", ref, "acknowledgement", "--post", "Rue Haute 190, 1000 Bruxelles",
                       "--data-dir", d)
    assert code == 2 and "--reason" in err
    code, _, err = run(capsys, "letter", "send", ref, "acknowledgement", "--post", "Rue Haute 190, 1000 Bruxelles",
                       "--reason", "Asked for paper.", "--data-dir", d)
    assert code == 2 and "identity" in err
    assert run(capsys, "case", "start", ref, "--data-dir", d)[0] == 0
    assert run(capsys, "case", "ask", ref, "--method", "in_person", "--asked", "Visit with an ID card",
               "--data-dir", d)[0] == 0
    assert run(capsys, "case", "answer", ref, "--answer", "Seen in person", "--result", "verified",
               "--data-dir", d)[0] == 0
    code, out, err = run(capsys, "letter", "send", ref, "acknowledgement", "--post", "Rue Haute 190, 1000 Bruxelles",
                         "--reason", "Asked for paper.", "--data-dir", d)
    assert code == 0 and "recorded as posted" in out, err
    # A posted access reply answers the right only with the copy of the data enclosed (printed, kept on record).
    assert run(capsys, "case", "decide", ref, "--outcome", "granted", "--data-dir", d)[0] == 0
    code, _, err = run(capsys, "letter", "send", ref, "access-reply", "--post", "Rue Haute 190, 1000 Bruxelles",
                       "--reason", "Asked for paper.", "--data-dir", d)
    assert code == 2 and "attach it, or record that no data are held" in err
    code, out, err = run(capsys, "letter", "send", ref, "access-reply", "--post", "Rue Haute 190, 1000 Bruxelles",
                         "--reason", "Asked for paper.", "--access-copy", "--data-dir", d)
    assert code == 0 and "recorded as posted" in out, err
    code, out, _ = run(capsys, "case", "show", ref, "--json", "--data-dir", d)
    assert json.loads(out)["rights"][0]["answered"] is True
