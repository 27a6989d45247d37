"""Two small charts of the dashboard, drawn with QPainter (QtCharts is not part of PySide6-Essentials).

- ``MonthlyChart``: requests received and closed per month over the last year (grouped bars);
- ``ShareChart``: per month of reply, the share answered within one month and within three months.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from megacase.i18n import N_, _
from megacase.services.review.dashboard import MonthStat

INK = QColor("#1f2328")
MUTED = QColor("#6b7280")
GRID = QColor("#e5e7eb")
RECEIVED = QColor("#4a6fa5")
CLOSED = QColor("#a7b4c6")
ONE_MONTH = QColor("#2f5d8a")
THREE_MONTHS = QColor("#a7b4c6")
MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"), N_("Sep"),
          N_("Oct"), N_("Nov"), N_("Dec"))


def _nice_max(value: int) -> int:
    """A round top for the axis: 4, 5, 10, 20…"""
    for top in (4, 8, 12, 16, 20, 40, 60, 80, 100, 200, 400, 600, 800, 1000):
        if value <= top:
            return top
    return ((value // 1000) + 1) * 1000


class _Chart(QWidget):
    series: tuple[tuple[str, QColor], ...] = ()

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.months: list[MonthStat] = []
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(520, 240)

    def set_months(self, months) -> None:
        self.months = list(months)
        self.update()

    def values(self, m: MonthStat) -> list[float | None]:
        raise NotImplementedError

    def axis(self) -> tuple[float, list[tuple[float, str]]]:
        raise NotImplementedError

    def subtitle(self) -> str:
        return ""

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        w, h = self.width(), self.height()
        title_font = QFont(self.font())
        title_font.setBold(True)
        p.setFont(title_font)
        p.setPen(INK)
        p.drawText(QRectF(12, 8, w - 24, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        p.setFont(small)
        p.setPen(MUTED)
        p.drawText(QRectF(12, 28, w - 24, 18), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.subtitle())
        # legend, on its own line under the subtitle
        x = 12.0
        for label, colour in self.series:
            label = _(label)
            p.fillRect(QRectF(x, 52, 10, 10), colour)
            x += 15
            tw = p.fontMetrics().horizontalAdvance(label)
            p.setPen(INK)
            p.drawText(QRectF(x, 47, tw + 2, 20), Qt.AlignmentFlag.AlignVCenter, label)
            x += tw + 18
        left, right, top, bottom = 40, w - 12, 76, h - 34
        if not self.months or bottom - top < 40:
            p.end()
            return
        top_value, ticks = self.axis()
        for value, label in ticks:
            y = bottom - (bottom - top) * value / top_value
            p.setPen(QPen(GRID, 1))
            p.drawLine(int(left), int(y), int(right), int(y))
            p.setPen(MUTED)
            p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       label)
        slot = (right - left) / len(self.months)
        n = len(self.series)
        bar = min(18.0, slot * 0.75 / n)
        for i, m in enumerate(self.months):
            x0 = left + slot * i + (slot - bar * n) / 2
            for j, value in enumerate(self.values(m)):
                if value is None:
                    continue
                height = (bottom - top) * value / top_value
                p.fillRect(QRectF(x0 + j * bar, bottom - height, bar - 1, height), self.series[j][1])
            p.setPen(MUTED)
            p.drawText(QRectF(left + slot * i, bottom + 3, slot, 14), Qt.AlignmentFlag.AlignHCenter,
                       _(MONTHS[m.month.month - 1]))
            if m.month.month == 1 or i == 0:     # the year under its first month
                p.drawText(QRectF(left + slot * i - 10, bottom + 16, slot + 20, 14), Qt.AlignmentFlag.AlignHCenter,
                           str(m.month.year))
        p.setPen(QPen(QColor("#c5cbd3"), 1))
        p.drawLine(int(left), int(bottom), int(right), int(bottom))
        p.end()


class MonthlyChart(_Chart):
    series = ((N_("Received"), RECEIVED), (N_("Closed"), CLOSED))

    def __init__(self, parent=None):
        super().__init__(_("Requests received and closed per month"), parent)

    def values(self, m: MonthStat):
        return [m.received, m.closed]

    def subtitle(self) -> str:
        return _("Last twelve months: {received} received, {closed} closed").format(
            received=sum(m.received for m in self.months), closed=sum(m.closed for m in self.months))

    def axis(self):
        top = _nice_max(max([1] + [max(m.received, m.closed) for m in self.months]))
        step = top / 4
        return top, [(step * k, f"{step * k:g}") for k in range(5)]


class ShareChart(_Chart):
    series = ((N_("Within one month"), ONE_MONTH), (N_("Within three months"), THREE_MONTHS))

    def __init__(self, parent=None):
        super().__init__(_("Share answered in time, by month of reply"), parent)

    def values(self, m: MonthStat):
        if not m.answered:
            return [None, None]
        return [100.0 * m.within_one_month / m.answered, 100.0 * m.within_three_months / m.answered]

    def subtitle(self) -> str:
        answered = sum(m.answered for m in self.months)
        if not answered:
            return _("No reply in the last twelve months")
        one = 100.0 * sum(m.within_one_month for m in self.months) / answered
        three = 100.0 * sum(m.within_three_months for m in self.months) / answered
        return _("{answered} replies: {one}% within one month, {three}% within three months").format(
            answered=answered, one=f"{one:.0f}", three=f"{three:.0f}")

    def axis(self):
        return 100.0, [(v, f"{v}%") for v in (0, 25, 50, 75, 100)]
