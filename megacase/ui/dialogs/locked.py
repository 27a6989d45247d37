"""The lock screen: the window dropped its key; this dialog takes the officer back in."""

from __future__ import annotations

from typing import Callable

from megacase.i18n import N_, _
from megacase.ui.dialogs.base import ServiceDialog
from megacase.ui.dialogs.unlock import secret_field


class LockedDialog(ServiceDialog):
    """Asks the signed-in user's password (a register with users) or the recovery passphrase (without)."""

    ok_text = N_("Unlock")

    def __init__(self, who: str | None, unlock: Callable[[str], object], parent=None):
        what = (_("Enter the password of <b>{user}</b> to go on.").format(user=who) if who else
                _("Enter the register's recovery passphrase to go on."))
        super().__init__(_("MegaCase is locked"), _("<b>MegaCase locked itself</b> (idle, Ctrl+L, or the screen was "
                         "locked). The cases are hidden and the key dropped. {what}").format(what=what), parent)
        self._unlock = unlock
        self.secret = secret_field("lockSecret")
        self.form.addRow(_("Password") if who else _("Recovery passphrase"), self.secret)
        self.finish_layout()
        self.secret.setFocus()

    def submit(self):
        return self._unlock(self.secret.text())

    def show_error(self, text: str) -> None:
        super().show_error(text)
        self.secret.selectAll()
        self.secret.setFocus()
