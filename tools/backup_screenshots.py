"""Screenshots of backups, restore and the lock screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/backup_screenshots.py docs/screenshots

Uses the demo register and helpers of ``tools/screenshots.py``. The refusal is the real message of a
restore refused for a backup with one flipped byte; the progress bar is the window's own, mid-way.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import ROOT, Demo, build_demo, render  # noqa: E402

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

NAMES = ("backup-menu", "backup-progress", "restore-refused", "lock-dialog")


def main(argv: list[str]) -> int:
    language = "en"
    if argv[:1] and argv[0].startswith("--lang="):       # the interface language: --lang=fr|nl|en
        language, argv = argv[0].split("=", 1)[1], argv[1:]
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    QCoreApplication.setOrganizationName("MegaSecurity-screenshots")
    app = QApplication.instance() or QApplication(["megacase-screenshots"])
    from megacase.ui.app import install_language
    install_language(app, language)
    from megacase.ui.style import apply_style
    apply_style(app)
    app.setCursorFlashTime(0)
    from megacase.i18n import _
    from megacase.services.integrity import backup
    from megacase.ui.dialogs.locked import LockedDialog
    with tempfile.TemporaryDirectory(prefix="megacase-shots-", ignore_cleanup_errors=True) as tmp:
        demo = Demo(app, build_demo(Path(tmp)), Path(tmp))
        w = demo.window()
        menu = w.menus["file"]
        menu.popup(w.mapToGlobal(w.menuBar().geometry().bottomLeft()))
        demo.settle(w)
        render(menu, out / "backup-menu.png")
        menu.hide()

        report = w.backup_feature._start_progress(_("Checking the backup, then restoring…"))
        report(58, 100)
        demo.settle(w)
        w.backup_feature.progress.resize(460, 120)
        demo.settle(w)
        render(w.backup_feature.progress, out / "backup-progress.png")
        w.backup_feature._end_progress()

        made = backup.back_up(demo.ws)
        raw = bytearray(made.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        damaged = made.with_name("megacase-backup-damaged.db")
        damaged.write_bytes(bytes(raw))
        try:
            backup.restore_open_register(demo.ws, damaged)
            raise SystemExit("the damaged backup was not refused")
        except backup.BackupRejected as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, _("Restore backup"), str(exc), QMessageBox.StandardButton.Ok,
                              w)
        box.show()
        demo.settle(w)
        render(box, out / "restore-refused.png")
        box.close()

        dialog = LockedDialog("sophie", lambda secret: None, w)
        dialog.show()
        demo.settle(w)
        render(dialog, out / "lock-dialog.png")
        dialog.close()
        demo.close()
    for name in NAMES:
        print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
