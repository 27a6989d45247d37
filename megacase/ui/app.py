"""Start the desktop application: unlock (or create) the register, then show the main window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Callable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog

from megacase import app as composition
from megacase import i18n
from megacase.config import APP_AUTHOR, APP_NAME, resolve_data_dir
from megacase.errors import MegaCaseError
from megacase.services.workspace import system_clock
from megacase.store.keys import KeyStore

log = logging.getLogger(__name__)


def exception_details(exc_type, exc, tb) -> str:
    """The traceback without the exception's message: messages may quote personal data, frames do not."""
    frames = "".join(traceback.format_tb(tb))
    return f"Traceback (most recent call last):\n{frames}{exc_type.__module__}.{exc_type.__qualname__}"


def install_exception_hook(show: Callable[[str], None] | None = None):
    """Log, then show a dialog with copyable details; the application keeps running.

    ``show(details)`` replaces the dialog (tests); returns the hook.
    """
    def hook(exc_type, exc, tb):
        details = exception_details(exc_type, exc, tb)
        log.error("unexpected error: %s", details)
        if show is not None:
            show(details)
            return
        app = QApplication.instance()
        if app is None or os.environ.get("MEGACASE_NO_ERROR_DIALOG"):
            sys.__excepthook__(exc_type, exc, tb)
            return
        from megacase.ui.dialogs.exception import ExceptionDialog
        ExceptionDialog(details, app.activeWindow()).exec()
    sys.excepthook = hook
    return hook


def unlock_interactively(data_dir, keystore: KeyStore, actor, clock=system_clock):
    """A Workspace, or None when the officer cancels (the unlock itself is ``megacase.app.unlock``)."""
    from megacase.ui.dialogs.unlock import FirstRunDialog, UnlockDialog
    if not composition.profile_exists(data_dir):
        dialog = FirstRunDialog(data_dir, lambda p: composition.create(data_dir, p, keystore, actor, clock))
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask(try_passphrase):
        dialog = UnlockDialog(data_dir, try_passphrase)
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None
    return composition.unlock(data_dir, keystore, actor, ask, clock)


def install_language(app: QApplication, language: str) -> None:
    """The officer's language for our catalogue and for Qt's own texts (standard buttons, context menus)."""
    i18n.install(language)
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(i18n.LOCALES[language]))


def run_gui(args) -> int:
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from megacase.ui.settings import UiSettings
    ui_settings = UiSettings.default()
    install_language(app, i18n.choose(getattr(args, "lang", None), ui_settings.get("ui/language")))
    from megacase.ui.style import apply_style
    apply_style(app)
    from PySide6.QtGui import QIcon
    from megacase.config import resources_dir
    icon = resources_dir() / "icons" / "megacase-256.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    app.setDesktopFileName("megacase")   # matches packaging/linux/megacase.desktop
    from megacase.log import configure_file_logging
    configure_file_logging()
    install_exception_hook()
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    from megacase.ui.single_window import WindowAlreadyOpen, claim_register
    try:
        window_lock = claim_register(data_dir)   # held until the application quits
    except WindowAlreadyOpen as exc:
        from PySide6.QtWidgets import QMessageBox
        QMessageBox.warning(None, "MegaCase", str(exc))
        return 2
    actor = composition.acting_user(getattr(args, "user", None))
    try:
        ws = unlock_interactively(data_dir, KeyStore(), actor, getattr(args, "clock", None) or system_clock)
    except MegaCaseError as exc:        # a lost database, a newer register, a folder that is a file…
        from PySide6.QtWidgets import QMessageBox
        QMessageBox.critical(None, i18n._("MegaCase cannot open the register"), str(exc))
        return 2
    if ws is None:
        return 0
    from megacase.ui.dialogs.sign_in import sign_in_interactively
    ws = sign_in_interactively(ws)      # a register with users asks who is working
    if ws is None:
        return 0
    from megacase.ui.main_window import MainWindow
    window = MainWindow(ws, ui_settings)
    window.show()
    from megacase.ui.features.review import start_view
    start_view(window)                  # the dashboard, or the manager's review for a manager
    from megacase.ui.features.backup import start_automatic
    start_automatic(window)             # a backup now, then daily while the window runs
    code = app.exec()
    window_lock.unlock()
    return code
