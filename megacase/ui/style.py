"""One quiet, consistent look: neutral surfaces, colour only where it means something.

Red: overdue. Amber: due soon (domain.case_status), a likely duplicate. Blue: the clock is
suspended. Everything else is grey on white.
"""

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from megacase.config import resources_dir

STYLE = """
QMainWindow, QDialog { background: #f5f6f8; }
QWidget#detailContent, QWidget#pageInner, QScrollArea#overviewPage, QWidget#caseListView { background: #f5f6f8; }
QToolBar { background: #ffffff; border: none; border-bottom: 1px solid #e1e4e8; padding: 4px 8px; spacing: 2px; }
QToolBar QToolButton { padding: 5px 9px; border-radius: 4px; color: #1f2328; }
QToolBar QToolButton:hover { background: #eef1f5; }
QToolBar QToolButton:disabled { color: #a0a6af; }
QToolBar::separator { width: 1px; background: #e1e4e8; margin: 4px 6px; }
QMenuBar { background: #ffffff; }
QStatusBar { background: #ffffff; border-top: 1px solid #e1e4e8; color: #374151; }
QStatusBar QLabel { padding: 0 8px; color: #4b5563; }

QTableView { background: white; alternate-background-color: #f8f9fb; border: 1px solid #dfe3e8;
             selection-background-color: #dbe4f0; selection-color: #111; gridline-color: #eceef1; }
QTableView::item { padding: 0 6px; }
QTableView#timelineTable::item { padding: 6px 6px; border-bottom: 1px solid #eceef1; }
QHeaderView::section { background: #f1f3f5; border: none; border-bottom: 1px solid #dfe3e8;
                       padding: 5px 8px; font-weight: 600; color: #374151; }
QLineEdit, QPlainTextEdit, QTextEdit { padding: 4px 6px; border: 1px solid #c5cbd3;
             border-radius: 4px; background: white; selection-background-color: #dbe4f0; selection-color: #111; }
QLineEdit:focus, QPlainTextEdit:focus { border: 1px solid #4a6fa5; }
QComboBox, QDateTimeEdit { min-height: 22px; }
QTextBrowser { background: white; border: 1px solid #dfe3e8; }
QListWidget { background: white; border: 1px solid #c5cbd3; border-radius: 4px; }
QListWidget::item { padding: 3px 4px; }
QListWidget::item:selected { background: #dbe4f0; color: #111; }

QToolButton#chip { border: 1px solid #cfd4dc; border-radius: 12px; padding: 3px 11px; background: white;
                   color: #374151; }
QToolButton#chip:hover { background: #eef1f5; }
QToolButton#chip:checked { background: #1f2937; border-color: #1f2937; color: white; }
QToolButton#chip:focus { border-color: #4a6fa5; }

QLabel#placeholder { color: #6b7280; font-size: 11pt; }
QLabel#caseReference { font-size: 17pt; font-weight: 700; color: #111827; }
QLabel#statePill { border: 1px solid #cfd4dc; border-radius: 10px; padding: 2px 10px; background: #eef0f3;
                   color: #374151; font-weight: 600; }
QLabel#caseHeadline { color: #374151; font-size: 10.5pt; }

QFrame#deadlineBanner { background: #f1f3f5; border-left: 4px solid #9ca3af; border-radius: 3px; }
QFrame#deadlineBanner QLabel#bannerHeadline { font-size: 12pt; font-weight: 700; color: #1f2328; }
QFrame#deadlineBanner QLabel#bannerBody { color: #374151; }
QFrame#deadlineBanner[level="overdue"] { background: #fdecea; border-left-color: #b3261e; }
QFrame#deadlineBanner[level="overdue"] QLabel#bannerHeadline { color: #8c1d18; }
QFrame#deadlineBanner[level="due_soon"] { background: #fff4e0; border-left-color: #c77700; }
QFrame#deadlineBanner[level="due_soon"] QLabel#bannerHeadline { color: #6e4200; }
QFrame#deadlineBanner[level="suspended"] { background: #e8f0fa; border-left-color: #2f5d8a; }
QFrame#deadlineBanner[level="suspended"] QLabel#bannerHeadline { color: #1f4a75; }
QFrame#deadlineBanner[level="done"] QLabel#bannerHeadline { color: #374151; }

QToolButton#nextStep { border: 1px solid #b8c0cc; border-radius: 4px; padding: 4px 11px; background: white;
                       color: #1f2328; }
QToolButton#nextStep:hover { background: #eef1f5; border-color: #8d97a5; }
QToolButton#nextStep:focus { border-color: #4a6fa5; }
QToolButton#blockAction { border: 1px solid #cfd4dc; border-radius: 4px; padding: 2px 9px; background: white; }

QTabWidget::pane { border: none; border-top: 1px solid #e1e4e8; }
QTabBar::tab { padding: 6px 14px; border: none; border-bottom: 2px solid transparent; color: #4b5563;
               background: transparent; }
QTabBar::tab:selected { color: #111827; border-bottom: 2px solid #1f2937; }
QTabBar::tab:hover { color: #111827; }

QLabel#blockTitle { font-weight: 700; color: #111827; font-size: 10.5pt; }
QLabel#fieldLabel { color: #6b7280; }
QLabel#value { color: #1f2328; }
QLabel#flag { color: #1f2328; font-weight: 600; }
QLabel#muted { color: #6b7280; }
QLabel#dialogIntro { color: #1f2328; }
QLabel#error { color: #8c1d18; background: #fdecea; border-radius: 4px; padding: 6px 8px; }
QFrame#guidance { background: #fff4e0; border-left: 3px solid #c77700; }
QLabel#fieldHint { color: #6b7280; }
QLabel#fieldHint[state="bad"] { color: #b3261e; }
QLabel#fieldHint[state="ok"] { color: #2f6b3a; }
QFrame#duplicateWarning { background: #fff4e0; border: 1px solid #efc46b; border-radius: 4px; }
"""


def load_fonts() -> None:
    """The bundled DejaVu Sans, so the window looks the same on every machine."""
    fonts = resources_dir() / "fonts"
    if fonts.is_dir():
        for path in sorted(fonts.glob("DejaVuSans*.ttf")):
            QFontDatabase.addApplicationFont(str(path))


def apply_style(app: QApplication) -> None:
    load_fonts()
    app.setStyle("Fusion")
    font = QFont("DejaVu Sans")
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(STYLE)
