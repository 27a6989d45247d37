"""`megacase processors`, `steps`, `erase`, `retention`, `invoices`, `restriction` and `objection`."""

from __future__ import annotations

import json

import pytest

from megacase import cli
from megacase.services.letters import letters
from megacase.services.session import open_profile
from megacase.services.workspace import Actor
from megacase.store import keys
from megacase.store.keys import KeyStore
from tests.conftest import FAST_SCRYPT, PASSPHRASE
from tests.mail_sink import configure_mail, smtp_sink

PROCESSORS = ("Lightspeed", "MailChimp", "Office 365", "PayPal", "Carriers", "Silvasoft", "Google Analytics")


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")


@pytest.fixture
def profile(tmp_path, capsys):
    pfile = tmp_path / "pass.txt"
    pfile.write_text(PASSPHRASE + "\n")
    d = str(tmp_path / "profile")
    assert cli.main(["init", "--data-dir", d, "--passphrase-file", str(pfile)]) == 0
    capsys.readouterr()
    return d


def run(capsys, d, *argv):
    code = cli.main([*argv, "--data-dir", d])
    out, err = capsys.readouterr()
    return code, out, err


def test_processors_list_json_and_edit(capsys, profile):
    code, out, _ = run(capsys, profile, "processors", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["name"] for r in rows] == list(PROCESSORS)
    assert rows[0]["categories"] == ["identity", "contact", "addresses", "orders", "account"]
    code, out, _ = run(capsys, profile, "processors", "edit", "MailChimp", "--retention", "Until unsubscribed",
                       "--notice-channel", "E-mail to privacy@mailchimp.example")
    assert code == 0 and "Retention period or its criteria: Until unsubscribed" in out
    code, out, _ = run(capsys, profile, "processors", "list")
    assert code == 0 and out.splitlines()[0].startswith("PROCESSOR") and "Silvasoft" in out
    code, _, err = run(capsys, profile, "processors", "edit", "Shopify", "--role", "x")
    assert code == 2 and "No processor 'Shopify'" in err


def test_erase_from_the_command_line(capsys, profile):
    code, out, err = run(capsys, profile, "case", "open", "--type", "erasure", "--name", "Jeroen Peeters",
                         "--email", "jeroen.peeters@gmail.com", "--address", "Meir 24, 2000 Antwerpen",
                         "--language", "nl")
    assert code == 0, err
    ref = out.strip()
    assert run(capsys, profile, "case", "start", ref)[0] == 0
    code, _, err = run(capsys, profile, "erase", ref)
    assert code == 2 and "cannot be erased yet" in err and "decided granted" in err
    assert run(capsys, profile, "case", "decide", ref, "--outcome", "partly_granted",
               "--ground", "Art. 17(3)(b) GDPR")[0] == 0
    for name in PROCESSORS:
        step = ("kept", ref, name) if name == "Silvasoft" else ("done", ref, name)
        assert run(capsys, profile, "steps", *step)[0] == 0
        notice = (("no-notice", ref, name, "--reason", "The processor held none of the subject's data")
                  if name == "Google Analytics" else ("notified", ref, name))
        assert run(capsys, profile, "steps", *notice)[0] == 0
    code, out, _ = run(capsys, profile, "steps", "list", ref)
    assert "Silvasoft" in out and "Kept" in out and "No notice (The processor held none" in out
    code, out, _ = run(capsys, profile, "erase", ref, "--dry-run", "--invoices", "F-2026-0042",
                       "--last-invoice", "2026-11-03")
    assert code == 0 and "kept at Silvasoft: Art. 17(3)(b)" in out and "until 2036-12-31" in out
    assert "BLOCKED: Send the erasure confirmation letter first" in out

    ws = open_profile(profile, KeyStore(), None, Actor("cli-officer"))
    with smtp_sink() as sink:
        configure_mail(ws, sink)
        assert letters.send_letter(ws, ref, "erasure-confirmation").sent
    code, out, err = run(capsys, profile, "erase", ref, "--invoices", "F-2026-0042", "--last-invoice", "2026-11-03")
    assert code == 0, err
    assert "Subject S-00001 erased" in out and "kept until 2036-12-31" in out and "outside the database" in out

    assert run(capsys, profile, "audit", "verify")[0] == 0
    code, out, _ = run(capsys, profile, "case", "list", "--json")
    [row] = json.loads(out)
    assert row["reference"] == ref and row["subject"] == {"name": "Anonymous subject S-00001", "email": ""}
    assert "Peeters" not in out
    code, _, err = run(capsys, profile, "invoices", "list")
    assert code == 2 and "for a manager" in err


def test_retention_dry_run_then_apply_print_the_same_changes(capsys, profile):
    code, out, _ = run(capsys, profile, "retention", "--years", "1")
    assert code == 0 and out.startswith("Dry run (nothing changed). Retention on ") and "Nothing to do." in out
    code, out, _ = run(capsys, profile, "retention", "--dry-run", "--json")
    assert json.loads(out)["years"] == 1 and json.loads(out)["cases"] == []
    code, dry, _ = run(capsys, profile, "retention", "--dry-run")
    code, applied, _ = run(capsys, profile, "retention", "--apply")
    assert code == 0 and applied.startswith("Applied. ")
    assert applied.splitlines()[1:] == dry.splitlines()[1:]
    code, _, err = run(capsys, profile, "retention", "--years", "0")
    assert code == 2 and "from 1 to 30" in err


def test_restriction_and_objection_from_the_command_line(capsys, profile):
    code, out, _ = run(capsys, profile, "case", "open", "--type", "restriction", "--type", "objection",
                       "--name", "Lotte Willems", "--email", "lotte.willems@gmail.com")
    ref = out.strip()
    code, out, _ = run(capsys, profile, "restriction", "start", ref, "--ground", "accuracy")
    assert code == 0 and "restricted since" in out and "processing suspended" in out
    code, _, err = run(capsys, profile, "restriction", "lift", ref, "--reason", "Verified")
    assert code == 2 and "Art. 18(3)" in err
    code, out, _ = run(capsys, profile, "objection", "direct-marketing", ref)
    assert code == 0 and "can only be granted" in out
    assert run(capsys, profile, "case", "start", ref)[0] == 0
    code, _, err = run(capsys, profile, "case", "decide", ref, "--outcome", "refused", "--ground", "Art. 21(1)")
    assert code == 2 and "absolute" in err
