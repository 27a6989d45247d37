"""Every modal moment of the window goes through one replaceable object.

The window never calls ``QMessageBox`` or ``dialog.exec()`` itself: it asks its
``Prompter``. The real one shows modal boxes; ``ScriptedPrompter`` (tests,
screenshots) answers from a script and records what was shown, so nothing ever
blocks on a modal.

Dialogs that do work themselves (intake, identity, decide…) follow one
contract: they get the service call as a callable, run it on accept, stay open
with the error shown when it raises ``MegaCaseError`` (nothing typed is lost),
and keep the service's return value in ``result_value``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from megacase.i18n import _


def information_box(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """The box ``Prompter.info`` shows (built apart so that a test can look at it without blocking)."""
    return QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)


class Prompter:
    """Modal message boxes, confirmations, inputs and dialogs (the real, blocking ones)."""

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        information_box(parent, title, text).exec()

    def error(self, parent: QWidget | None, title: str, text: str, details: str | None = None) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
        if details:
            box.setDetailedText(details)
        box.exec()

    def confirm(self, parent: QWidget | None, title: str, text: str, ok_label: str | None = None) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
        ok = box.addButton(ok_label or _("OK"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(ok)
        box.exec()
        return box.clickedButton() is ok

    def ask_text(self, parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok else None

    def choose(self, parent: QWidget | None, title: str, label: str, items: list[str], current: int = 0) -> int | None:
        """One of ``items`` (its index), ``current`` offered first; None when cancelled."""
        value, ok = QInputDialog.getItem(parent, title, label, items, current, False)
        return items.index(value) if ok and value in items else None

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show ``dialog`` modally; True when it was accepted."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def save_file(self, parent: QWidget | None, title: str, suggested: str, filters: str = "") -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return Path(path) if path else None

    def open_file(self, parent: QWidget | None, title: str, filters: str = "") -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(parent, title, "", filters)
        return Path(path) if path else None

    def choose_folder(self, parent: QWidget | None, title: str) -> Path | None:
        path = QFileDialog.getExistingDirectory(parent, title)
        return Path(path) if path else None


@dataclass
class Shown:
    kind: str            # info | error | confirm | ask_text | choose | dialog | save_file | open_file | choose_folder
    title: str
    text: str = ""
    details: str | None = None


@dataclass
class ScriptedPrompter(Prompter):
    """Answers from a script and records what the window showed; never blocks.

    ``confirm_answers`` / ``text_answers`` / ``path_answers`` are consumed in
    order (confirmations default to True when the script runs out).
    ``dialog_handlers`` maps a dialog class name to ``handler(dialog) -> bool``:
    the handler fills the dialog like a person would (and usually calls its
    ``attempt()``), and returns whether it was accepted. Without a handler a
    dialog is rejected.
    """

    confirm_answers: list[bool] = field(default_factory=list)
    text_answers: list[str | None] = field(default_factory=list)
    path_answers: list[Path | None] = field(default_factory=list)
    choice_answers: list[int | None] = field(default_factory=list)     # when it runs out: the one offered first
    dialog_handlers: dict[str, Callable[[QDialog], bool]] = field(default_factory=dict)
    shown: list[Shown] = field(default_factory=list)

    def on_dialog(self, class_name: str, handler: Callable[[QDialog], bool]) -> None:
        self.dialog_handlers[class_name] = handler

    def kinds(self, kind: str) -> list[Shown]:
        return [s for s in self.shown if s.kind == kind]

    @property
    def errors(self) -> list[Shown]:
        return self.kinds("error")

    def info(self, parent, title, text):
        self.shown.append(Shown("info", title, text))

    def error(self, parent, title, text, details=None):
        self.shown.append(Shown("error", title, text, details))

    def confirm(self, parent, title, text, ok_label="OK"):
        self.shown.append(Shown("confirm", title, text))
        return self.confirm_answers.pop(0) if self.confirm_answers else True

    def ask_text(self, parent, title, label, text=""):
        self.shown.append(Shown("ask_text", title, label))
        return self.text_answers.pop(0) if self.text_answers else None

    def choose(self, parent, title, label, items, current=0):
        self.shown.append(Shown("choose", title, label, "\n".join(items)))
        return self.choice_answers.pop(0) if self.choice_answers else current

    def run_dialog(self, dialog):
        name = type(dialog).__name__
        self.shown.append(Shown("dialog", dialog.windowTitle(), name))
        handler = self.dialog_handlers.get(name)
        accepted = bool(handler(dialog)) if handler else False
        if not accepted and dialog.result() != QDialog.DialogCode.Accepted:
            dialog.reject()
        return accepted

    def save_file(self, parent, title, suggested, filters=""):
        self.shown.append(Shown("save_file", title, suggested))
        return self.path_answers.pop(0) if self.path_answers else None

    def open_file(self, parent, title, filters=""):
        self.shown.append(Shown("open_file", title))
        return self.path_answers.pop(0) if self.path_answers else None

    def choose_folder(self, parent, title):
        self.shown.append(Shown("choose_folder", title))
        return self.path_answers.pop(0) if self.path_answers else None
