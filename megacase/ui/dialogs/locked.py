"""The lock screen: the window dropped its key; this dialog takes the officer back in."""

from __future__ import annotations

from typing import Callable

from megacase.ui.dialogs.base import ServiceDialog
from megacase.ui.dialogs.unlock import secret_field


class LockedDialog(ServiceDialog):
    """Asks the signed-in user's password (a register with users) or the recovery passphrase (without)."""

    ok_text = "Unlock"

    def __init__(self, who: str | None, unlock: Callable[[str], object], parent=None):
        what = (f"Enter the password of <b>{who}</b> to go on." if who else
                "Enter the register's recovery passphrase to go on.")
        super().__init__("MegaCase is locked", "<b>MegaCase locked itself</b> (idle, Ctrl+L, or the screen was "
                         f"locked). The cases are hidden and the key dropped. {what}", parent)
        self._unlock = unlock
        self.secret = secret_field("lockSecret")
        self.form.addRow("Password" if who else "Recovery passphrase", self.secret)
        self.finish_layout()
        self.secret.setFocus()

    def submit(self):
        return self._unlock(self.secret.text())

    def show_error(self, text: str) -> None:
        super().show_error(text)
        self.secret.selectAll()
        self.secret.setFocus()
