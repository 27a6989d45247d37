"""Every dialog of the window, in French, Dutch and English, over a main window at 1366×768: nothing cut, nothing
overlapping, the whole dialog on the laptop's screen; and the same again once its error line shows.

The table below says how each dialog is opened on a realistic case of a real register (the demo register: a
real SQLCipher file filled through the services) and how its error line is made to appear, the way the officer
would make it appear (a refused action, through the real service where there is one). A dialog class in
``megacase/ui/dialogs`` without an entry (or a reason in NOT_IN_TABLE) fails ``test_every_dialog_is_in_the_table``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import keyring
import pytest
from PySide6.QtCore import QLibraryInfo, QLocale, QSize, QThreadPool, QTranslator
from PySide6.QtWidgets import QApplication, QDialog

import megacase.ui.dialogs as dialogs_package
from megacase import i18n
from megacase.store.memory_keyring import MemoryKeyring
from tests.conftest import FAST_SCRYPT
from tests.ui.dialog_geometry import LAPTOP, misfits

# The moment the register is looked at (as in the screenshots): cases in every state around it.
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(timezone.utc)
LANGUAGES = ("fr", "nl", "en")
EML = (b"From: Emily Carter <emily.carter@protonmail.com>\r\nTo: privacy@megasecurity.eu\r\n"
       b"Subject: Effacement de mes donn\xc3\xa9es / verwijdering van mijn gegevens\r\n"
       b"Message-ID: <fit-1@protonmail.com>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0100\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
       b"Bonjour, je vous demande d'effacer toutes mes donn\xc3\xa9es et de ne plus m'envoyer de publicit\xc3\xa9.\r\n")


def settle(app: QApplication) -> None:
    """Let background loads land and posted layout requests run (a bounded loop, no clock)."""
    for _ in range(100):
        QThreadPool.globalInstance().waitForDone(50)
        app.processEvents()
        if QThreadPool.globalInstance().activeThreadCount() == 0:
            break
    for _ in range(3):
        app.processEvents()


class Register:
    """One demo register for the whole module, and one main window per language over it."""

    def __init__(self, folder: Path):
        from megacase.services import users
        from megacase.services.demo import demo
        from megacase.services.session import create_profile
        from megacase.services.workspace import Actor
        from megacase.store.keys import KeyStore
        self.folder = folder
        self.keyring = MemoryKeyring()
        previous = keyring.get_keyring()
        keyring.set_keyring(self.keyring)
        try:
            ws = create_profile(folder / "profile", "demo recovery passphrase", KeyStore(), Actor("sophie", "officer"),
                                clock=lambda: NOW, scrypt_n=FAST_SCRYPT)
            demo.populate(ws, 16)
            self.ws = ws.as_actor(users.signing_actor(ws, "sophie", demo.DEMO_PASSWORDS["sophie"]))
            self.manager = ws.as_actor(users.signing_actor(ws, "marc", demo.DEMO_PASSWORDS["marc"]))
            self.inbox_item = self._receive_mail()
        finally:
            keyring.set_keyring(previous)
        self.windows: dict = {}

    def _receive_mail(self):
        from megacase.services.intake import inbox
        with self.ws.transaction() as session:
            inbox.receive(session, self.ws, "INBOX", "1", EML, NOW)
        return inbox.list_items(self.ws)[0]

    def window(self, language: str):
        """The main window built in ``language``, at the laptop's size (built once per language)."""
        if language not in self.windows:
            from megacase.ui.main_window import MainWindow
            from megacase.ui.prompter import ScriptedPrompter
            from megacase.ui.settings import UiSettings
            w = MainWindow(self.ws, UiSettings.in_folder(self.folder / f"ui-{language}"), ScriptedPrompter())
            w.resize(LAPTOP)
            w.show()
            settle(QApplication.instance())
            self.windows[language] = w
        return self.windows[language]

    def case(self, predicate: Callable) -> str:
        from megacase.services.cases import queries
        return next(c.reference for c in queries.list_cases(self.ws) if predicate(c))

    def detail(self, predicate: Callable):
        from megacase.services.cases import queries
        return queries.get_case(self.ws, self.case(predicate))


