"""File › Back up now, File › Restore backup…, Tools › Backup folder…, and the automatic backups.

Backups run on a worker thread (SQLite's online backup: the officer keeps working), with a
progress bar for the ones the officer asked for. ``start_automatic(window)`` (called when the
application starts, not in tests) backs up at once and then whenever the newest backup is a day old.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressDialog

from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services.integrity import backup
from megacase.ui.workers import run_task

log = logging.getLogger(__name__)
CHECK_EVERY_MS = 60 * 60 * 1000      # look once an hour whether the daily backup is due


class _Progress(QObject):
    """Emitted from the worker thread, delivered on the GUI thread (queued)."""
    step = Signal(int, int)


class BackupFeature:
    def __init__(self, window):
        self.w = window
        self.busy = False
        self.last_result: Path | backup.RestoreResult | None = None
        self.progress: QProgressDialog | None = None
        self.now_action = self._action("backupNow", _("&Back up now"), _("A verified, encrypted copy of the register "
                                       "in the backup folder"), self.back_up_now)
        self.restore_action = self._action("restoreBackup", _("Restore &backup…"), _("Replace the register with "
                                           "a backup (checked first; the current register is kept aside)"),
                                           self.restore)
        self.folder_action = self._action("backupFolder", _("Backup &folder…"), _("Where backups go (e.g. a "
                                          "network drive)"), self.choose_folder)
        window.add_action(self.now_action, "file")
        window.add_action(self.restore_action, "file")
        window.add_action(self.folder_action, "tools")
        self.timer = QTimer(window)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.back_up_if_due)

    def _action(self, name, text, tip, slot) -> QAction:
        action = QAction(text, self.w)
        action.setObjectName(name)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    # --- progress -------------------------------------------------------------------------------
    def _start_progress(self, title: str):
        dialog = QProgressDialog(title, "", 0, 100, self.w)
        dialog.setObjectName("backupProgress")
        dialog.setWindowTitle("MegaCase")
        dialog.setCancelButton(None)           # a half-made copy is never left behind, but a restore cannot stop
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setValue(0)
        self.progress = dialog
        relay = _Progress(dialog)
        relay.step.connect(lambda done, total: dialog.setValue(int(100 * done / max(total, 1))))
        return lambda done, total: relay.step.emit(done, total)

    def _end_progress(self) -> None:
        if self.progress is not None:
            self.progress.setValue(100)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.busy = False

    # --- actions --------------------------------------------------------------------------------
    def back_up_now(self) -> None:
        if self.busy:
            return
        self.busy = True
        report = self._start_progress(_("Backing up the register…"))
        ws = self.w.ws

        def done(path: Path) -> None:
            self._end_progress()
            self.last_result = path
            self.w.statusBar().showMessage(_("Backed up to {path}").format(path=path), 10000)
            self.w.prompter.info(self.w, _("Backup"), _("The register was backed up to {path}.").format(path=path))

        run_task(lambda: backup.back_up(ws, progress=report), done, self._failed(_("Backup")), context=self.w)

    def back_up_if_due(self, hours: float = 24.0) -> None:
        """The automatic backup: quietly, unless it fails."""
        if self.busy or getattr(self.w, "locked", False) or not backup.backup_due(self.w.ws, hours):
            return
        self.busy = True
        ws = self.w.ws

        def done(path: Path) -> None:
            self.busy = False
            self.last_result = path
            self.w.statusBar().showMessage(_("Backed up to {path}").format(path=path), 10000)

        run_task(lambda: backup.back_up(ws), done, self._failed(_("Automatic backup")), context=self.w)

    def restore(self) -> None:
        w = self.w
        if self.busy:
            return
        path = w.prompter.open_file(w, _("Restore the register from a backup"), _("MegaCase backups") + " (*.db)")
        if path is None:
            return
        if not w.prompter.confirm(w, _("Restore backup"), _(
                "Replace the register with the backup {name}? The backup is checked first; the current register "
                "is kept aside, not deleted. Whatever was done since the backup was taken is not in it."
                ).format(name=path.name), _("Restore")):
            return
        self.busy = True
        report = self._start_progress(_("Checking the backup, then restoring…"))
        ws = w.ws

        def done(result: backup.RestoreResult) -> None:
            self._end_progress()
            self.last_result = result
            aside = (" " + _("The register it replaced is kept as {name}.").format(name=result.kept_aside.name)
                     if result.kept_aside else "")
            w.prompter.info(w, _("Backup restored"), _(
                "The register was restored from {name} ({events} audit events, chain intact)."
            ).format(name=result.restored_from.name, events=result.report.events) + aside)
            w.refresh()

        run_task(lambda: backup.restore_open_register(ws, path, report), done, self._failed(_("Restore backup")),
                 context=w)

    def choose_folder(self) -> None:
        w = self.w
        folder = w.prompter.choose_folder(
            w, _("Backup folder (now {folder})").format(folder=backup.backup_folder(w.ws)))
        if folder is None:
            return
        chosen = backup.set_folder(w.ws, folder)
        w.prompter.info(w, _("Backup folder"), _("Backups now go to {folder}.").format(folder=chosen))

    def _failed(self, title: str):
        def show(exc: BaseException) -> None:
            self._end_progress()
            if isinstance(exc, MegaCaseError):
                self.w.prompter.error(self.w, title, str(exc))
            else:
                log.error("%s failed: %s", title, type(exc).__name__)
                self.w.prompter.error(self.w, title, _("{title} failed ({error}). Nothing was replaced.").format(
                    title=title, error=type(exc).__name__))
        return show


def install(window) -> None:
    window.backup_feature = BackupFeature(window)


def start_automatic(window) -> None:
    """At start, then whenever the newest backup is a day old (checked hourly)."""
    feature: BackupFeature = window.backup_feature
    QTimer.singleShot(2000, lambda: feature.back_up_if_due(hours=0))
    feature.timer.start()
