"""Tools > Reminders and review…: the register's lead times, four-eyes review and the daily digest (its
address and its language).

Each changed value goes through ``settings.set_value`` (role checks and an audit event there);
the dialog stays open with the message when a change is refused.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox,
                               QVBoxLayout)

from megacase.errors import MegaCaseError
from megacase.i18n import LANGUAGE_NAMES, LANGUAGES, _
from megacase.services import settings as st
from megacase.ui.dialogs.base import FittingDialog, error_line


class ReviewSettingsDialog(FittingDialog):
    preferred = QSize(520, 0)

    def __init__(self, values: dict[str, Any], may_switch_four_eyes: bool,
                 save: Callable[[str, Any], object], parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Reminders and review"))
        self._values = dict(values)
        self._save = save
        self.result_value: list[str] | None = None

        def spin(key: str, suffix: str) -> QSpinBox:
            spec = st.SPECS[key]
            box = QSpinBox()
            box.setRange(spec.minimum, spec.maximum)
            box.setSuffix(suffix)
            box.setValue(values[key])
            box.setToolTip(_(spec.label))
            return box

        self.due_soon = spin(st.REMINDER_DUE_SOON_DAYS.key, _(" working days before"))
        self.extension = spin(st.REMINDER_EXTENSION_DAYS.key, _(" working days before"))
        self.interval = spin(st.REMINDER_INTERVAL_MINUTES.key, _(" minutes"))
        self.four_eyes = QCheckBox(_("Refusals, fee requests and extensions need a manager's approval"))
        self.four_eyes.setObjectName("fourEyes")
        self.four_eyes.setChecked(values[st.FOUR_EYES.key])
        self.four_eyes.setEnabled(may_switch_four_eyes)
        if not may_switch_four_eyes:
            self.four_eyes.setToolTip(_("Only a manager switches four-eyes review on or off."))
        self.digest = QCheckBox(_("Send a daily digest of due and overdue cases"))
        self.digest.setChecked(values[st.DIGEST_ENABLED.key])
        self.digest_address = QLineEdit(values[st.DIGEST_ADDRESS.key])
        self.digest_address.setPlaceholderText("privacy-team@megasecurity.eu")
        self.digest_address.setToolTip(_("An internal address: references and deadlines only, never to a subject"))
        # Each language by its own name; empty: whoever sends it (the window, a scheduled task) uses its own.
        self.digest_language = QComboBox()
        self.digest_language.setObjectName("digestLanguage")
        self.digest_language.addItem(_("The interface language"), "")
        for code in LANGUAGES:
            self.digest_language.addItem(LANGUAGE_NAMES[code], code)
        self.digest_language.setCurrentIndex(max(0, self.digest_language.findData(values[st.DIGEST_LANGUAGE.key])))
        self.digest_language.setToolTip(_(st.DIGEST_LANGUAGE.label))
        self.error = error_line()

        form = QFormLayout()
        form.addRow(QLabel(_("<b>Reminders</b>")))
        form.addRow(_("Case due soon"), self.due_soon)
        form.addRow(_("Extension notice window"), self.extension)
        form.addRow(_("Look for reminders every"), self.interval)
        form.addRow(QLabel(_("<b>Review</b>")))
        form.addRow(self.four_eyes)
        form.addRow(QLabel(_("<b>Daily digest</b> (by e-mail, through the letters' mail server)")))
        form.addRow(self.digest)
        form.addRow(_("Send it to"), self.digest_address)
        form.addRow(_("Written in"), self.digest_language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.attempt)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, Any]:
        return {st.REMINDER_DUE_SOON_DAYS.key: self.due_soon.value(),
                st.REMINDER_EXTENSION_DAYS.key: self.extension.value(),
                st.REMINDER_INTERVAL_MINUTES.key: self.interval.value(),
                st.FOUR_EYES.key: self.four_eyes.isChecked(),
                st.DIGEST_ENABLED.key: self.digest.isChecked(),
                st.DIGEST_ADDRESS.key: self.digest_address.text().strip(),
                st.DIGEST_LANGUAGE.key: self.digest_language.currentData()}

    def attempt(self) -> None:
        changed = []
        # the address before the switch: enabling a digest needs somewhere to send it
        for key, value in sorted(self.chosen().items(), key=lambda kv: kv[0] != st.DIGEST_ADDRESS.key):
            if value == self._values.get(key):
                continue
            try:
                self._save(key, value)
            except MegaCaseError as exc:
                self.show_error_line(self.error, str(exc))
                return
            self._values[key] = value
            changed.append(key)
        self.result_value = changed
        self.accept()