@pytest.fixture(scope="module")
def register(tmp_path_factory, qapp):
    from megacase.ui.style import apply_style
    apply_style(qapp)                     # the real style: its paddings are what the officer sees
    reg = Register(tmp_path_factory.mktemp("dialogs-fit"))
    yield reg
    for w in reg.windows.values():
        w.close()
        w.deleteLater()
    settle(qapp)


@pytest.fixture(autouse=True)
def laptop_screen(monkeypatch):
    """The offscreen platform's screen is 800×800: dialogs size themselves for the laptop's instead."""
    from megacase.ui.dialogs.base import TITLE_BAR, FittingDialog
    monkeypatch.setattr(FittingDialog, "_room", lambda self: QSize(LAPTOP.width(), LAPTOP.height() - TITLE_BAR))


@contextmanager
def speaking(app: QApplication, language: str):
    """The interface in ``language``: our catalogue, Qt's own texts, and the locale; English again after."""
    before = QLocale()
    i18n.install(language)
    translator = QTranslator()
    if translator.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(i18n.LOCALES[language]))
    try:
        yield
    finally:
        app.removeTranslator(translator)
        QLocale.setDefault(before)
        i18n.install("en")


# --- the table ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    name: str                                       # the dialog's class name
    open: Callable[[Register, object], QDialog]     # (register, main window) -> the dialog, not yet shown
    fail: Callable[[Register, QDialog], None] | None = None   # makes its error line appear
    no_error_line: str = ""                         # why there is none, when fail is None


def _in_progress(c) -> bool:
    return c.state.value == "in_progress" and not c.extended and not c.overdue


def _extend(reg, w):
    from megacase.services.cases import cases
    from megacase.ui.dialogs.case_actions import ExtendDialog
    d = reg.detail(lambda c: c.is_open and not c.extended and c.state.value == "in_progress")
    return ExtendDialog(d, lambda reason: cases.extend(reg.ws, d.reference, reason), w)


def _decide(reg, w):
    from megacase.services.cases import cases, decisions
    from megacase.ui.dialogs.case_actions import DecideDialog
    # several rights (the choice of right shows), else an extended case
    d = reg.detail(lambda c: c.state.value == "in_progress" and (len(c.request_types) > 1 or c.extended))
    return DecideDialog(d, lambda o, g, n, **more: cases.decide(reg.ws, d.reference, o, g, n, **more), w,
                        earlier=decisions.earlier_requests(reg.ws, d.reference))


def _decide_refusal_without_ground(reg, dialog):
    dialog.set_outcome("refused")
    dialog.attempt()


def _reopen(reg, w):
    from megacase.services.cases import cases
    from megacase.ui.dialogs.case_actions import ReopenDialog
    d = reg.detail(lambda c: c.state.value == "closed")
    return ReopenDialog(d, lambda reason: cases.reopen(reg.ws, d.reference, reason), w)


def _note(reg, w):
    from megacase.services.cases import cases
    from megacase.ui.dialogs.case_actions import NoteDialog
    d = reg.detail(_in_progress)
    return NoteDialog(d, lambda text: cases.add_note(reg.ws, d.reference, text), w)


def _compose(reg, w):
    from megacase.ui.dialogs.compose import ComposeDialog
    ref = reg.case(lambda c: c.state.value == "in_progress" and "access" in {t.value for t in c.request_types})
    return ComposeDialog(reg.ws, ref, w.prompter, w, "access-reply")


def _compose_posted_with_attachments(reg, dialog):
    dialog.override.setChecked(True)          # posted letters carry no e-mail attachments: refused
    dialog.by_post.setChecked(True)
    dialog.access_copy.setChecked(True)
    dialog.attempt()


def _eml(reg, w):
    from megacase.services.intake import eml_import
    from megacase.ui.dialogs.eml_import import EmlImportDialog
    parsed = eml_import.parse_eml(EML, now=NOW)
    return EmlImportDialog(reg.ws, EML, parsed, eml_import.match_sender(reg.ws, parsed), w)


