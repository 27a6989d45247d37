"""Reminders in the window: checked at start and periodically (QTimer), shown in the system tray when
there is one, and always in a banner at the top of the window, where the officer acknowledges them.

Which reminders exist and when one comes back is decided by ``services.reminders``; this
controller only asks, shows and passes the acknowledgement on. A tray notification is
shown once per reminder per session; the banner stays until the reminders are acknowledged.
Reminders are the officer's: a manager's or viewer's session does not show them (the
manager has the review).
"""

from __future__ import annotations

import sys
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QPushButton, QSystemTrayIcon, QVBoxLayout,
                               QWidget)

from megacase.errors import MegaCaseError
from megacase.i18n import _, ngettext
from megacase.services import roles, settings
from megacase.services.review import reminders
from megacase.services.review.reminders import Reminder
from megacase.services.workspace import Workspace
from megacase.ui.widgets.blocks import WrappingLabel
from megacase.ui.workers import run_task


def system_tray(parent: QObject) -> QSystemTrayIcon | None:
    """The real tray icon, or None where the desktop has no tray (and offscreen)."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    icon = QApplication.windowIcon()
    tray = QSystemTrayIcon(icon if not icon.isNull() else QIcon.fromTheme("appointment-soon"), parent)
    tray.setToolTip("MegaCase")
    tray.show()
    return tray


class ReminderCenter(QObject):
    changed = Signal(list)            # the reminders pending now (not acknowledged)
    busy_changed = Signal(bool)       # a check in a worker started (True) or ended (False)

    def __init__(self, ws: Workspace, parent: QObject | None = None,
                 tray_factory: Callable[[QObject], object | None] = system_tray):
        super().__init__(parent)
        self.ws = ws
        self.enabled = roles.capabilities(ws).acknowledges_reminders
        self.pending: list[Reminder] = []
        self._notified: set[tuple[int, str, str]] = set()
        self.tray = tray_factory(self) if self.enabled else None
        if self.tray is not None and hasattr(self.tray, "messageClicked"):
            self.tray.messageClicked.connect(self._tray_clicked)
        self.tray_clicked = None       # set by the window: what a click on the notification does
        self.timer = QTimer(self)
        self.timer.setObjectName("reminderTimer")
        self.timer.timeout.connect(self.check_later)
        self.loading = False
        self._again = False
        if self.enabled:
            minutes = settings.get(ws, settings.REMINDER_INTERVAL_MINUTES.key)
            self.timer.start(minutes * 60_000)

    def check(self) -> list[Reminder]:
        """Ask the services what to show now; notify the tray of what it has not shown yet."""
        if not self.enabled:
            return []
        return self._show(reminders.pending(self.ws))

    def check_later(self) -> None:
        """``check`` with the register read in a worker (at start, after each reload, periodically):
        the live cases of a large register take longer than the window may stand still."""
        if not self.enabled:
            return
        if self.loading:                 # one check at a time; the latest change is checked after it
            self._again = True
            return
        self.loading = True
        self.busy_changed.emit(True)
        ws = self.ws
        run_task(lambda: reminders.pending(ws), self._arrived, self._failed, context=self, quiet_gc=True)

    def _arrived(self, pending: list[Reminder]) -> None:
        self._done()
        self._show(pending)

    def _failed(self, exc: BaseException) -> None:
        self._done()
        if not isinstance(exc, MegaCaseError):     # a locked register says so itself; anything else is a bug
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _done(self) -> None:
        self.loading = False
        self.busy_changed.emit(False)
        if self._again:
            self._again = False
            self.check_later()

    def _show(self, pending: list[Reminder]) -> list[Reminder]:
        self.pending = pending
        fresh = [r for r in self.pending if (r.case_id, r.kind, r.situation) not in self._notified]
        self._notified.update((r.case_id, r.kind, r.situation) for r in fresh)
        if fresh and self.tray is not None:
            title = ngettext("MegaCase: {n} reminder", "MegaCase: {n} reminders", len(fresh)).format(n=len(fresh))
            lines = [r.message for r in fresh[:4]] + (
                [_("… and {n} more").format(n=len(fresh) - 4)] if len(fresh) > 4 else [])
            self.tray.showMessage(title, "\n".join(lines), QSystemTrayIcon.MessageIcon.Warning
                                  if any(r.kind == reminders.OVERDUE for r in fresh)
                                  else QSystemTrayIcon.MessageIcon.Information, 15000)
        self.changed.emit(self.pending)
        return self.pending

    def acknowledge(self) -> int:
        """The officer has seen what is shown: record it (the services write the audit events)."""
        shown = list(self.pending)
        count = reminders.acknowledge(self.ws, shown) if shown else 0
        self.check()
        return count

    def _tray_clicked(self) -> None:
        if self.tray_clicked is not None:
            self.tray_clicked()


class ReminderBanner(QFrame):
    """A strip at the top of the window: what is overdue or due soon, and 'Seen'."""

    show_requested = Signal()

    def __init__(self, center: ReminderCenter, on_error: Callable[[str], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.center = center
        self._on_error = on_error
        self.setObjectName("reminderBanner")
        self.setStyleSheet(
            "QFrame#reminderBanner { background: #fff4e0; border: 1px solid #e8c88f; border-radius: 4px; }"
            "QFrame#reminderBanner[level=\"overdue\"] { background: #fdecea; border-color: #e6a39e; }"
            "QLabel#reminderHeadline { font-weight: 700; color: #6e4200; }"
            "QFrame#reminderBanner[level=\"overdue\"] QLabel#reminderHeadline { color: #8c1d18; }"
            "QLabel#reminderText { color: #374151; }")
        self.headline = WrappingLabel()        # wraps on a narrow window instead of widening it
        self.headline.setObjectName("reminderHeadline")
        self.text = WrappingLabel()
        self.text.setObjectName("reminderText")
        self.show_button = QPushButton(_("Show"))
        self.show_button.setObjectName("reminderShow")
        self.show_button.setToolTip(_("Open the dashboard"))
        self.show_button.clicked.connect(self.show_requested)
        self.ack_button = QPushButton(_("Seen — acknowledge"))
        self.ack_button.setObjectName("reminderAcknowledge")
        self.ack_button.setToolTip(_("Record that you have seen these reminders; they come back when the "
                                     "situation changes"))
        self.ack_button.clicked.connect(self.acknowledge)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.headline)
        words.addWidget(self.text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(words, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.ack_button)
        center.changed.connect(self.show_reminders)

    def sizeHint(self):
        # The toolbar holding the banner asks for its size hint only, which Qt computes for wrapped labels at
        # their narrowest: three lines of empty space on a wide window. Ask for the height at the actual width.
        hint = super().sizeHint()
        if self.width() > 0 and self.layout().hasHeightForWidth():
            hint.setHeight(self.layout().heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()

    def show_reminders(self, pending: list[Reminder]) -> None:
        """Fill the banner (whoever holds it shows it only while there are reminders)."""
        if not pending:
            self.headline.setText(_("No reminders"))
            self.text.setText("")
            return
        overdue = [r for r in pending if r.kind == reminders.OVERDUE]
        self.setProperty("level", "overdue" if overdue else "due_soon")
        self.style().unpolish(self)
        self.style().polish(self)
        parts = []
        if overdue:
            parts.append(_("{n} overdue").format(n=len(overdue)))
        soon = sum(1 for r in pending if r.kind == reminders.DUE_SOON)
        if soon:
            parts.append(_("{n} due soon").format(n=soon))
        window = sum(1 for r in pending if r.kind == reminders.EXTENSION_WINDOW)
        if window:
            parts.append(ngettext("{n} extension notice window closing", "{n} extension notice windows closing",
                                  window).format(n=window))
        bounced = sum(1 for r in pending if r.kind == reminders.BOUNCED)
        if bounced:
            parts.append(ngettext("{n} letter bounced", "{n} letters bounced", bounced).format(n=bounced))
        answers = sum(1 for r in pending if r.kind == reminders.ANSWER_ARRIVED)
        if answers:
            parts.append(ngettext("{n} answer arrived", "{n} answers arrived", answers).format(n=answers))
        self.headline.setText(_("Reminders: {list}").format(list=", ".join(parts)))
        lines = [r.message for r in pending[:2]]
        if len(pending) > 2:
            lines[-1] += "  " + _("… and {n} more (Show).").format(n=len(pending) - 2)
        self.text.setText("\n".join(lines))
        self.updateGeometry()      # the toolbar asks the banner's height again (a new text may take fewer lines)

    def acknowledge(self) -> None:
        try:
            self.center.acknowledge()
        except MegaCaseError as exc:
            self._on_error(str(exc))
