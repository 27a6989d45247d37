"""Letters in the window: write a letter (Ctrl+M), the outbox view, e-mail import (menu and drag and drop),
the template editor and the mail server settings.

Sending runs in two steps: the compose dialog saves the letter in the outbox (fast,
on the GUI thread); the delivery to the mail server runs off the GUI thread, so an
unreachable server never freezes the window. The letter then shows in the case's
letters and timeline.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence

from megacase.errors import InputError, MegaCaseError
from megacase.i18n import _
from megacase.services import roles
from megacase.services.intake import eml_import, msg_import
from megacase.services.letters import outbox
from megacase.ui.dialogs.compose import ComposeDialog, ComposeResult
from megacase.ui.dialogs.eml_import import EmlImportDialog
from megacase.ui.dialogs.mail_settings import MailSettingsDialog
from megacase.ui.dialogs.template_editor import TemplateEditorDialog
from megacase.ui.format import moment
from megacase.ui.views.outbox import OutboxView
from megacase.ui.workers import run_task

EML_SUFFIXES = (".eml", ".msg")


class _DropFilter(QObject):
    """Drag an .eml file from the mail program or the file manager onto the window to import it."""

    def __init__(self, feature: LettersFeature):
        super().__init__(feature.w)
        self.feature = feature

    @staticmethod
    def _eml_path(event) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(EML_SUFFIXES):
                return Path(url.toLocalFile())
        return None

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._eml_path(event) is not None:
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop:
            path = self._eml_path(event)
            if path is not None:
                event.acceptProposedAction()
                self.feature.import_file(path)
                return True
        return False


class LettersFeature:
    def __init__(self, window):
        self.w = window
        self.deliveries_running = 0
        self._outbox_generation = 0
        self.compose = self._action("writeLetter", _("&Write letter…"), "Ctrl+M", self.write_letter,
                                    _("Write a letter to the subject's known address (or an Art. 19 notice)"))
        self.import_eml = self._action("importEml", _("&Import e-mail…"), "Ctrl+I", self.choose_eml,
                                       _("Open a case from a saved e-mail (.eml or Outlook's .msg); you can also "
                                         "drop the file on the window"))
        self.templates = self._action("editTemplates", _("Letter &templates…"), None, self.edit_templates,
                                      _("Edit the letter templates (versions kept; reset to the shipped text)"))
        self.mail = self._action("mailSettings", _("&Mail…"), None, self.mail_settings,
                                 _("How letters leave (Office 365 sign-in, Graph or SMTP), with a test message"))
        window.add_action(self.import_eml, "file", toolbar="new", needs=roles.WORK_CASES)
        window.add_action(self.compose, "case", toolbar="letters", needs=roles.WORK_CASES)
        window.add_action(self.templates, "tools", needs=roles.WORK_CASES)
        window.add_action(self.mail, "tools", needs=roles.ADMINISTER)
        self.compose.setEnabled(False)
        window.case_shown.connect(self._case_shown)
        try:
            window.detail.page("letters").add_header_action(self.compose)
        except (KeyError, AttributeError):
            pass

        self.view = OutboxView()
        self.view.send_requested.connect(self.send_waiting)
        self.view.resolve_requested.connect(self.resolve)
        self.view.show_sent.toggled.connect(lambda _on: self.refresh_outbox())
        self.view.open_case_requested.connect(self._open_case)
        # A manager or viewer sees the outbox but cannot send; the services refuse it too.
        for button in (self.view.send_now, self.view.arrived, self.view.not_arrived):
            button.setVisible(roles.can(window.ws, roles.WORK_CASES))
        self.view_action = window.add_view("outbox", _("&Outbox"), self.view, "Ctrl+Shift+B")
        self.view_action.triggered.connect(lambda _c=False: self.refresh_outbox())
        window.cases_loaded.connect(lambda _rows: self.refresh_outbox())

        window.setAcceptDrops(True)
        self._drop = _DropFilter(self)
        window.installEventFilter(self._drop)

    def _action(self, name: str, text: str, shortcut: str | None, slot, tip: str) -> QAction:
        action = QAction(text, self.w)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({shortcut})"
        action.setStatusTip(tip)
        action.triggered.connect(lambda _c=False: slot())
        return action

    def _case_shown(self, detail) -> None:
        self.compose.setEnabled(detail is not None and not detail.subject.anonymised)

    # --- writing and sending ----------------------------------------------------------------------
    def write_letter(self, template_id: str | None = None) -> ComposeDialog | None:
        w = self.w
        detail = w.current_detail()
        if detail is None:
            return None
        try:
            dialog = ComposeDialog(w.ws, detail.reference, w.prompter, w, template_id)
        except MegaCaseError as exc:
            w.prompter.error(w, _("Write a letter"), str(exc))
            return None
        if w.prompter.run_dialog(dialog) and isinstance(dialog.result_value, ComposeResult):
            result: ComposeResult = dialog.result_value
            if result.queued is None:
                w.prompter.info(w, _("Letter recorded as posted"), _("Print the letter and post it today: it is "
                                                                  "recorded as sent by post, with the postal address."))
                w.show_changed_case(w.load_case_now(detail.reference), _("Letter recorded as posted."))
                return dialog
            if result.pdf_password:
                w.prompter.info(w, _("Password of the access package"),
                                _("The package (PDF and ZIP) opens with the password\n\n    {password}\n\n"
                                  "Give it to the subject by another channel (telephone, not e-mail). "
                                  "It is not kept anywhere.").format(password=result.pdf_password))
            w.show_changed_case(w.load_case_now(detail.reference), _("Letter saved in the outbox; sending…"))
            self.deliver(result.queued.letter_id, detail.reference)
        return dialog

    def deliver(self, letter_id: int, reference: str) -> None:
        ws = self.w.ws
        self.deliveries_running += 1
        run_task(lambda: outbox.deliver(ws, letter_id), lambda r: self._delivered(r, reference),
                 lambda exc: self._delivery_failed(exc, reference))

    def _delivered(self, result, reference: str) -> None:
        self.deliveries_running -= 1
        w = self.w
        if result.sent:
            w.statusBar().showMessage(_("{reference}: letter sent ({reply}).").format(
                reference=reference, reply=result.server_reply), 10000)
        else:
            w.prompter.error(w, _("Letter not sent yet"),
                             _("The letter is saved in the outbox but was not sent: {error}\n\n"
                               "It will be sent when you choose Outbox > Send waiting letters now."
                               ).format(error=result.error)
                             if result.status == outbox.QUEUED else
                             _("The letter was not sent: {error}").format(error=result.error))
        self._after_change(reference)

    def _delivery_failed(self, exc: BaseException, reference: str) -> None:
        self.deliveries_running -= 1
        if isinstance(exc, MegaCaseError):
            self.w.prompter.error(self.w, _("Letter not sent"), str(exc))
        else:
            import sys
            sys.excepthook(type(exc), exc, exc.__traceback__)
        self._after_change(reference)

    def _after_change(self, reference: str | None) -> None:
        w = self.w
        current = w.current_detail()
        if reference and current is not None and current.reference == reference:
            w.show_changed_case(w.load_case_now(reference))
        else:
            w.refresh()
        self.refresh_outbox()

    # --- the outbox -------------------------------------------------------------------------------
    def refresh_outbox(self) -> None:
        """Reload the outbox off the GUI thread (counted in the window's pending loads)."""
        w, include_sent = self.w, self.view.show_sent.isChecked()
        self._outbox_generation += 1
        generation = self._outbox_generation
        w.pending += 1
        ws = w.ws

        def arrived(entries) -> None:
            w.pending -= 1
            if generation != self._outbox_generation:
                return
            self.view.set_entries(entries)
            waiting = sum(1 for e in entries if e.status != outbox.SENT)
            self.view_action.setText(_("&Outbox ({n})").format(n=waiting) if waiting else _("&Outbox"))

        def failed(exc) -> None:
            w.pending -= 1
            if isinstance(exc, MegaCaseError):
                w.prompter.error(w, _("Outbox"), str(exc))
            else:
                import sys
                sys.excepthook(type(exc), exc, exc.__traceback__)

        run_task(lambda: outbox.list_outbox(ws, include_sent=include_sent), arrived, failed)

    def send_waiting(self) -> None:
        ws = self.w.ws
        self.view.send_now.setEnabled(False)
        self.deliveries_running += 1

        def done(results):
            self.deliveries_running -= 1
            sent = sum(1 for r in results if r.sent)
            self.w.statusBar().showMessage(_("{sent} of {total} waiting letter(s) sent.").format(
                sent=sent, total=len(results)), 10000)
            failed = [r for r in results if not r.sent]
            if failed:
                self.w.prompter.error(self.w, _("Outbox"), _("{n} letter(s) still wait: {error}").format(
                    n=len(failed), error=failed[0].error))
            self._after_change(None)

        def failed(exc):
            self._delivery_failed(exc, None)

        run_task(lambda: outbox.retry(ws), done, failed)

    def resolve(self, letter_id: int, arrived: bool) -> None:
        w = self.w
        note = w.prompter.ask_text(w, _("Did the letter arrive?"),
                                   _("What did you check (e.g. 'found in the Sent Items of the mailbox')?"))
        if not note:
            return
        try:
            outbox.resolve_uncertain(w.ws, letter_id, arrived, note)
        except MegaCaseError as exc:
            w.prompter.error(w, _("Outbox"), str(exc))
            return
        self._after_change(None)

    def _open_case(self, reference: str) -> None:
        self.w.show_view("cases")
        self.w.select_reference(reference)

    # --- e-mail intake ----------------------------------------------------------------------------
    def choose_eml(self) -> None:
        path = self.w.prompter.open_file(self.w, _("Import a request from an e-mail"),
                                         _("E-mail files") + " (*.eml *.msg)")
        if path is not None:
            self.import_file(Path(path))

    def import_file(self, path: Path):
        w = self.w
        try:
            from megacase.services.user_files import read_bounded
            data = read_bounded(path, eml_import.MAX_BYTES, "the message")
            # Outlook's format, read as the .eml it stands for, with its mailbox delivery time
            data, delivered = msg_import.as_eml(data)
            parsed = eml_import.parse_eml(data, w.ws.now(), delivered)
            earlier = eml_import.already_imported(w.ws, parsed)
            if earlier:
                raise InputError(_("This message was already imported as case {reference}.").format(reference=earlier))
            matched = eml_import.match_sender(w.ws, parsed)
        except OSError as exc:
            w.prompter.error(w, _("Import an e-mail"),
                             _("Cannot read {name}: {error}.").format(name=path.name, error=exc.strerror))
            return None
        except MegaCaseError as exc:
            w.prompter.error(w, _("Import an e-mail"), str(exc))
            return None
        dialog = EmlImportDialog(w.ws, data, parsed, matched, w, delivered_at=delivered)
        if w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            detail = dialog.result_value
            w.show_view("cases")
            w.show_changed_case(detail, _("{reference} opened from the e-mail of {moment}.").format(
                reference=detail.reference, moment=moment(detail.summary.received_at)), select=True)
            return detail
        return None

    # --- tools ------------------------------------------------------------------------------------
    def edit_templates(self) -> None:
        self.w.prompter.run_dialog(TemplateEditorDialog(self.w.ws, self.w.prompter, self.w))

    def mail_settings(self) -> None:
        dialog = MailSettingsDialog(self.w.ws, self.w)
        if self.w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            s = dialog.result_value
            change = getattr(dialog, "change", None)
            if change is not None and change.pending:
                self.w.prompter.info(self.w, _("Mail"), _("Change {id} waits for a manager's approval (where letters "
                                     "go needs four eyes); the settings in force are unchanged.").format(id=change.id))
            where = "Microsoft Graph" if s.transport == "graph" else f"{s.host}:{s.port} ({s.security})"
            self.w.statusBar().showMessage(_("Letters leave by {transport} through {where}.").format(
                transport=s.transport, where=where), 8000)


def install(window) -> None:
    window.letters_feature = LettersFeature(window)