def _untick_all(boxes):
    def fail(reg, dialog):
        for box in boxes(dialog):
            box.setChecked(False)
        dialog.attempt()
    return fail


def _erasure(reg, w):
    from megacase.ui.dialogs.erasure import ErasureDialog
    ref = reg.case(lambda c: c.is_open and "erasure" in {t.value for t in c.request_types})
    return ErasureDialog(reg.ws, ref, w.prompter, w)


def _erasure_without_selection(reg, dialog):
    dialog.table.clearSelection()
    dialog.table.setCurrentIndex(dialog.model.index(-1, -1))
    dialog._record("erased")


def _exception(reg, w):
    from megacase.ui.app import exception_details
    from megacase.ui.dialogs.exception import ExceptionDialog
    try:
        raise RuntimeError("demo")
    except RuntimeError as exc:
        details = exception_details(type(exc), exc, exc.__traceback__)
    return ExceptionDialog(details, w)


def _export(reg, w):
    from megacase.services.cases import queries
    from megacase.ui.dialogs.export import CaseFileDialog
    summaries = queries.list_cases(reg.ws)
    dialog = CaseFileDialog(reg.ws, summaries, None, w.prompter, w, preview=False)
    dialog.set_checked([c.reference for c in summaries[:3]])
    return dialog


def _export_to_a_file_not_a_folder(reg, dialog):
    dialog.prompter.path_answers.append(reg.folder / "profile" / "megacase.db")   # picked a file: refused
    dialog.attempt()


def _ask(reg, w):
    from megacase.services.cases import cases
    from megacase.ui.dialogs.identity import AskSubjectDialog
    d = reg.detail(_in_progress)
    dialog = AskSubjectDialog(d, lambda m, a, r: cases.ask_subject(reg.ws, d.reference, m, a, r), reg.ws.today(), w)
    dialog.set_method("id_card")                  # the longest form: the guidance on ID copies shows
    return dialog


def _ask_without_reason(reg, dialog):
    dialog.asked.setPlainText("")
    dialog.attempt()


def _record_answer(reg, w):
    from megacase.services.cases import cases
    from megacase.ui.dialogs.identity import RecordAnswerDialog
    d = reg.detail(lambda c: c.suspended)
    pending = [s for s in d.identity_steps if s.result is None]
    return RecordAnswerDialog(d, pending[-1] if pending else None,
                              lambda a, r: cases.record_answer(reg.ws, d.reference, a, r), w)


def _identity_check(reg, w):
    from megacase.services.cases import cases
    from megacase.ui.dialogs.identity import IdentityCheckDialog
    d = reg.detail(lambda c: c.state.value == "received")
    return IdentityCheckDialog(d, lambda m, r, n: cases.record_identity_check(reg.ws, d.reference, m, r, n), w)


def _identity_check_without_note(reg, dialog):
    dialog.note.setPlainText("")
    dialog.attempt()


def _intake(reg, w):
    from megacase.services.cases import cases, subjects
    from megacase.ui.dialogs.intake import IntakeDialog, IntakeServices
    services = IntakeServices(lambda text: subjects.find_subjects(reg.ws, text),
                              lambda sid, types: cases.find_open_duplicates(reg.ws, sid, types),
                              lambda new: cases.open_case(reg.ws, new))
    dialog = IntakeDialog(services, reg.ws.now().astimezone(ZoneInfo("Europe/Brussels")), w)
    from megacase.services.cases import queries
    existing = next(c for c in queries.list_cases(reg.ws) if c.state.value == "in_progress")
    dialog.choose_subject(existing.subject_name.split()[-1])
    dialog.type_boxes[existing.request_types[0].value].setChecked(True)   # a likely duplicate: its warning shows
    return dialog


def _intake_new_subject_without_address(reg, dialog):
    dialog.new_radio.setChecked(True)
    dialog.name.setText("Emily Carter")
    dialog.attempt()


