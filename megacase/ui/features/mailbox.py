"""The privacy mailbox in the window: the Inbox view (Ctrl+Shift+U), Tools › Privacy mailbox…, and fetching
on start and every few minutes while the window is open (off the GUI thread)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction

from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services import mail, roles
from megacase.services.intake import fetch, inbox
from megacase.ui.dialogs.mailbox import MailboxSettingsDialog, OpenFromInboxDialog
from megacase.ui.views.inbox import InboxView
from megacase.ui.workers import run_task


class MailboxFeature:
    def __init__(self, window):
        self.w = window
        self.fetching = False
        self.last_status = ""
        self._generation = 0
        self.settings_action = QAction(_("Privacy &mailbox…"), window)
        self.settings_action.setObjectName("mailboxSettings")
        self.settings_action.setStatusTip(_("Where requests and answers arrive (IMAP or Microsoft Graph)"))
        self.settings_action.triggered.connect(lambda _c=False: self.mailbox_settings())
        window.add_action(self.settings_action, "tools")

        self.view = InboxView()
        self.view.fetch_requested.connect(lambda: self.fetch_now(manual=True))
        self.view.open_requested.connect(self.open_case)
        self.view.link_requested.connect(self.link)
        self.view.dismiss_requested.connect(self.dismiss)
        self.view.item_selected.connect(self._show_text)
        self.view.open_case_requested.connect(self._go_to_case)
        self.view.show_done.toggled.connect(lambda _on: self.refresh_inbox())
        works = roles.capabilities(window.ws).works_cases
        for button in (self.view.open_button, self.view.link_button, self.view.dismiss_button, self.view.fetch_now):
            button.setVisible(works)
        self.view_action = window.add_view("inbox", _("&Inbox"), self.view, "Ctrl+Shift+U")
        self.view_action.triggered.connect(lambda _c=False: self.refresh_inbox())
        window.cases_loaded.connect(lambda _rows: self.refresh_inbox())

        self.timer = QTimer(window)
        self.timer.timeout.connect(lambda: self.fetch_now(manual=False))
        if works:
            self._schedule()
            if mail.load_mailbox(window.ws).kind:
                QTimer.singleShot(0, lambda: self.fetch_now(manual=False))   # on start

    def _schedule(self) -> None:
        box = mail.load_mailbox(self.w.ws)
        if box.kind:
            self.timer.start(box.poll_minutes * 60_000)
        else:
            self.timer.stop()

    # --- the list ---------------------------------------------------------------------------------
    def refresh_inbox(self) -> None:
        w, include_done = self.w, self.view.show_done.isChecked()
        self._generation += 1
        generation = self._generation
        w.pending += 1
        ws = w.ws

        def arrived(entries) -> None:
            w.pending -= 1
            if generation != self._generation:
                return
            self.view.set_entries(entries, self.last_status)
            waiting = sum(1 for e in entries if e.status == inbox.NEW)
            self.view_action.setText(_("&Inbox ({n})").format(n=waiting) if waiting else _("&Inbox"))

        def failed(exc) -> None:
            w.pending -= 1
            self._report(exc, _("Inbox"))

        run_task(lambda: inbox.list_items(ws, include_done=include_done), arrived, failed, context=w)

    def _show_text(self, item_id: int) -> None:
        entry = self.view.current_entry()
        caution = _("Caution: {flag}.").format(flag=entry.flag) + "\n\n" if entry is not None and entry.flag else ""
        try:
            self.view.set_text(caution + inbox.message_text(self.w.ws, item_id))
        except MegaCaseError as exc:
            self.view.set_text(str(exc))

    def _report(self, exc: BaseException, title: str) -> None:
        if isinstance(exc, MegaCaseError):
            self.w.prompter.error(self.w, title, str(exc))
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    # --- fetching ---------------------------------------------------------------------------------
    def fetch_now(self, manual: bool) -> None:
        if self.fetching:
            return
        w, ws = self.w, self.w.ws
        self.fetching = True
        self.view.fetch_now.setEnabled(False)
        w.pending += 1

        def done(report) -> None:
            w.pending -= 1
            self.fetching = False
            self.view.fetch_now.setEnabled(True)
            self.last_status = _("fetched {time}").format(time=f"{ws.now():%H:%M}")
            if report.new or report.threaded or report.bounced:
                w.statusBar().showMessage(_("Privacy mailbox: {summary}").format(summary=report.summary), 15000)
                w.refresh()
            self.refresh_inbox()

        def failed(exc) -> None:
            w.pending -= 1
            self.fetching = False
            self.view.fetch_now.setEnabled(True)
            if isinstance(exc, MegaCaseError) and not manual:
                # A background fetch never interrupts the officer: the reason shows in the status bar and the view.
                self.last_status = _("not fetched: {error}").format(error=exc)
                w.statusBar().showMessage(_("Privacy mailbox not fetched: {error}").format(error=exc), 15000)
                self.refresh_inbox()
            else:
                self._report(exc, _("Privacy mailbox"))

        run_task(lambda: fetch.fetch(ws), done, failed, context=w)

    # --- the officer's actions --------------------------------------------------------------------
    def open_case(self, item_id: int) -> None:
        w = self.w
        try:
            entry = inbox.get_item(w.ws, item_id)
        except MegaCaseError as exc:
            w.prompter.error(w, _("Open a case"), str(exc))
            return
        dialog = OpenFromInboxDialog(w.ws, entry, w)
        if w.prompter.run_dialog(dialog) and dialog.result_value:
            reference = dialog.result_value
            self.refresh_inbox()
            w.show_view("cases")
            w.show_changed_case(w.load_case_now(reference),
                                _("{reference} opened from the privacy mailbox.").format(reference=reference),
                                select=True)

    def link(self, item_id: int) -> None:
        w = self.w
        reference = w.prompter.ask_text(w, _("Add to a case"), _("Reference of the case this message belongs to "
                                                               "(e.g. DSR-2027-0012):"))
        if not reference:
            return
        try:
            reference = inbox.link(w.ws, item_id, reference)
        except MegaCaseError as exc:
            w.prompter.error(w, _("Add to a case"), str(exc))
            return
        w.statusBar().showMessage(_("Message added to {reference}.").format(reference=reference), 8000)
        self.refresh_inbox()
        w.refresh()

    def dismiss(self, item_id: int) -> None:
        w = self.w
        reason = w.prompter.ask_text(w, _("Not a request"), _("Why is this message not a request (e.g. a "
                                                            "newsletter, an order question)?"))
        if not reason:
            return
        try:
            inbox.dismiss(w.ws, item_id, reason)
        except MegaCaseError as exc:
            w.prompter.error(w, _("Not a request"), str(exc))
            return
        self.refresh_inbox()

    def _go_to_case(self, reference: str) -> None:
        self.w.show_view("cases")
        self.w.select_reference(reference)

    def mailbox_settings(self) -> None:
        dialog = MailboxSettingsDialog(self.w.ws, self.w)
        if self.w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            self._schedule()
            box = dialog.result_value
            self.w.statusBar().showMessage(_("Privacy mailbox: {kind}.").format(kind=box.kind or _("none")), 8000)


def install(window) -> None:
    window.mailbox_feature = MailboxFeature(window)
