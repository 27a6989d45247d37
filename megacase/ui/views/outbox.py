"""The outbox: letters waiting to be sent, those whose sending was interrupted, and (on demand) the sent ones."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from megacase.i18n import N_, _
from megacase.services.letters import outbox, templates
from megacase.services.letters.outbox import OutboxEntry
from megacase.ui.format import moment
from megacase.ui.models.records import Column, RecordTableModel
from megacase.ui.widgets.tables import make_table

STATUS_COLOURS = {outbox.QUEUED: "#6e4200", outbox.FAILED: "#8c1d18", outbox.UNCERTAIN: "#8c1d18",
                  outbox.SENDING: "#1f4a75"}


class OutboxModel(RecordTableModel):
    columns = (
        Column(N_("Case"), lambda e: e.reference),
        Column(N_("Letter"), lambda e: _(templates.title_of(e.template_id)), lambda e: e.subject_line),
        Column(N_("To"), lambda e: e.recipient),
        Column(N_("Status"), lambda e: e.status_label, lambda e: e.last_error or e.server_reply),
        Column(N_("Attempts"), lambda e: str(e.attempts), align_right=True),
        Column(N_("Saved"), lambda e: moment(e.created_at)),
        Column(N_("Sent"), lambda e: moment(e.sent_at)),
    )

    def entry_at(self, row: int) -> OutboxEntry:
        return self.record_at(row)

    def extra_data(self, record, column, role):
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and record.status in STATUS_COLOURS:
            return QColor(STATUS_COLOURS[record.status])
        return None


class OutboxView(QWidget):
    """Lists the outbox; the buttons ask the feature to act (``send_requested``, ``resolve_requested``)."""

    send_requested = Signal()
    resolve_requested = Signal(int, bool)     # letter id, arrived
    open_case_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("outboxView")
        self.model = OutboxModel(self)
        title = QLabel(_("Outbox"))
        title.setObjectName("caseReference")
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.show_sent = QCheckBox(_("Show sent letters"))
        self.show_sent.setObjectName("outboxShowSent")
        self.send_now = QPushButton(_("Send waiting letters now"))
        self.send_now.setObjectName("outboxSendNow")
        self.send_now.clicked.connect(self.send_requested)
        self.arrived = QPushButton(_("It arrived: mark sent"))
        self.arrived.setObjectName("outboxArrived")
        self.not_arrived = QPushButton(_("It did not arrive: send again"))
        self.not_arrived.setObjectName("outboxNotArrived")
        self.arrived.clicked.connect(lambda: self._resolve(True))
        self.not_arrived.clicked.connect(lambda: self._resolve(False))
        self.table = make_table(self.model, "outboxTable", stretch_column=1)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(self._open_case)
        self.detail = QTextBrowser()
        self.detail.setObjectName("outboxDetail")
        self.detail.setMaximumHeight(140)

        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.summary, 1)
        head.addWidget(self.show_sent)
        head.addWidget(self.send_now)
        resolve = QHBoxLayout()
        resolve.addWidget(QLabel(_("Sending interrupted? Check the mailbox's sent items, then:")))
        resolve.addWidget(self.arrived)
        resolve.addWidget(self.not_arrived)
        resolve.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addLayout(resolve)
        layout.addWidget(self.detail)
        self._selected(QModelIndex(), QModelIndex())

    def set_entries(self, entries: list[OutboxEntry]) -> None:
        self.model.set_rows(entries)
        waiting = sum(1 for e in entries if e.status == outbox.QUEUED)
        attention = sum(1 for e in entries if e.status in (outbox.FAILED, outbox.UNCERTAIN, outbox.SENDING,
                                                           outbox.BOUNCED))
        self.summary.setText(_("{waiting} waiting · {attention} needing attention").format(
            waiting=waiting, attention=attention) if entries else _("Empty: every letter was sent."))
        self.send_now.setEnabled(waiting > 0)
        self._selected(self.table.currentIndex(), QModelIndex())

    def current_entry(self) -> OutboxEntry | None:
        index = self.table.currentIndex()
        return self.model.entry_at(index.row()) if index.isValid() else None

    def _selected(self, current, _previous) -> None:
        entry = self.current_entry()
        interrupted = entry is not None and entry.status in (outbox.UNCERTAIN, outbox.SENDING)
        self.arrived.setEnabled(interrupted)
        self.not_arrived.setEnabled(interrupted)
        if entry is None:
            self.detail.setPlainText(_("Select a letter to see what the mail server answered."))
            return
        lines = [f"{entry.reference} · {entry.subject_line}", _("Status: {status}").format(status=entry.status_label),
                 f"Message-ID: {entry.message_id or '—'}"]
        if entry.server_reply:
            lines.append(_("Mail server: {reply}").format(reply=entry.server_reply))
        if entry.last_error and entry.status != outbox.SENT:
            lines.append(_("Last attempt: {error}").format(error=entry.last_error))
        self.detail.setPlainText("\n".join(lines))

    def _resolve(self, arrived: bool) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.resolve_requested.emit(entry.letter_id, arrived)

    def _open_case(self, index) -> None:
        if index.isValid():
            self.open_case_requested.emit(self.model.entry_at(index.row()).reference)
