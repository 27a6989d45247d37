"""Nothing English in a French or Dutch window: every view, every page of a case and every dialog, on the
demo register, is read back widget by widget (labels, buttons, titles, tabs, menus, lists and tables, text
boxes) and searched for the English wording of any message the catalogue translates.

English that reaches the window without going through the catalogue (a hard-coded string, a label table
without ``N_``, a service message stored in English) is what this catches: the catalogue test cannot see it.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QLabel, QLineEdit,
                               QTabBar, QTextEdit, QWidget)

from megacase import i18n
from tests.ui.test_dialogs_fit import TABLE, laptop_screen, register, settle, speaking  # noqa: F401 (fixtures)

VIEWS = ("cases", "dashboard", "review", "outbox", "inbox", "processors")
ROWS_READ = 60
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_TAG = re.compile(r"<[^>]+>")


def english_phrases(language: str) -> dict[str, str]:
    """Each English phrase of three words or more that the catalogue translates otherwise: phrase -> msgid.

    Messages are cut at their placeholders; a phrase the translation itself keeps (a command, a product name)
    is not English to be found."""
    path = i18n.locale_dir() / language / "LC_MESSAGES" / "megacase.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    out = {}
    for message in catalog:
        if not message.id or any("same in" in c for c in message.user_comments):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated = " ".join(strings)
        for msgid in ids:
            for piece in _PLACEHOLDER.split(msgid.replace("&", "")):
                piece = piece.strip(" .,:;()·—-")
                if len(piece.split()) >= 3 and piece not in translated:
                    out.setdefault(piece, msgid)
    return out


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything a person can read in ``root``'s visible widgets."""
    out: list[tuple[str, str]] = []

    def add(widget: QWidget, text: str | None) -> None:
        if text:
            out.append((f"{type(widget).__name__} {widget.objectName() or ''}".strip(), _TAG.sub(" ", str(text))))

    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        add(widget, widget.toolTip())
        if isinstance(widget, QLabel):
            add(widget, widget.text())
        elif isinstance(widget, QAbstractButton):
            add(widget, widget.text())
        elif isinstance(widget, QGroupBox):
            add(widget, widget.title())
        elif isinstance(widget, QLineEdit):
            add(widget, widget.placeholderText())
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget, widget.itemText(i))
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                add(widget, widget.tabText(i))
        elif isinstance(widget, QTextEdit):
            add(widget, widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            rows, columns = _size(model)
            for column in range(columns):
                add(widget, model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
            for row in range(min(rows, ROWS_READ)):
                for column in range(columns):
                    index = model.index(row, column)
                    add(widget, index.data(Qt.ItemDataRole.DisplayRole))
                    add(widget, index.data(Qt.ItemDataRole.ToolTipRole))
    return out


def _size(model) -> tuple[int, int]:
    """Rows and columns of a model (a list model has one column; PySide keeps its columnCount private)."""
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    return model.rowCount(QModelIndex()), columns


def english_in(texts: list[tuple[str, str]], phrases: dict[str, str]) -> list[str]:
    found = []
    for where, text in texts:
        flat = " ".join(str(text).split())
        for phrase, msgid in phrases.items():
            if phrase in flat:
                found.append(f"{where}: {phrase!r} (from {msgid!r}) in {flat[:120]!r}")
    return sorted(set(found))


def test_the_check_finds_english_in_a_widget(qtbot):
    phrases = english_phrases("fr")
    label = QLabel("Sélectionnez une lettre. Select a letter to see what the mail server answered.")
    qtbot.addWidget(label)
    label.show()
    found = english_in(texts_of(label), phrases)
    assert found and "Select a letter to see what the mail server answered" in found[0]
    label.setText(i18n.for_language("fr")._("Select a letter to see what the mail server answered."))
    assert english_in(texts_of(label), phrases) == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_view_and_case_page_speaks_the_language(register, qapp, language):
    from megacase.ui.widgets.case_detail import CaseDetailWidget
    phrases = english_phrases(language)
    found = []
    with speaking(qapp, language):
        w = register.window(language)
        for key in VIEWS:
            w.show_view(key)
            settle(qapp)
            settle(qapp)
            found += [f"[{key}] {f}" for f in english_in(texts_of(w), phrases)]
        w.show_view("cases")
        detail = w.findChild(CaseDetailWidget)
        for predicate in (lambda c: c.extended and c.state.value == "in_progress",
                          lambda c: c.state.value == "closed", lambda c: c.overdue):
            assert w.select_reference(register.case(predicate))
            settle(qapp)
            for page in detail.pages:
                detail.show_page(page)
                settle(qapp)
                found += [f"[case {page}] {f}" for f in english_in(texts_of(detail), phrases)]
    assert found == [], "\n".join(sorted(set(found)))


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_dialog_speaks_the_language(qtbot, register, qapp, language):
    phrases = english_phrases(language)
    found = []
    with speaking(qapp, language):
        window = register.window(language)
        for entry in TABLE:
            dialog = entry.open(register, window)
            qtbot.addWidget(dialog)
            dialog.show()
            settle(qapp)
            found += [f"[{entry.name}] {f}" for f in english_in(texts_of(dialog), phrases)]
            if entry.fail is not None:
                entry.fail(register, dialog)            # the error line speaks the language too
                settle(qapp)
                found += [f"[{entry.name}, refused] {f}" for f in english_in(texts_of(dialog), phrases)]
            dialog.close()
    assert found == [], "\n".join(sorted(set(found)))