def _locked(reg, w):
    from megacase.services import users
    from megacase.ui.dialogs.locked import LockedDialog
    return LockedDialog("sophie", lambda p: users.identify(reg.ws, "sophie", p), w)


def _wrong_secret(field: str, text: str = "not the right one"):
    def fail(reg, dialog):
        getattr(dialog, field).setText(text)
        dialog.attempt()
    return fail


def _mail_settings(reg, w):
    from megacase.ui.dialogs.mail_settings import MailSettingsDialog
    return MailSettingsDialog(reg.ws, w)


def _mail_settings_graph_without_tenant(reg, dialog):
    dialog.transport.setCurrentIndex(dialog.transport.findData("graph"))
    dialog.sender.setText("privacy@megasecurity.eu")
    dialog.attempt()


def _mailbox(reg, w):
    from megacase.ui.dialogs.mailbox import MailboxSettingsDialog
    dialog = MailboxSettingsDialog(reg.ws, w)
    dialog.kind.setCurrentIndex(dialog.kind.findData("imap"))     # every row shows
    return dialog


def _open_from_inbox(reg, w):
    from megacase.ui.dialogs.mailbox import OpenFromInboxDialog
    return OpenFromInboxDialog(reg.ws, reg.inbox_item, w)


def _restriction(reg, w):
    from megacase.ui.dialogs.restriction import RestrictionDialog
    return RestrictionDialog(reg.ws, reg.case(lambda c: c.state.value == "closed"), w)


def _retention(reg, w):
    from megacase.ui.dialogs.retention import RetentionDialog
    return RetentionDialog(reg.ws, w.prompter, w)


def _retention_refused(reg, dialog):
    from megacase.errors import MegaCaseError
    from megacase.services.privacy import retention
    try:                                  # what change_years shows when the service refuses a period
        retention.set_years(reg.ws, retention.CASE_YEARS.minimum - 1)
    except MegaCaseError as exc:
        dialog._fail(exc)


def _invoice_retention(reg, w):
    from megacase.ui.dialogs.retention import InvoiceRetentionDialog
    return InvoiceRetentionDialog(reg.manager, w)


def _review_settings(reg, w):
    from megacase.services import settings
    from megacase.ui.dialogs.review_settings import ReviewSettingsDialog
    values = {spec.key: value for spec, value in settings.all_values(reg.ws)}
    return ReviewSettingsDialog(values, False, lambda k, v: settings.set_value(reg.ws, k, v), w)


def _digest_to_a_mistyped_address(reg, dialog):
    dialog.digest_address.setText("privacy-team@")     # a typo: not an e-mail address, refused
    dialog.attempt()


def _shortcuts(reg, w):
    from megacase.ui.dialogs.shortcuts import ShortcutsDialog
    return ShortcutsDialog(w.shortcut_list(), w)


def _sign_in(reg, w):
    from megacase.services import users
    from megacase.ui.dialogs.sign_in import SignInDialog
    return SignInDialog([u.name for u in users.list_users(reg.ws)],
                        lambda n, p: users.identify(reg.ws, n, p), w)


def _evidence(reg, w):
    from megacase.services import systems
    from megacase.services.cases import queries
    from megacase.ui.dialogs.systems import EvidenceDialog
    for c in queries.list_cases(reg.ws):
        found = [f for f in systems.case_findings(reg.ws, c.reference)
                 if f.kind == "search" and f.categories and f.readable]
        if found and c.is_open:
            return EvidenceDialog(reg.ws, found[0], w.prompter, w, c.reference, may_withhold=True)
    raise AssertionError("the demo register has no finding to show")


def _connectors(reg, w):
    from megacase.ui.dialogs.systems import ConnectorsDialog
    return ConnectorsDialog(reg.ws, w.prompter, w)


def _connector_bad_address(reg, dialog):
    dialog.base_url.setText("ftp://api.lightspeed.example")
    dialog.attempt()


