"""The unlock and first-run dialogs: a refusal is shown in the dialog, which stays open with what was typed."""

from megacase.services.session import open_profile
from megacase.ui.dialogs.unlock import FirstRunDialog, UnlockDialog
from tests.conftest import PASSPHRASE


def test_unlock_refuses_a_wrong_passphrase_then_opens(qtbot, ws, data_dir, keystore, memory_keyring):
    ws.engine.dispose()
    memory_keyring.store.clear()
    dialog = UnlockDialog(data_dir, lambda p: open_profile(data_dir, keystore, p))
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("not the passphrase at all")
    dialog.attempt()
    assert "not correct" in dialog.error.text() and dialog.error.isVisibleTo(dialog)
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.result_value is None
    assert dialog.passphrase.text() == "not the passphrase at all"
    dialog.passphrase.setText(PASSPHRASE)
    dialog.attempt()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_value is not None and dialog.result_value.engine is not None


def test_first_run_checks_the_repeat_and_the_strength(qtbot, tmp_path):
    created = []
    from megacase.store.keys import check_passphrase_strength

    def create(p):
        check_passphrase_strength(p)
        created.append(p)
        return "register"

    dialog = FirstRunDialog(tmp_path / "new", create)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("a long enough passphrase")
    dialog.repeat.setText("a long enough passphrasE")
    dialog.attempt()
    assert "differ" in dialog.error.text() and not created
    dialog.passphrase.setText("short")
    dialog.repeat.setText("short")
    dialog.attempt()
    assert "at least" in dialog.error.text() and not created
    dialog.passphrase.setText("a long enough passphrase")
    dialog.repeat.setText("a long enough passphrase")
    dialog.attempt()
    assert created == ["a long enough passphrase"] and dialog.result_value == "register"
    assert dialog.result() == dialog.DialogCode.Accepted
