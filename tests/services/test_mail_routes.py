"""Where mail goes: an officer asks, a manager approves; old and new values audited; rules on the values."""

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from megacase import cli
from megacase.errors import InputError, PermissionDenied, RuleViolation
from megacase.services import mail, settings, users
from megacase.services.mail import mail_routes
from megacase.services.privacy import processors
from megacase.store.orm import AuditEvent


@pytest.fixture
def managed(ws, monkeypatch):
    """A register with an officer and a manager: changes of routing wait for approval."""
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users.add_user(ws, "sophie", "officer", "sophie long password")
    users.add_user(ws, "marc", "manager", "marc long password")
    officer = ws.as_actor(users.authenticate(ws, "sophie", "sophie long password"))
    manager = ws.as_actor(users.authenticate(ws, "marc", "marc long password"))
    return officer, manager


def _events(ws, kind):
    with ws.reading() as s:
        return [json.loads(d) for d in s.scalars(select(AuditEvent.details).where(AuditEvent.kind == kind))]


def test_a_managers_privacy_contact_is_refused_and_an_officers_waits_for_approval(ws, managed):
    officer, manager = managed
    with pytest.raises(PermissionDenied):
        mail_routes.request_change(manager, {"letters.privacy_contact": "dpo@megasecurity.eu"})
    mail_routes.request_change(officer, {"letters.privacy_contact": "dpo@megasecurity.eu"})
    assert settings.get(ws, "letters.privacy_contact") == "info@megasecurity.eu"     # nothing changed yet
    [pending] = mail_routes.list_changes(ws)
    with pytest.raises(PermissionDenied):
        mail_routes.approve(officer, pending.id)
    mail_routes.approve(manager, pending.id, "Checked with the DPO.")
    assert settings.get(ws, "letters.privacy_contact") == "dpo@megasecurity.eu"
    [proposed] = _events(ws, "mail_route.proposed")
    [changed] = _events(ws, "mail_route.changed")
    assert proposed["changes"] == {"letters.privacy_contact": ["info@megasecurity.eu", "dpo@megasecurity.eu"]}
    assert changed["approved"] == "marc" and changed["changes"] == proposed["changes"]


def test_config_smtp_does_nothing_until_approved_and_can_be_sent_back(ws, managed):
    officer, manager = managed
    before = mail.load_settings(ws)
    change = mail.request_configuration(officer, "smtp.megasecurity.eu", 465, "tls", "letters@megasecurity.eu")
    assert change.pending and mail.load_settings(ws) == before
    mail_routes.send_back(manager, change.id, "Which server is that?")
    assert mail.load_settings(ws) == before
    with pytest.raises(RuleViolation):
        mail_routes.approve(manager, change.id)


def test_security_none_only_on_loopback_and_addresses_only_in_the_company_domains(ws):
    with pytest.raises(InputError, match="only for a mail server on this computer"):
        mail.configure(ws, "mail.elsewhere.example", 25, "none")
    mail.configure(ws, "127.0.0.1", 2525, "none", sender="privacy@megasecurity.eu")     # loopback: allowed
    with pytest.raises(InputError, match="company's own domains"):
        mail_routes.request_change(ws, {"letters.privacy_contact": "someone@evil.example"})
    with pytest.raises(InputError, match="company's own domains"):
        mail.configure(ws, "127.0.0.1", 2525, "none", sender="letters@evil.example")
    with pytest.raises(RuleViolation, match="fixed when the register was created"):
        settings.set_value(ws, "company.domains", "evil.example")


def test_a_notice_address_changes_only_after_approval_with_old_and_new_audited(ws, managed):
    officer, manager = managed
    processors.update_processor(officer, "MailChimp", notice_channel="privacy@mailchimp.example",
                                retention="30 days")
    p = processors.get_processor(ws, "MailChimp")
    assert p.notice_channel is None and p.retention == "30 days"      # the rest applies at once
    [pending] = mail_routes.list_changes(ws)
    assert pending.target == "processor MailChimp"
    mail_routes.approve(manager, pending.id)
    assert processors.get_processor(ws, "MailChimp").notice_channel == "privacy@mailchimp.example"
    [changed] = _events(ws, "mail_route.changed")
    assert changed["changes"] == {"notice_channel": [None, "privacy@mailchimp.example"]}


def test_the_cli_routes_and_approves(capsys, ws, managed, data_dir, monkeypatch):
    from megacase.store import keys
    from tests.conftest import FAST_SCRYPT, PASSPHRASE
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    base = ["--data-dir", str(data_dir)]
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "sophie long password")
    code = cli.main(["--user", "sophie", *base, "config", "smtp", "--host", "smtp.megasecurity.eu"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "waits for a manager's approval" in out and "smtp.office365.com" in out
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "marc long password")
    [pending] = mail_routes.list_changes(ws)
    assert cli.main(["route", "approve", str(pending.id), *base, "--user", "marc"]) == 0
    assert mail.load_settings(ws).host == "smtp.megasecurity.eu"
