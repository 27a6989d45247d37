"""Start the desktop application: unlock (or create) the register, then show the main window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialog

from megacase.config import APP_AUTHOR, APP_NAME, resolve_data_dir
from megacase.errors import MegaCaseError, NeedPassphrase
from megacase.services.session import create_profile, default_actor, open_profile
from megacase.store import profile
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


def unlock_interactively(data_dir, keystore: KeyStore, actor):
    """A Workspace, or None when the officer cancels."""
    from megacase.ui.dialogs.unlock import FirstRunDialog, UnlockDialog
    env_pass = os.environ.get("MEGACASE_PASSPHRASE")
    if not profile.exists(data_dir):
        dialog = FirstRunDialog(data_dir, lambda p: create_profile(data_dir, p, keystore, actor))
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None
    try:
        return open_profile(data_dir, keystore, None, actor)
    except NeedPassphrase:
        if env_pass:
            return open_profile(data_dir, keystore, env_pass, actor)
    dialog = UnlockDialog(data_dir, lambda p: open_profile(data_dir, keystore, p, actor))
    return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None


def run_gui(args) -> int:
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
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
    actor = default_actor() if not getattr(args, "user", None) else default_actor().__class__(args.user)
    try:
        ws = unlock_interactively(data_dir, KeyStore(), actor)
    except MegaCaseError as exc:        # a lost database, a newer register, a folder that is a file…
        from PySide6.QtWidgets import QMessageBox
        QMessageBox.critical(None, "MegaCase cannot open the register", str(exc))
        return 2
    if ws is None:
        return 0
    from megacase.ui.dialogs.sign_in import sign_in_interactively
    ws = sign_in_interactively(ws)      # a register with users asks who is working
    if ws is None:
        return 0
    from megacase.ui.main_window import MainWindow
    from megacase.ui.settings import UiSettings
    window = MainWindow(ws, UiSettings.default())
    window.show()
    from megacase.ui.features.review import start_view
    start_view(window)                  # the dashboard, or the manager's review for a manager
    from megacase.ui.features.backup import start_automatic
    start_automatic(window)             # a backup now, then daily while the window runs
    code = app.exec()
    window_lock.unlock()
    return code
