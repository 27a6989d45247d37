"""The detail pane: who and what, the deadline, the next steps, then the case's pages."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QStackedWidget, QTabWidget, QToolButton, QVBoxLayout,
                               QWidget)

from megacase.i18n import _
from megacase.services.records import CaseDetail
from megacase.ui.format import moment
from megacase.ui.widgets.blocks import WrappingLabel
from megacase.ui.widgets.flow import FlowRow
from megacase.ui.widgets.case_pages import ChecklistPage, LettersPage, NotesPage, TimelinePage
from megacase.ui.widgets.deadline_banner import DeadlineBanner
from megacase.ui.widgets.overview import OverviewPage


class CaseDetailWidget(QStackedWidget):
    """Pages are keyed; a feature adds its own with ``add_page(key, widget)`` where the widget has
    ``show_case(detail)`` and, optionally, ``tab_title(detail)``."""

    def __init__(self, today: Callable[[], date], parent=None):
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self._today = today
        self.detail: CaseDetail | None = None

        self.placeholder = QLabel(_("Select a case in the list to see it here.") + "\n\n"
                                  + _("Ctrl+N opens a new case · Ctrl+F searches · F1 lists the shortcuts"))
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.placeholder)

        content = QWidget()
        content.setObjectName("detailContent")
        self.reference = QLabel()
        self.reference.setObjectName("caseReference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel()
        self.state.setObjectName("statePill")
        self.headline = WrappingLabel()
        self.headline.setObjectName("caseHeadline")
        self.banner = DeadlineBanner()

        self.next_label = QLabel(_("Next steps"))
        self.next_label.setObjectName("fieldLabel")
        # The buttons wrap onto a second line rather than widen the pane (French and Dutch labels run long).
        self._next_flow = FlowRow(spacing=6)
        self._next_row = QHBoxLayout()
        self._next_row.setSpacing(6)
        self._next_row.addWidget(self.next_label, 0, Qt.AlignmentFlag.AlignTop)
        self._next_row.addWidget(self._next_flow, 1)
        self._next_buttons: list[QToolButton] = []

        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, QWidget] = {}
        self.overview = OverviewPage()
        self.checklist = ChecklistPage()
        self.letters = LettersPage()
        self.notes = NotesPage()
        self.timeline = TimelinePage()
        for key, page, title in (("overview", self.overview, _("Overview")),
                                 ("checklist", self.checklist, _("Systems")),
                                 ("letters", self.letters, _("Letters")), ("notes", self.notes, _("Notes")),
                                 ("timeline", self.timeline, _("Timeline"))):
            self.add_page(key, page, title)

        top = QHBoxLayout()
        top.addWidget(self.reference)
        top.addSpacing(8)
        top.addWidget(self.state, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(16, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.headline)
        layout.addWidget(self.banner)
        layout.addLayout(self._next_row)
        layout.addWidget(self.tabs, 1)
        self.addWidget(content)

    # --- for features -------------------------------------------------------------------------
    def add_page(self, key: str, page: QWidget, title: str) -> None:
        self.pages[key] = page
        self.tabs.addTab(page, title)

    def page(self, key: str) -> QWidget:
        return self.pages[key]

    def show_page(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.pages[key])

    def set_next_step_actions(self, actions: list[QAction]) -> None:
        """Buttons for the case actions; each is shown only while its action is enabled."""
        for action in actions:
            button = QToolButton()
            button.setObjectName("nextStep")
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self._next_flow.addWidget(button)
            self.next_label.setMinimumHeight(button.sizeHint().height())   # level with the first row
            self._next_buttons.append(button)
            action.changed.connect(lambda b=button, a=action: b.setVisible(a.isEnabled() and a.isVisible()))
            button.setVisible(action.isEnabled() and action.isVisible())

    def next_steps(self) -> list[str]:
        return [b.defaultAction().text().replace("&", "") for b in self._next_buttons if not b.isHidden()]

    # --- showing a case --------------------------------------------------------------------------
    def show_case(self, d: CaseDetail) -> None:
        self.detail = d
        s = d.summary
        self.reference.setText(s.reference)
        state = s.state_text + (f" · {_(s.outcome.label).lower()}" if s.outcome else "")
        self.state.setText(state)
        received = _("{channel}, received {moment}").format(channel=_(s.channel.label).lower(),
                                                             moment=moment(s.received_at))
        self.headline.setText(f"{d.subject.display_name}  ·  {s.types_text}  ·  {received}")
        self.banner.show_case(d, self._today())
        for key, page in self.pages.items():
            page.show_case(d)
            if hasattr(page, "tab_title"):
                self.tabs.setTabText(self.tabs.indexOf(page), page.tab_title(d))
        self.setCurrentIndex(1)

    def clear(self) -> None:
        self.detail = None
        self.setCurrentIndex(0)
