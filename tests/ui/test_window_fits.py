"""The window fits a laptop (1366×768, 1280×720), and a dialog's error line never covers its form."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget

from megacase.ui.dialogs.unlock import FirstRunDialog
from megacase.ui.style import apply_style
from tests.ui.conftest import wait_idle


def _elided_labels(root: QWidget) -> list[str]:
    """Visible one-line labels narrower than their text: Qt would cut them ("Legal gro")."""
    out = []
    for label in root.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap() and label.text() and label.pixmap().isNull():
            if label.sizeHint().width() > label.width() + 1:
                out.append(f"{label.objectName() or label.text()[:30]}: {label.width()} < {label.sizeHint().width()}")
    return out


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_the_main_window_fits_a_laptop_screen(qtbot, qapp, make_window, size):
    apply_style(qapp)                       # the real style: its paddings are what made the window too wide
    w = make_window()
    hint = w.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], hint
    w.resize(*size)
    qtbot.waitUntil(lambda: w.size().width() == size[0] and w.size().height() == size[1])
    wait_idle(qtbot, w)
    for key in w.view_actions:
        w.show_view(key)
        page = w.views.currentWidget()
        qtbot.waitUntil(lambda: page.isVisible())
        assert isinstance(page, QAbstractScrollArea)
        # the case list and the detail fit side by side: nothing scrolls sideways at a laptop's width
        if key == "cases":
            assert page.horizontalScrollBar().maximum() == 0
        assert page.geometry().right() <= w.width() and page.geometry().bottom() <= w.height()
    w.show_view("cases")
    assert _elided_labels(w) == []


def test_an_error_line_makes_the_dialog_grow_instead_of_covering_it(qtbot, qapp):
    apply_style(qapp)

    def refuse(_p):
        from megacase.errors import InputError
        raise InputError("The passphrase is too weak: use at least 10 characters, mixing words, "
                         "digits or signs, and avoid the names of the company or its people. " * 2)

    dialog = FirstRunDialog(__import__("pathlib").Path("/nonexistent"), refuse)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    dialog.passphrase.setText("weak")
    dialog.repeat.setText("weak")
    dialog.attempt()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.height() > before
    # the error line sits wholly above the buttons, and the buttons inside the dialog
    error, buttons = dialog.error.geometry(), dialog.buttons.geometry()
    assert error.bottom() < buttons.top() and buttons.bottom() <= dialog.height()
    assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())


@pytest.mark.parametrize("language, file_menu, chip", [("fr", "&Fichier", "En retard"), ("nl", "&Bestand", "Te laat")])
def test_the_window_speaks_the_officers_language(qtbot, make_window, language, file_menu, chip):
    from megacase import i18n
    i18n.install(language)
    try:
        w = make_window()
        titles = [a.text() for a in w.menuBar().actions()]
        assert file_menu in titles and "&File" not in titles
        assert w.case_list.chips["overdue"].text().startswith(chip)   # "En retard  0": the count follows
        w.choose_language("en")                           # kept for the next start, said in the officer's words
        assert w.settings.get("ui/language") == "en"
    finally:
        i18n.install("en")
