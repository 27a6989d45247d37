"""Item delegates: an event drawn as a bold title over muted, wrapped details."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

PAD_X, PAD_Y, GAP = 6, 6, 2
MUTED = QColor("#4b5563")


class TitleAndDetailsDelegate(QStyledItemDelegate):
    """Display text 'Title\\ndetails…': the title in bold, the details wrapped below it."""

    def _parts(self, index) -> tuple[str, str]:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        title, _, details = text.partition("\n")
        return title, details

    def _fonts(self, option) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    @staticmethod
    def _wrapped(font: QFont, width: int, text: str) -> QRect:
        return QFontMetrics(font).boundingRect(QRect(0, 0, max(10, width - 2 * PAD_X), 10_000),
                                               Qt.TextFlag.TextWordWrap, text)

    def sizeHint(self, option, index) -> QSize:
        title, details = self._parts(index)
        bold, plain = self._fonts(option)
        # The title wraps too: an event's name runs longer in French and Dutch than the column is wide.
        height = self._wrapped(bold, option.rect.width(), title).height() + 2 * PAD_Y
        if details:
            height += GAP + self._wrapped(plain, option.rect.width(), details).height()
        return QSize(max(option.rect.width(), 200), height)

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        title, details = self._parts(index)
        bold, plain = self._fonts(option)
        r = option.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        painter.save()
        painter.setFont(bold)
        painter.setPen(option.palette.color(option.palette.ColorRole.Text))
        title_h = self._wrapped(bold, option.rect.width(), title).height()
        painter.drawText(QRect(r.left(), r.top(), r.width(), title_h),
                         Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, title)
        if details:
            painter.setFont(plain)
            painter.setPen(MUTED)
            painter.drawText(QRect(r.left(), r.top() + title_h + GAP, r.width(), r.height() - title_h - GAP),
                             Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, details)
        painter.restore()
