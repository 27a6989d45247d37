"""Tools > Change recovery passphrase…: the window's face of ``services.session.change_recovery_passphrase``."""

from __future__ import annotations

from PySide6.QtGui import QAction

from megacase.i18n import _
from megacase.services import roles
from megacase.services.session import change_recovery_passphrase
from megacase.store.keys import KeyStore
from megacase.ui.dialogs.unlock import ChangePassphraseDialog


class PassphraseFeature:
    keystore_factory = staticmethod(KeyStore)    # the keyring that holds the register's key

    def __init__(self, window):
        self.w = window
        self.action = QAction(_("Change recovery &passphrase…"), window)
        self.action.setObjectName("changePassphrase")
        self.action.setStatusTip(_("Choose a new recovery passphrase for this register (recovery.json is rewritten)"))
        self.action.triggered.connect(self.change)
        window.add_action(self.action, "tools", needs=roles.CHANGE_PASSPHRASE)
        self.action.setEnabled(roles.can(window.ws, roles.CHANGE_PASSPHRASE) and window.ws.data_dir is not None)

    def change(self) -> None:
        w = self.w
        keystore = self.keystore_factory()
        dialog = ChangePassphraseDialog(w.ws.data_dir,
                                        lambda new, old: change_recovery_passphrase(w.ws, keystore, new, old), w)
        if w.prompter.run_dialog(dialog):
            w.statusBar().showMessage(_("Recovery passphrase changed: keep the new one somewhere safe."), 8000)


def install(window) -> None:
    window.passphrase_feature = PassphraseFeature(window)