def _templates(reg, w):
    from megacase.ui.dialogs.template_editor import TemplateEditorDialog
    return TemplateEditorDialog(reg.ws, w.prompter, w)


def _template_with_unknown_placeholder(reg, dialog):
    from megacase.errors import MegaCaseError
    from megacase.services.letters import templates
    tid, lang = dialog.current()
    try:
        templates.validate_source("{{ case.nonexistent_field }} {% if %}", lang, tid)
    except MegaCaseError as exc:          # what the dialog's check shows when a render fails
        dialog._say(str(exc), bad=True)


def _unlock(reg, w):
    from megacase.services.session import open_profile
    from megacase.store.keys import KeyStore
    from megacase.ui.dialogs.unlock import UnlockDialog
    folder = reg.folder / "profile"
    return UnlockDialog(folder, lambda p: open_profile(folder, KeyStore(), p), w)


def _first_run(reg, w):
    from megacase.ui.dialogs.unlock import FirstRunDialog
    return FirstRunDialog(reg.folder / "new-profile", lambda p: None, w)


def _passphrases_differ(first: str, second: str):
    def fail(reg, dialog):
        getattr(dialog, first).setText("a long recovery passphrase")
        getattr(dialog, second).setText("a long recovery passphrase, typed otherwise")
        dialog.attempt()
    return fail


def _change_passphrase(reg, w):
    from megacase.ui.dialogs.unlock import ChangePassphraseDialog
    return ChangePassphraseDialog(reg.folder / "profile", lambda new, old: None, w)


def _users(reg, w):
    from megacase.services import users
    from megacase.ui.dialogs.users import UsersDialog
    return UsersDialog(users.list_users(reg.ws), lambda n, r, p: users.add_user(reg.ws, n, r, p), w)


TABLE = [
    Entry("ExtendDialog", _extend, lambda reg, d: d.attempt()),          # no reason given: refused
    Entry("DecideDialog", _decide, _decide_refusal_without_ground),
    Entry("ReopenDialog", _reopen, lambda reg, d: d.attempt()),
    Entry("NoteDialog", _note, lambda reg, d: d.attempt()),
    Entry("ComposeDialog", _compose, _compose_posted_with_attachments),
    Entry("EmlImportDialog", _eml, _untick_all(lambda d: d.type_boxes.values())),
    Entry("ErasureDialog", _erasure, _erasure_without_selection),
    Entry("ExceptionDialog", _exception, no_error_line="it is itself the error: the details box scrolls"),
    Entry("CaseFileDialog", _export, _export_to_a_file_not_a_folder),
    Entry("AskSubjectDialog", _ask, _ask_without_reason),
    Entry("RecordAnswerDialog", _record_answer, lambda reg, d: d.attempt()),
    Entry("IdentityCheckDialog", _identity_check, _identity_check_without_note),
    Entry("IntakeDialog", _intake, _intake_new_subject_without_address),
    Entry("LockedDialog", _locked, _wrong_secret("secret")),
    Entry("MailSettingsDialog", _mail_settings, _mail_settings_graph_without_tenant),
    Entry("MailboxSettingsDialog", _mailbox, lambda reg, d: d.attempt()),   # IMAP without a server
    Entry("OpenFromInboxDialog", _open_from_inbox, _untick_all(lambda d: d.boxes.values())),
    Entry("RestrictionDialog", _restriction, lambda reg, d: d.attempt()),  # a closed case cannot be restricted
    Entry("RetentionDialog", _retention, _retention_refused),
    Entry("InvoiceRetentionDialog", _invoice_retention, no_error_line="a read-only list: nothing to refuse"),
    Entry("ReviewSettingsDialog", _review_settings, _digest_to_a_mistyped_address),
    Entry("ShortcutsDialog", _shortcuts, no_error_line="a read-only list: nothing to refuse"),
    Entry("SignInDialog", _sign_in, _wrong_secret("password")),
    Entry("EvidenceDialog", _evidence, no_error_line="a refused withholding is a message box (prompter.error)"),
    Entry("ConnectorsDialog", _connectors, _connector_bad_address),
    Entry("TemplateEditorDialog", _templates, _template_with_unknown_placeholder),
    Entry("UnlockDialog", _unlock, _wrong_secret("passphrase")),
    Entry("FirstRunDialog", _first_run, _passphrases_differ("passphrase", "repeat")),
    Entry("ChangePassphraseDialog", _change_passphrase, _passphrases_differ("passphrase", "repeat")),
    Entry("UsersDialog", _users, _passphrases_differ("password", "repeat")),
]

