"""Tools > Change recovery passphrase… in the real window, on the real register and its recovery file."""

import pytest

from megacase.errors import WrongPassphrase
from megacase.services.workspace import Actor
from megacase.store import keys
from tests.conftest import PASSPHRASE

NEW = "the officer's new recovery passphrase"


def _action(window, name):
    return next(a for a in window.actions() if a.objectName() == name)


def test_the_officer_changes_the_recovery_passphrase(qtbot, make_window, ws, data_dir, prompter):
    recovery = data_dir / "recovery.json"
    before = recovery.read_bytes()
    seen = []

    def change(dialog) -> bool:
        dialog.current.setText("not the passphrase at all")
        dialog.passphrase.setText(NEW)
        dialog.repeat.setText(NEW + "x")
        dialog.attempt()
        seen.append(dialog.error_text())
        dialog.repeat.setText(NEW)
        dialog.attempt()                      # a wrong current passphrase: refused, nothing written
        seen.append(dialog.error_text())
        assert recovery.read_bytes() == before
        dialog.current.setText("")            # the keyring holds the key: that is proof enough
        dialog.attempt()
        return dialog.result() == dialog.DialogCode.Accepted

    prompter.on_dialog("ChangePassphraseDialog", change)
    w = make_window()
    action = _action(w, "changePassphrase")
    assert action.isVisible() and action.isEnabled()
    action.trigger()
    assert "differ" in seen[0] and "not correct" in seen[1]
    rec = keys.RecoveryFile.load(recovery)
    assert rec.unwrap(NEW) and recovery.read_bytes() != before
    assert "changed" in w.statusBar().currentMessage()
    with pytest.raises(WrongPassphrase):   # the old passphrase opens nothing any more
        rec.unwrap(PASSPHRASE)


def test_a_viewer_is_not_offered_the_change(make_window, ws):
    from megacase.services import roles
    w = make_window(ws.as_actor(roles.viewer()))
    action = _action(w, "changePassphrase")
    assert not action.isVisible() and not action.isEnabled()
    manager = make_window(ws.as_actor(Actor("marc", "manager")))
    assert _action(manager, "changePassphrase").isEnabled()
