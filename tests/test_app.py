"""The composition root (megacase/app.py): one unlock, one settings registry, one transport seam, the
recovery passphrase changed from the command line, and roles enforced from one table."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import megacase
from megacase import app, cli
from megacase.errors import PermissionDenied
from megacase.services import roles, settings
from megacase.services.integrity import audit
from megacase.services.workspace import Actor
from megacase.store import keys
from megacase.store.orm import AuditEvent
from tests.conftest import FAST_SCRYPT, PASSPHRASE

ROOT = Path(megacase.__file__).parent
NEW_PASSPHRASE = "a brand new recovery passphrase"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def register(tmp_path, capsys, monkeypatch):
    d = tmp_path / "p"
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    assert run(capsys, "init", "--data-dir", str(d))[0] == 0
    monkeypatch.delenv("MEGACASE_PASSPHRASE")
    return d


def _calls(name: str):
    """(module path, line) of every call of a function called ``name`` in megacase/."""
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                if called == name:
                    yield path.relative_to(ROOT).as_posix(), node.lineno


def test_the_settings_registry_is_complete_as_soon_as_it_is_imported():
    code = ("import megacase.services.settings as s, sys\n"
            "print(sorted(s.SPECS))\n"
            "print('megacase.services.mail' in sys.modules, 'megacase.services.privacy.retention' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    keys_ = eval(out[0])
    assert {"retention.case_years", "smtp.host", "letters.signatory", "review.four_eyes",
            "reminders.due_soon_working_days"} <= set(keys_)
    assert out[1] == "False False"      # nothing else had to be imported first
    assert set(app.settings_registry()) == set(keys_)


def test_settings_are_declared_in_one_module_only():
    declared = {p for p, _ in _calls("declare")}
    assert declared == {"services/settings.py"}


def test_settings_show_and_set_on_the_command_line(capsys, register, monkeypatch):
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    code, out, err = run(capsys, "settings", "show", "--data-dir", str(register))
    assert code == 0, err
    assert "retention.case_years" in out and "smtp.host" in out
    code, out, err = run(capsys, "settings", "set", "retention.case_years", "7", "--data-dir", str(register))
    assert code == 0 and out.strip() == "retention.case_years = 7", err
    code, out, _ = run(capsys, "settings", "show", "--data-dir", str(register))
    assert next(line for line in out.splitlines() if line.startswith("retention.case_years")).split()[1] == "7"


def test_the_register_is_opened_in_one_place():
    opened = {p for p, _ in _calls("open_profile")} | {p for p, _ in _calls("create_profile")}
    # the one unlock (app.py) over the one place that picks the key source (services/session.py);
    # the demo builds its own register in memory-free tests and tools only, not here
    assert opened <= {"app.py", "services/session.py"}, opened


def test_the_workspace_carries_the_transport_chosen_at_start(register, keystore, clock):
    ws = app.unlock(register, keystore, Actor("alice"), lambda try_: pytest.fail("asked"), clock)
    assert ws.transport_factory is app.build_transport and ws.data_dir == register
    assert ws.as_actor(Actor("bob")).transport_factory is app.build_transport
    assert type(app.build_transport(ws)).__name__ == "SmtpTransport"
    ws.engine.dispose()


def test_one_unlock_asks_only_when_the_keyring_has_no_key(register, keystore, memory_keyring, clock):
    asked = []
    ws = app.unlock(register, keystore, Actor("alice"), lambda try_: asked.append(1), clock)
    assert ws is not None and asked == []
    ws.engine.dispose()
    memory_keyring.store.clear()
    ws = app.unlock(register, keystore, Actor("alice"), lambda try_: try_(PASSPHRASE), clock)
    assert ws.actor.name == "alice" and ws.transport_factory is app.build_transport
    ws.engine.dispose()
    memory_keyring.store.clear()
    assert app.unlock(register, keystore, Actor("alice"), lambda try_: None, clock) is None   # the person gave up


def test_passphrase_change_with_the_keyring_key(capsys, register, memory_keyring, monkeypatch):
    monkeypatch.setenv("MEGACASE_NEW_PASSPHRASE", NEW_PASSPHRASE)
    code, out, err = run(capsys, "passphrase", "change", "--data-dir", str(register))
    assert code == 0 and "changed" in out, err
    memory_keyring.store.clear()
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    code, _, err = run(capsys, "case", "list", "--data-dir", str(register))
    assert code == 2 and "not correct" in err
    monkeypatch.setenv("MEGACASE_PASSPHRASE", NEW_PASSPHRASE)
    code, out, err = run(capsys, "audit", "verify", "--data-dir", str(register))
    assert code == 0 and "intact" in out, err


def test_passphrase_change_needs_the_old_one_without_the_keyring(capsys, register, memory_keyring, monkeypatch,
                                                                 keystore, clock):
    recovery = register / "recovery.json"
    before = recovery.read_bytes()
    memory_keyring.store.clear()
    monkeypatch.setenv("MEGACASE_NEW_PASSPHRASE", "short")
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    code, _, err = run(capsys, "passphrase", "change", "--data-dir", str(register))
    assert code == 2 and "at least" in err and recovery.read_bytes() == before
    # a wrong current passphrase opens nothing and changes nothing
    memory_keyring.store.clear()
    monkeypatch.setenv("MEGACASE_PASSPHRASE", "not the passphrase at all")
    monkeypatch.setenv("MEGACASE_NEW_PASSPHRASE", NEW_PASSPHRASE)
    code, _, err = run(capsys, "passphrase", "change", "--data-dir", str(register))
    assert code == 2 and "not correct" in err and recovery.read_bytes() == before
    # the right one: the file is replaced whole, no temporary file left behind
    memory_keyring.store.clear()
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    code, out, err = run(capsys, "passphrase", "change", "--data-dir", str(register))
    assert code == 0, err
    assert recovery.read_bytes() != before and not list(register.glob("*.tmp"))
    assert keys.RecoveryFile.load(recovery).unwrap(NEW_PASSPHRASE)
    memory_keyring.store.clear()
    monkeypatch.delenv("MEGACASE_PASSPHRASE")
    ws = app.unlock(register, keystore, Actor("alice"), lambda try_: try_(NEW_PASSPHRASE), clock)
    with ws.reading() as s:
        kinds = list(s.scalars(select(AuditEvent.kind)))
    assert kinds.count("profile.passphrase_changed") == 1       # the failed attempts left no event
    assert audit.verify(ws).ok
    ws.engine.dispose()


def test_a_stale_keyring_key_cannot_rewrite_the_recovery_file(register, keystore):
    from megacase.errors import CorruptFile
    from megacase.store import profile
    rec = keys.RecoveryFile.load(register / "recovery.json")
    before = (register / "recovery.json").read_bytes()
    keystore.put(rec.key_id, keys.new_data_key())       # a key that opens nothing
    with pytest.raises(CorruptFile):
        profile.change_passphrase(register, keystore, NEW_PASSPHRASE)
    assert (register / "recovery.json").read_bytes() == before


def test_roles_come_from_one_table(ws):
    officer, manager, viewer = ws, ws.as_actor(Actor("marc", "manager")), ws.as_actor(roles.viewer())
    assert roles.can(officer, roles.WORK_CASES) and not roles.can(manager, roles.WORK_CASES)
    assert roles.can(manager, roles.REVIEW) and not roles.can(officer, roles.REVIEW)
    assert roles.GRANTS[roles.VIEWER] == {roles.READ}
    with pytest.raises(PermissionDenied, match="manager reviews"):
        roles.require_officer(manager)
    with pytest.raises(PermissionDenied, match="identify yourself"):
        roles.require(viewer, roles.ADMINISTER)
    with pytest.raises(PermissionDenied, match="for a manager"):
        settings.set_value(officer, settings.FOUR_EYES.key, True)
    with pytest.raises(ValueError):
        roles.can(officer, "fly")
    caps = roles.capabilities(manager)
    assert caps.reviews and not caps.works_cases and not caps.acknowledges_reminders


def test_every_capability_an_action_names_is_in_the_table():
    named = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "needs":
                v = node.value
                if isinstance(v, ast.Constant):
                    named.add(v.value)
                elif isinstance(v, ast.Attribute) and isinstance(v.value, ast.Name) and v.value.id == "roles":
                    named.add(getattr(roles, v.attr))
    assert named and named <= roles.CAPABILITIES, named - roles.CAPABILITIES
    assert {roles.WORK_CASES, roles.REVIEW, roles.CHANGE_PASSPHRASE} <= named


def test_the_command_line_refuses_what_the_role_lacks_before_it_starts(capsys, register, monkeypatch):
    from megacase.services import users
    from argon2 import PasswordHasher
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MEGACASE_NEW_USER_PASSWORD", "marc's long password")
    monkeypatch.delenv("MEGACASE_USER")
    assert run(capsys, "user", "add", "marc", "--role", "manager", "--data-dir", str(register))[0] == 0
    monkeypatch.setenv("MEGACASE_USER_PASSWORD", "marc's long password")
    code, _, err = run(capsys, "case", "open", "--type", "access", "--name", "X", "--email", "x@example.be",
                       "--user", "marc", "--data-dir", str(register))
    assert code == 2 and "manager reviews cases" in err
    code, out, err = run(capsys, "case", "list", "--json", "--user", "marc", "--data-dir", str(register))
    assert code == 0 and json.loads(out) == [], err
