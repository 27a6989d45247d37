"""The inbox: messages from the privacy mailbox to act on (open a case, link to a case, dismiss)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from megacase.domain.requests import RequestType
from megacase.i18n import N_, _
from megacase.services.intake.inbox import NEW, InboxEntry
from megacase.ui.format import moment
from megacase.ui.models.records import Column, RecordTableModel
from megacase.ui.widgets.tables import make_table


def _types(entry: InboxEntry) -> str:
    return ", ".join(_(RequestType(t).label) for t in entry.guessed_types) if entry.kind == "request" else ""


class InboxModel(RecordTableModel):
    columns = (
        Column(N_("Received"), lambda e: moment(e.received_at), lambda _e: _("Time the mail server received it")),
        Column(N_("Kind"), lambda e: e.kind_label),
        Column(N_("From"), lambda e: e.sender, lambda e: e.flag or None),
        Column(N_("Subject line"), lambda e: e.subject_line),   # the e-mail's, not the data subject
        Column(N_("Rights (guessed)"), _types),
        Column(N_("Case"), lambda e: e.case_reference or ""),
        Column(N_("Status"), lambda e: e.status_label),
    )

    def entry_at(self, row: int) -> InboxEntry:
        return self.record_at(row)

    def extra_data(self, record, column, role):
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and record.flag:
            return QColor("#8c1d18")
        return None


class InboxView(QWidget):
    """Lists inbox items; the buttons ask the feature to act."""

    fetch_requested = Signal()
    open_requested = Signal(int)
    link_requested = Signal(int)
    dismiss_requested = Signal(int)
    item_selected = Signal(int)
    open_case_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("inboxView")
        self.model = InboxModel(self)
        title = QLabel(_("Inbox"))
        title.setObjectName("caseReference")
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.show_done = QCheckBox(_("Show items dealt with"))
        self.show_done.setObjectName("inboxShowDone")
        self.fetch_now = QPushButton(_("Fetch now"))
        self.fetch_now.setObjectName("inboxFetch")
        self.fetch_now.clicked.connect(self.fetch_requested)
        self.open_button = QPushButton(_("Open a case…"))
        self.open_button.setObjectName("inboxOpen")
        self.link_button = QPushButton(_("Add to a case…"))
        self.link_button.setObjectName("inboxLink")
        self.dismiss_button = QPushButton(_("Not a request…"))
        self.dismiss_button.setObjectName("inboxDismiss")
        for button, signal in ((self.open_button, self.open_requested), (self.link_button, self.link_requested),
                               (self.dismiss_button, self.dismiss_requested)):
            button.clicked.connect(lambda _c=False, s=signal: self._emit(s))
        self.table = make_table(self.model, "inboxTable", stretch_column=3)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(self._double_clicked)
        # The message as plain text only: HTML was reduced to text, nothing remote is loaded, nothing opened.
        self.text = QPlainTextEdit()
        self.text.setObjectName("inboxText")
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(220)

        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.summary, 1)
        head.addWidget(self.show_done)
        head.addWidget(self.fetch_now)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.link_button)
        actions.addWidget(self.dismiss_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.text)
        self._selected(QModelIndex(), QModelIndex())

    def set_entries(self, entries: list[InboxEntry], status: str = "") -> None:
        current = self.current_entry()
        self.model.set_rows(entries)
        waiting = sum(1 for e in entries if e.status == NEW)
        counts = _("{n} to act on").format(n=waiting) if entries else _("Nothing to act on.")
        self.summary.setText(" · ".join(p for p in (counts, status) if p))
        if current is not None:
            for row, e in enumerate(entries):
                if e.id == current.id:
                    self.table.selectRow(row)
        self._selected(self.table.currentIndex(), QModelIndex())

    def set_text(self, text: str) -> None:
        self.text.setPlainText(text)

    def current_entry(self) -> InboxEntry | None:
        index = self.table.currentIndex()
        return self.model.entry_at(index.row()) if index.isValid() and index.row() < self.model.rowCount() else None

    def _selected(self, _current, _previous) -> None:
        entry = self.current_entry()
        actionable = entry is not None and entry.status == NEW
        self.open_button.setEnabled(actionable and entry.kind == "request")
        self.link_button.setEnabled(actionable and entry.kind != "unreadable")
        self.dismiss_button.setEnabled(actionable)
        if entry is None:
            self.text.setPlainText(_("Select a message to read it."))
        else:
            self.item_selected.emit(entry.id)

    def _emit(self, signal) -> None:
        entry = self.current_entry()
        if entry is not None:
            signal.emit(entry.id)

    def _double_clicked(self, index) -> None:
        entry = self.model.entry_at(index.row()) if index.isValid() else None
        if entry is not None and entry.case_reference:
            self.open_case_requested.emit(entry.case_reference)
