"""The shape every working dialog shares: it runs the service itself and keeps its input on error."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout

from megacase.errors import MegaCaseError
from megacase.i18n import N_, _


# A wrapped label's minimum height is taken at its minimum width: give it a sensible one, or the
# dialog opens with gaps as tall as the text would be in a narrow column.
WRAP_MIN_WIDTH = 500


def wrapped(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    label.setMinimumWidth(WRAP_MIN_WIDTH)
    return label


def muted(text: str) -> QLabel:
    return wrapped(text, "muted")


def text_box(placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)   # keyboard users leave the box with Tab
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 16)
    return box


class ServiceDialog(QDialog):
    """Subclasses build their form in ``self.form`` and implement ``submit()``, which calls the service.

    On OK, ``attempt()`` runs ``submit()``: its return value lands in ``result_value`` and the dialog
    closes; a MegaCaseError is shown in the dialog, which stays open with everything typed.
    """

    ok_text = N_("OK")   # subclasses mark theirs with N_(); translated when the button is made

    def __init__(self, title: str, intro: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.result_value = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 16, 20, 16)
        self.layout_.setSpacing(12)
        if intro:
            self.intro = wrapped(intro, "dialogIntro")
            self.intro.setTextFormat(Qt.TextFormat.RichText)
            self.layout_.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(10)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_(self.ok_text))
        self.buttons.accepted.connect(self.attempt)
        self.buttons.rejected.connect(self.reject)
        self.ok_button.setToolTip("Ctrl+Enter")
        # Enter in a text box starts a new line; Ctrl+Enter submits from anywhere in the dialog.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.attempt)

    def finish_layout(self) -> None:
        """Call at the end of a subclass's __init__: error line and buttons go last."""
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def submit(self):
        raise NotImplementedError

    def attempt(self) -> bool:
        try:
            self.result_value = self.submit()
        except MegaCaseError as exc:
            self.show_error(str(exc))
            return False
        self.accept()
        return True

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.grow_to_content()

    def grow_to_content(self) -> None:
        """Grow (never shrink) to what the content now needs: an error line never covers the form."""
        self.layout_.activate()
        need = self.heightForWidth(self.width()) if self.hasHeightForWidth() else self.sizeHint().height()
        need = max(need, self.minimumSizeHint().height())
        if need > self.height():
            self.resize(self.width(), need)

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""
