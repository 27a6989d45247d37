"""The case's Systems block: per system, what was searched and found, what was erased or kept, the evidence.

Buttons act on the selected system; an export file dropped onto the block is
imported for it. Everything is decided by the systems services; a refusal is
shown as they word it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from megacase.i18n import N_, _
from megacase.services.systems.overview import SystemRow
from megacase.ui.models.records import Column, RecordTableModel
from megacase.ui.widgets.blocks import Block, WrappingLabel
from megacase.ui.widgets.flow import FlowRow
from megacase.ui.widgets.tables import make_table


class SystemsModel(RecordTableModel):
    columns = (
        Column(N_("System"), lambda r: r.system,
               lambda r: "; ".join(t for t in (_("connector ready") if r.connector_ready else _("no connector ready"),
                                               r.legal_hold and _("legal hold: {hold}").format(hold=r.legal_hold))
                                   if t)),
        Column(N_("Searched"), lambda r: r.searched or "—", lambda r: r.searched or None),
        Column(N_("Categories found"), lambda r: r.categories, lambda r: r.categories or None),
        Column(N_("Erased or kept"), lambda r: r.erasure or "—", lambda r: r.erasure or None),
    )


class SystemsPanel(Block):
    collect_requested = Signal(str)
    import_requested = Signal(str, object)     # system, path (None: ask for one)
    nothing_requested = Signal(str)
    erase_requested = Signal(str)
    evidence_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(_("Systems: what each holds for the subject"), parent)
        self.setObjectName("systemsPanel")
        self.setAcceptDrops(True)
        self.intro = WrappingLabel(_("Search each system through its connector, import the export file saved from "
                              "its admin (or drop it here), or state that it holds nothing. What was found is kept "
                              "encrypted under the subject's key and goes into the access package."))
        self.intro.setObjectName("muted")
        self.model = SystemsModel(self)
        self.table = make_table(self.model, "systemsTable", stretch_column=2)
        self.table.setMinimumHeight(4 * 28 + 30)
        self.buttons: dict[str, QPushButton] = {}
        # The buttons wrap rather than set the detail pane's minimum width (long in French and Dutch).
        row = FlowRow(spacing=6)
        for key, text in (("collect", _("Collect through the connector")), ("import", _("Import an export file…")),
                          ("nothing", _("Nothing held…")), ("erase", _("Erase at this system…")),
                          ("evidence", _("Show the evidence"))):
            b = QPushButton(text)
            b.setObjectName(f"systems_{key}")
            b.clicked.connect(lambda _c=False, k=key: self._clicked(k))
            self.buttons[key] = b
            row.addWidget(b)
        self.body.addWidget(self.intro)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(row)
        self.editable = False
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())

    def show_rows(self, rows: list[SystemRow], editable: bool) -> None:
        current = self.selected()
        self.editable = editable
        self.model.set_rows(rows)
        names = [r.system for r in rows]
        self.table.selectRow(names.index(current.system) if current and current.system in names else 0)
        self._enable()

    def selected(self) -> SystemRow | None:
        index = self.table.currentIndex()
        return self.model.record_at(index.row()) if index.isValid() else None

    def select(self, system: str) -> None:
        for i in range(self.model.rowCount()):
            if self.model.record_at(i).system == system:
                self.table.selectRow(i)
                return

    def _enable(self) -> None:
        r = self.selected()
        e = self.editable and r is not None
        self.buttons["collect"].setEnabled(bool(e and r.searches and r.connector_ready))
        self.buttons["import"].setEnabled(bool(e and r.searches))
        self.buttons["nothing"].setEnabled(bool(e and r.searches))
        self.buttons["erase"].setEnabled(bool(e and r.acts))
        self.buttons["evidence"].setEnabled(bool(r and (r.evidence_id or r.receipt_id)))

    def _clicked(self, key: str) -> None:
        r = self.selected()
        if r is None:
            return
        if key == "collect":
            self.collect_requested.emit(r.system)
        elif key == "import":
            self.import_requested.emit(r.system, None)
        elif key == "nothing":
            self.nothing_requested.emit(r.system)
        elif key == "erase":
            self.erase_requested.emit(r.system)
        else:
            self.evidence_requested.emit(r.evidence_id or r.receipt_id)

    # --- drag and drop: an export file onto the block ------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.buttons["import"].isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        r = self.selected()
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if r is not None and paths:
            event.acceptProposedAction()
            for path in paths:
                self.import_requested.emit(r.system, path)
