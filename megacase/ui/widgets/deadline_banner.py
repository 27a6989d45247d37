"""The deadline banner: due date and days left first, then suspension and extension."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from megacase.services.records import CaseDetail
from megacase.ui.format import deadline_banner
from megacase.ui.widgets.blocks import WrappingLabel


class DeadlineBanner(QFrame):
    """Colour only where it means something: overdue red, due soon amber, suspended blue."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("deadlineBanner")
        self.headline = QLabel()
        self.headline.setObjectName("bannerHeadline")
        self.body = WrappingLabel()
        self.body.setObjectName("bannerBody")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        layout.addWidget(self.headline)
        layout.addWidget(self.body)
        self.level = "normal"

    def show_case(self, detail: CaseDetail, today: date) -> None:
        text = deadline_banner(detail, today)
        self.level = text.level
        self.headline.setText(text.headline)
        self.body.setText("\n".join(text.lines))
        self.body.setVisible(bool(text.lines))
        self.setProperty("level", text.level)
        for widget in (self, self.headline, self.body):   # re-apply the style sheet for the new level
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def text(self) -> str:
        return f"{self.headline.text()}\n{self.body.text()}".strip()
