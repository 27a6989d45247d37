"""The shape every working dialog shares: it runs the service itself and keeps its input on error."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout

from megacase.errors import MegaCaseError
from megacase.i18n import N_, _


# A wrapped label's minimum height is taken at its minimum width: give it a sensible one, or the
# dialog opens with gaps as tall as the text would be in a narrow column.
WRAP_MIN_WIDTH = 500


class WrappedLabel(QLabel):
    """A word-wrapped label whose preferred height is that of its text at its actual width.

    A plain wrapped QLabel prefers the height its text takes at its minimum width: in a wide form row a
    one-line sentence then sits in a two-line box, with a gap above and below it.
    """

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.width() > 0 and self.wordWrap():
            hint.setHeight(self.heightForWidth(max(self.width(), self.minimumWidth())))
        return hint

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()        # a new width may take fewer (or more) lines


def wrapped(text: str, name: str = "") -> QLabel:
    label = WrappedLabel(text)
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


# What a window's title bar takes from the screen: a dialog is never taller than the screen minus this.
TITLE_BAR = 32


class FittingDialog(QDialog):
    """A dialog sized by its content, in any language, on a laptop's screen.

    No fixed or minimum sizes on the dialog itself: an explicit minimum width overrides the minimum its layout
    computes from the (translated) texts, and Qt then squeezes labels and buttons below their text. Instead,
    ``preferred`` is the size it opens at when the screen allows (0: what the content needs), and on showing
    and after each error line it grows to the height its wrapped texts need at its width.
    """

    preferred = QSize(560, 0)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.preferred.width()), max(hint.height(), self.preferred.height()))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.open_at_preferred_size()

    def open_at_preferred_size(self) -> None:
        """Qt opens a window at most 2/3 of the screen; take the preferred size where the screen has room."""
        room = self._room()
        width = min(max(self.width(), self.preferred.width()), room.width())
        height = min(max(self.height(), self.preferred.height()), room.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        self.grow_to_content()

    def _room(self) -> QSize:
        screen = self.screen()
        if screen is None:
            return QSize(1 << 16, 1 << 16)
        area = screen.availableGeometry()
        return QSize(area.width(), area.height() - TITLE_BAR)

    def grow_to_content(self) -> None:
        """Grow (never shrink) to what the content now needs, up to the screen: an error line never covers
        the form, and a wrapped sentence is never cut."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        need = self.heightForWidth(self.width()) if self.hasHeightForWidth() else self.sizeHint().height()
        need = min(max(need, self.minimumSizeHint().height(), layout.minimumSize().height()), self._room().height())
        if need > self.height():
            self.resize(self.width(), need)

    def show_error_line(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()
        self.grow_to_content()


def error_line() -> QLabel:
    """The hidden line where a dialog says why an action was refused."""
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class ServiceDialog(FittingDialog):
    """Subclasses build their form in ``self.form`` and implement ``submit()``, which calls the service.

    On OK, ``attempt()`` runs ``submit()``: its return value lands in ``result_value`` and the dialog
    closes; a MegaCaseError is shown in the dialog, which stays open with everything typed.
    """

    ok_text = N_("OK")   # subclasses mark theirs with N_(); translated when the button is made

    def __init__(self, title: str, intro: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
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
        self.error = error_line()
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
        self.show_error_line(self.error, text)

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""
