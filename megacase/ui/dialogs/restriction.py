"""Starting a restriction (Art. 18): the officer names its Art. 18(1) ground."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from megacase.i18n import N_, _
from megacase.services.privacy import restriction
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog


class RestrictionDialog(ServiceDialog):
    ok_text = N_("Restrict from today")

    def __init__(self, ws: Workspace, reference: str, parent=None):
        super().__init__(_("Restrict processing — {reference}").format(reference=reference),
                         _("From today the subject's data are <b>only stored</b> (Art. 18(2)); the restriction "
                         "shows wherever the subject appears. Before it is lifted, the subject must be told "
                         "(Art. 18(3)): the lifting waits for the 'restriction-lifting' letter."), parent)
        self.ws, self.reference = ws, reference
        self.ground = QComboBox()
        self.ground.setObjectName("restrictionGround")
        for key, text in restriction.GROUNDS.items():
            self.ground.addItem(_(text), key)
        self.form.addRow(_("Ground"), self.ground)
        self.finish_layout()

    def submit(self):
        return restriction.start(self.ws, self.reference, self.ground.currentData())
