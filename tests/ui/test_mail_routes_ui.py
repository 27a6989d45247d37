"""The manager approves or sends back changes of where mail goes from the window."""

from argon2 import PasswordHasher

from megacase.services import mail, settings, users
from megacase.services.mail import mail_routes


def test_a_manager_approves_one_change_and_sends_another_back(qtbot, make_window, prompter, ws, monkeypatch):
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users.add_user(ws, "sophie", "officer", "sophie long password")
    users.add_user(ws, "marc", "manager", "marc long password")
    officer = ws.as_actor(users.authenticate(ws, "sophie", "sophie long password"))
    mail_routes.request_change(officer, {"letters.privacy_contact": "dpo@megasecurity.eu"})
    mail.request_configuration(officer, "smtp.megasecurity.eu", 465, "tls")
    manager = ws.as_actor(users.authenticate(ws, "marc", "marc long password"))
    w = make_window(manager)
    prompter.confirm_answers[:] = [True, False]
    prompter.text_answers[:] = ["Not our server."]
    w.mail_routes_feature.action.trigger()
    shown = prompter.kinds("confirm")
    assert "letters.privacy_contact: info@megasecurity.eu → dpo@megasecurity.eu" in shown[0].text
    assert settings.get(ws, "letters.privacy_contact") == "dpo@megasecurity.eu"
    assert mail.load_settings(ws).host == "smtp.office365.com"          # sent back: nothing changed
    assert mail_routes.list_changes(ws) == [] and not prompter.errors
