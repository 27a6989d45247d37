"""Edit the letter templates: every save is a new version; the shipped text is one click away."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (QComboBox, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QSplitter, QTabWidget, QVBoxLayout,
                               QWidget)

from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services.letters import templates
from megacase.services.letter_texts import LANGUAGES
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import FittingDialog, muted
from megacase.ui.format import moment
from megacase.ui.workers import run_task

LANGUAGE_LABELS = {"fr": "Français", "nl": "Nederlands", "en": "English"}


class TemplateEditorDialog(FittingDialog):
    """Choose a template and a language; edit, check, save as a new version, or reset to the shipped file."""

    preferred = QSize(1100, 700)

    def __init__(self, ws: Workspace, prompter, parent=None):
        super().__init__(parent)
        self.ws, self.prompter = ws, prompter
        self.setWindowTitle(_("Letter templates"))
        self.setObjectName("templateEditor")
        self._loaded = ""
        self.pending = 0

        self.template = QComboBox()
        self.template.setObjectName("editorTemplate")
        for tid in templates.template_ids():
            self.template.addItem(f"{_(templates.title_of(tid))}  ({tid})", tid)
        self.language = QComboBox()
        self.language.setObjectName("editorLanguage")
        for lang in LANGUAGES:
            self.language.addItem(LANGUAGE_LABELS[lang], lang)
        self.state = QLabel()
        self.state.setObjectName("muted")

        self.source = QPlainTextEdit()
        self.source.setObjectName("editorSource")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.source.setFont(mono)
        self.source.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("editorPreview")
        self.preview.setReadOnly(True)
        self.versions = QListWidget()
        self.versions.setObjectName("editorVersions")
        self.versions.currentItemChanged.connect(self._show_version)
        self.version_text = QPlainTextEdit()
        self.version_text.setReadOnly(True)
        self.version_text.setFont(mono)
        history = QWidget()
        hv = QVBoxLayout(history)
        hv.setContentsMargins(0, 0, 0, 0)
        hv.addWidget(self.versions, 1)
        hv.addWidget(self.version_text, 2)
        tabs = QTabWidget()
        tabs.addTab(self.preview, _("Preview (sample values)"))
        tabs.addTab(history, _("Versions"))
        split = QSplitter()
        split.addWidget(self.source)
        split.addWidget(tabs)
        split.setSizes([600, 480])

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.check_button = QPushButton(_("Check"))
        self.check_button.setObjectName("editorCheck")
        self.save_button = QPushButton(_("Save as a new version"))
        self.save_button.setObjectName("editorSave")
        self.reset_button = QPushButton(_("Reset to the shipped text"))
        self.reset_button.setObjectName("editorReset")
        self.check_button.clicked.connect(self.check)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Template")))
        top.addWidget(self.template, 1)
        top.addWidget(QLabel(_("Language")))
        top.addWidget(self.language)
        top.addWidget(self.state)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(muted(_("Jinja2 placeholders such as {{ case.reference }} and {{ case.due_date | longdate }}; "
                                 "see resources/templates/README.md. A letter with an unknown placeholder or a syntax "
                                 "error cannot be saved. Text in [[…]] marks a value the officer must complete.")))
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.template.currentIndexChanged.connect(lambda _i: self.load())
        self.language.currentIndexChanged.connect(lambda _i: self.load())
        self.load()

    def current(self) -> tuple[str, str]:
        return self.template.currentData(), self.language.currentData()

    def load(self) -> None:
        tid, lang = self.current()
        src = templates.current_source(self.ws, tid, lang)
        self._loaded = src.source
        self.source.setPlainText(src.source)
        self.state.setText(_("edited, version {version}").format(version=src.version) if src.edited
                           else _("as shipped"))
        self.reset_button.setEnabled(src.edited)
        self.versions.clear()
        for v in templates.history(self.ws, tid, lang):
            line = (_("Version {version}: reset to the shipped text by {who}, {when}") if v.is_reset
                    else _("Version {version}: edited by {who}, {when}"))
            item = QListWidgetItem(line.format(version=v.version, who=v.created_by, when=moment(v.created_at)))
            item.setData(Qt.ItemDataRole.UserRole, v.source if not v.is_reset else templates.shipped_source(tid, lang))
            self.versions.addItem(item)
        self.check()

    def _show_version(self, item, _previous) -> None:
        self.version_text.setPlainText(item.data(Qt.ItemDataRole.UserRole) if item else "")

    def _say(self, text: str, bad: bool = False) -> None:
        self.message.setObjectName("error" if bad else "muted")
        self.message.style().unpolish(self.message)     # the style sheet matches on the object name
        self.message.style().polish(self.message)
        self.message.setText(text)
        if bad:
            self.grow_to_content()

    # Checking and saving render the template: off the GUI thread (a render is also time-limited), so a
    # template that loops for long never freezes the window. ``pending`` counts the renders in flight.

    def _run(self, work, done) -> None:
        self.pending += 1
        self._set_busy(True)

        def finished(value) -> None:
            self.pending -= 1
            self._set_busy(False)
            done(value)

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            self._set_busy(False)
            if not isinstance(exc, MegaCaseError):   # a bug, not the template: the central exception hook
                sys.excepthook(type(exc), exc, exc.__traceback__)
                return
            self._say(str(exc), bad=True)
            self.preview.setPlainText("")
        run_task(work, finished, failed, context=self)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.check_button, self.save_button):
            button.setEnabled(not busy)

    def check(self) -> None:
        tid, lang = self.current()
        source = self.source.toPlainText()
        self._say(_("Checking…"))

        def shown(letter) -> None:
            subject = _("Subject: {subject}").format(subject=letter.subject_line)
            self.preview.setPlainText(f"{subject}\n\n{letter.body}")
            self._say(_("The template renders."))
        self._run(lambda: templates.validate_source(source, lang, tid), shown)

    def save(self) -> None:
        tid, lang = self.current()
        source = self.source.toPlainText()
        self._say(_("Checking and saving…"))

        def saved(version: int) -> None:
            self.load()
            self._say(_("Saved as version {version}. New letters use it.").format(version=version))
        self._run(lambda: templates.save_edit(self.ws, tid, lang, source), saved)

    def reset(self) -> None:
        tid, lang = self.current()
        if not self.prompter.confirm(self, _("Reset the template"), _("New letters will use the shipped text again; "
                                     "the edited versions stay in the history."), _("Reset")):
            return
        try:
            templates.reset_to_shipped(self.ws, tid, lang)
        except MegaCaseError as exc:
            self._say(str(exc), bad=True)
            return
        self.load()
        self._say(_("Back to the shipped text."))