# Dialog classes in megacase/ui/dialogs that are not opened on their own.
NOT_IN_TABLE = {"ServiceDialog": "the base of the working dialogs: each subclass is in the table",
                "FittingDialog": "the base of every dialog (sizes to its content): each subclass is in the table"}



def _about(reg, w):
    from megacase.ui.prompter import information_box
    return information_box(w, *w.about_text())


# Windows built elsewhere: Qt's own boxes, sized by Qt to their text. The About box is looked at as a sample;
# the prompter's other message boxes, QInputDialog, QFileDialog and the backup's QProgressDialog are Qt's too.
ELSEWHERE = [Entry("About", _about, no_error_line="a message box")]


def dialog_classes() -> dict[str, type]:
    found = {}
    for module_info in pkgutil.iter_modules(dialogs_package.__path__):
        module = importlib.import_module(f"{dialogs_package.__name__}.{module_info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == module.__name__:
                found[name] = cls
    return found


def test_every_dialog_is_in_the_table():
    listed = {e.name for e in TABLE}
    assert len(listed) == len(TABLE)
    missing = set(dialog_classes()) - listed - set(NOT_IN_TABLE)
    assert not missing, f"add these dialogs to TABLE in {__file__}: {sorted(missing)}"
    assert listed <= set(dialog_classes())
    for entry in TABLE:
        assert entry.fail is not None or entry.no_error_line, entry.name


def _error_label(dialog: QDialog):
    if hasattr(dialog, "error"):
        return dialog.error
    return dialog.message                         # the template editor says its errors in its message line


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("entry", TABLE + ELSEWHERE, ids=[e.name for e in TABLE + ELSEWHERE])
def test_the_dialog_fits_in_every_language(qtbot, qapp, register, entry, language):
    with speaking(qapp, language):
        window = register.window(language)
        dialog = entry.open(register, window)
        assert type(dialog).__name__ == entry.name or entry in ELSEWHERE
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        settle(qapp)
        problems = misfits(dialog)
        assert not problems, f"{entry.name} in {language}:\n" + "\n".join(problems)
        if entry.fail is None:
            return
        before = dialog.height()
        entry.fail(register, dialog)
        settle(qapp)
        error = _error_label(dialog)
        assert error.isVisible() and error.text(), f"{entry.name}: no error line shown"
        assert QDialog.result(dialog) != QDialog.DialogCode.Accepted     # (some dialogs hide result())
        problems = misfits(dialog)
        assert not problems, f"{entry.name} in {language}, with “{error.text()}”:\n" + "\n".join(problems)
        assert dialog.height() >= before
        # the error line sits inside the dialog, wholly visible
        top_left = error.mapTo(dialog, error.rect().topLeft())
        assert top_left.y() >= 0 and top_left.y() + error.height() <= dialog.height()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_case_pages_fit_the_laptop_without_overlap(register, qapp, language):
    """The detail pane's pages at 1366×768: a block is never squeezed below its wrapped text (the page scrolls)."""
    from megacase.ui.widgets.case_detail import CaseDetailWidget
    from tests.ui.dialog_geometry import overlaps
    with speaking(qapp, language):
        w = register.window(language)
        reference = register.case(lambda c: c.extended and c.state.value == "in_progress")
        assert w.select_reference(reference)
        settle(qapp)
        detail = w.findChild(CaseDetailWidget)
        for key in detail.pages:
            detail.show_page(key)
            settle(qapp)
            settle(qapp)
            assert overlaps(detail) == [], (language, key)
