"""What "a dialog fits" means, read from widget geometry: no text cut short, nothing on top of anything else.

Shared by the dialog table test (``test_dialogs_fit.py``); each function returns readable findings
(empty when all is well), so a failure names the widget and the pixels.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton, QDialog, QGroupBox, QLabel, QLayout, QToolButton, QWidget

# The laptop the window must fit, and what its title bar takes from the screen's height.
LAPTOP = QSize(1366, 768)
TITLE_BAR = 32


def _name(widget: QWidget) -> str:
    text = widget.title() if isinstance(widget, QGroupBox) else getattr(widget, "text", lambda: "")()
    words = " ".join(str(text).split())[:40]
    return f"{type(widget).__name__} {widget.objectName() or ''} “{words}”".replace("  ", " ")


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0


def cut_texts(root: QWidget) -> list[str]:
    """Labels, buttons, check boxes, radio buttons and group titles narrower (or lower) than their text."""
    out = []
    for label in root.findChildren(QLabel):
        if not _shown(label) or not label.text() or not label.pixmap().isNull():
            continue
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + 1:
                out.append(f"{_name(label)}: wrapped text needs {need} px height, has {label.height()}")
        else:
            hint = label.sizeHint()
            if hint.width() > label.width() + 1 or label.minimumSizeHint().height() > label.height() + 1:
                out.append(f"{_name(label)}: needs {hint.width()}×{hint.height()}, has {label.width()}×{label.height()}")
    for button in root.findChildren(QAbstractButton):
        if not _shown(button) or not button.text() or isinstance(button, QToolButton):
            continue
        # sizeHint is the text's advance plus the style's margins, indicator and icon: all of it must show
        hint = button.sizeHint()
        if hint.width() > button.width() + 1 or hint.height() > button.height() + 1:
            out.append(f"{_name(button)}: needs {hint.width()}×{hint.height()}, has {button.width()}×{button.height()}")
    for box in root.findChildren(QGroupBox):
        if _shown(box) and box.title():
            title = box.fontMetrics().horizontalAdvance(box.title().replace("&", "")) + 16
            if title > box.width():
                out.append(f"{_name(box)}: title needs {title} px, has {box.width()}")
    return out


def _managed(layout: QLayout) -> list[QWidget]:
    """The widgets a layout places, nested layouts included (not those in child widgets' own layouts)."""
    found = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found.extend(_managed(item.layout()))
    return found


def overlaps(root: QWidget) -> list[str]:
    """Visible widgets placed by the same parent's layout that cover one another, or stick out of that parent."""
    out = []
    for parent in [root, *root.findChildren(QWidget)]:
        layout = parent.layout()
        if layout is None or not _shown(parent):
            continue
        placed = [w for w in _managed(layout) if _shown(w) and not w.isWindow() and w.parentWidget() is parent]
        for i, a in enumerate(placed):
            if not parent.rect().contains(a.geometry()):
                out.append(f"{_name(a)} sticks out of {_name(parent)}: {a.geometry()} in {parent.rect()}")
            for b in placed[i + 1:]:
                if a.geometry().intersects(b.geometry()):
                    out.append(f"{_name(a)} {a.geometry()} overlaps {_name(b)} {b.geometry()}")
    return out


def off_screen(dialog: QDialog) -> list[str]:
    """The dialog, with a title bar (and its thin frame), must fit the laptop's screen."""
    size = dialog.size()
    if size.width() > LAPTOP.width() or size.height() + TITLE_BAR > LAPTOP.height():
        return [f"{type(dialog).__name__} is {size.width()}×{size.height()} (+{TITLE_BAR} title bar): "
                f"larger than {LAPTOP.width()}×{LAPTOP.height()}"]
    return []


def misfits(dialog: QDialog) -> list[str]:
    return off_screen(dialog) + cut_texts(dialog) + overlaps(dialog)
