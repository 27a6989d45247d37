"""One quiet, consistent look: neutral surfaces, colour only where it means something."""

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

STYLE = """
QMainWindow, QDialog { background: #f7f7f8; }
QTableView { background: white; alternate-background-color: #f6f8fa; gridline-color: #e6e8eb;
             selection-background-color: #dbe7f6; selection-color: #111; border: 1px solid #d9dce1; }
QHeaderView::section { background: #eef0f3; border: none; border-bottom: 1px solid #d9dce1;
                       padding: 5px 6px; font-weight: 600; color: #333; }
QLineEdit, QComboBox, QTextEdit, QPlainTextEdit, QDateTimeEdit { padding: 4px 6px; border: 1px solid #c9cdd3;
                       border-radius: 4px; background: white; }
QLabel#muted { color: #667; }
QStatusBar { color: #444; }
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont("DejaVu Sans")
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(STYLE)
