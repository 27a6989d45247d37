"""The detail pane's pages beside the overview: processors, letters, notes, timeline.

Each page has ``show_case(detail)`` and ``tab_title(detail)`` (the tab text, with a count).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QScrollArea, QSplitter, QTextBrowser,
                               QVBoxLayout, QWidget)

from megacase.i18n import _
from megacase.services.records import CaseDetail
from megacase.ui.format import html_text, moment
from megacase.ui.models.case_parts import ChecklistModel, LettersModel, TimelineModel
from megacase.ui.widgets.blocks import Block, WrappingLabel
from megacase.ui.widgets.delegates import TitleAndDetailsDelegate
from megacase.ui.widgets.tables import make_table


class Page(QWidget):
    """A page holding one block, with room for a feature's buttons in the block's title row."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.block = Block(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 12, 12)
        layout.addWidget(self.block)

    def add_header_action(self, action):
        return self.block.add_header_action(action)


class ChecklistPage(Page):
    toggle_requested = Signal(int, bool)

    def __init__(self, parent=None):
        super().__init__(_("Steps at each processor"), parent)
        self.intro = WrappingLabel(_("Generated from the request types and the processor register: for access and "
                              "portability, search each system; for erasure, rectification and restriction, act "
                              "at each one and notify it (Art. 19). A step is ticked by what the Systems block "
                              "records, or by hand when it is done outside MegaCase."))
        self.intro.setObjectName("muted")
        self.model = ChecklistModel(self)
        self.model.toggle_requested.connect(self.toggle_requested)
        self.table = make_table(self.model, "checklistTable", stretch_column=3)
        self.block.body.addWidget(self.intro)
        self.block.body.addWidget(self.table, 1)

    def show_case(self, d: CaseDetail) -> None:
        self.model.set_items(d.checklist, d.checklist_editable)

    def tab_title(self, d: CaseDetail) -> str:
        done = sum(1 for i in d.checklist if i.done_at)
        return (_("Systems {done}/{total}").format(done=done, total=len(d.checklist)) if d.checklist
                else _("Systems"))


class LettersPage(Page):
    def __init__(self, parent=None):
        super().__init__(_("Letters"), parent)
        self.model = LettersModel(self)
        self.table = make_table(self.model, "lettersTable", stretch_column=1)
        self.preview = QTextBrowser()
        self.preview.setObjectName("letterPreview")
        self.empty = QLabel(_("No letters yet on this case."))
        self.empty.setObjectName("muted")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        self.block.body.addWidget(self.empty)
        self.block.body.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(self._preview)

    def _preview(self, current, _previous) -> None:
        if not current.isValid():
            self.preview.clear()
            return
        letter = self.model.letter_at(current.row())
        to = _("To: {recipient}").format(recipient=html_text(letter.recipient))
        self.preview.setHtml(f"<p><b>{html_text(letter.subject_line)}</b><br>{to}</p>"
                             f"<p>{html_text(letter.body)}</p>")

    def show_case(self, d: CaseDetail) -> None:
        self.model.set_rows(d.letters)
        self.empty.setVisible(not d.letters)
        self.preview.clear()
        if d.letters:
            self.table.selectRow(len(d.letters) - 1)

    def tab_title(self, d: CaseDetail) -> str:
        return _("Letters {n}").format(n=len(d.letters)) if d.letters else _("Letters")


class NotesPage(Page):
    def __init__(self, parent=None):
        super().__init__(_("Notes"), parent)
        self.text = QLabel()
        self.text.setObjectName("value")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.text)
        self.block.body.addWidget(scroll, 1)

    def show_case(self, d: CaseDetail) -> None:
        if not d.notes:
            self.text.setText("<span style='color:#6b7280'>" + _("No notes yet. Notes are encrypted under the "
                                                                 "subject's key and erased with the subject.")
                              + "</span>")
            return
        self.text.setText("<br>".join(
            f"<p><span style='color:#6b7280'>{moment(n.created_at)} · {html_text(n.author)}</span><br>"
            f"{html_text(n.text)}</p>" for n in reversed(d.notes)))

    def tab_title(self, d: CaseDetail) -> str:
        return _("Notes {n}").format(n=len(d.notes)) if d.notes else _("Notes")


class TimelinePage(Page):
    def __init__(self, parent=None):
        super().__init__(_("Timeline from the audit trail"), parent)
        self.model = TimelineModel(self)
        self.table = make_table(self.model, "timelineTable", stretch_column=2)
        self.table.setWordWrap(True)
        self.table.setItemDelegateForColumn(2, TitleAndDetailsDelegate(self.table))
        self.table.setAlternatingRowColors(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.block.body.addWidget(self.table, 1)

    def show_case(self, d: CaseDetail) -> None:
        self.model.set_rows(d.timeline)
        self.table.scrollToBottom()

    def tab_title(self, d: CaseDetail) -> str:
        return _("Timeline {n}").format(n=len(d.timeline))
