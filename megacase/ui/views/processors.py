"""The processor register as a whole-window view: the list, and an editor of the selected processor.

Every save is one service call (one audit event naming what changed); the
services refuse a manager's or a viewer's edit, and the editor is read-only for them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget)

from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services import roles
from megacase.services.privacy import processors
from megacase.services.privacy.processors import FIELDS, ProcessorInfo
from megacase.services.workspace import Workspace
from megacase.ui.models.privacy import ProcessorTableModel
from megacase.ui.prompter import Prompter
from megacase.ui.widgets.tables import make_table

LONG_FIELDS = ("purposes", "categories", "retention", "location")


class ProcessorRegisterView(QWidget):
    changed = Signal()

    def __init__(self, ws: Workspace, prompter: Prompter, parent=None):
        super().__init__(parent)
        self.ws, self.prompter = ws, prompter
        self.setObjectName("processorRegister")
        self.can_edit = roles.capabilities(ws).works_cases
        self.model = ProcessorTableModel(self)
        self.table = make_table(self.model, "processorTable", stretch_column=2)

        self.setStyleSheet("QLabel#registerTitle { font-size: 15pt; font-weight: 700; color: #111827; }")
        title = QLabel(_("Processor register"))
        title.setObjectName("registerTitle")
        sub = QLabel(_("Who holds which categories of the customers' data, for what, how long and where. The "
                       "access reply names them (Art. 15(1)(c)); erasures, rectifications and restrictions are "
                       "notified to them (Art. 19). A processor no longer used is made inactive: it leaves new "
                       "checklists."))
        sub.setObjectName("muted")
        sub.setWordWrap(True)

        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field, (label, _optional) in FIELDS.items():
            editor = QPlainTextEdit() if field in LONG_FIELDS else QLineEdit()
            if isinstance(editor, QPlainTextEdit):
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 2 + 14)
            editor.setObjectName(f"processor_{field}")
            editor.setReadOnly(not self.can_edit)
            self.editors[field] = editor
            form.addRow(_(label), editor)   # the services mark their labels N_()
        self.active = QCheckBox(_("In use (part of the checklists of new cases)"))
        self.active.setObjectName("processor_active")
        self.active.setEnabled(self.can_edit)
        form.addRow("", self.active)
        self.save_button = QPushButton(_("Save changes"))
        self.save_button.setObjectName("saveProcessor")
        self.save_button.clicked.connect(self.save)
        self.new_button = QPushButton(_("New processor"))
        self.new_button.setObjectName("newProcessor")
        self.new_button.clicked.connect(self.start_new)
        for b in (self.save_button, self.new_button):
            b.setEnabled(self.can_edit)
        self.status = QLabel("" if self.can_edit else _("Read only: only an officer changes the register."))
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        editor_box = QWidget()
        ev = QVBoxLayout(editor_box)
        ev.addLayout(form)
        ev.addWidget(self.status)
        ev.addLayout(buttons)
        ev.addStretch(1)

        scroll = QScrollArea()                   # the editor scrolls: the view never makes the window taller
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(editor_box)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([8 * 30, 420])            # the seven processors of the policy fit without scrolling
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(sub)
        layout.addWidget(split, 1)
        self._editing: ProcessorInfo | None = None
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.reload()

    def reload(self, select: str | None = None) -> None:
        rows = processors.list_processors(self.ws)
        self.model.set_rows(rows)
        names = [p.name for p in rows]
        row = names.index(select) if select in names else (0 if rows else -1)
        if row >= 0:
            self.table.selectRow(row)
            self._show(row)

    def _show(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        p: ProcessorInfo = self.model.record_at(row)
        self._editing = p
        for field, editor in self.editors.items():
            value = getattr(p, field) or ""
            editor.setPlainText(value) if isinstance(editor, QPlainTextEdit) else editor.setText(value)
        self.active.setChecked(p.active)

    def start_new(self) -> None:
        self._editing = None
        self.table.clearSelection()
        for editor in self.editors.values():
            editor.clear()
        self.active.setChecked(True)
        self.editors["name"].setFocus()

    def values(self) -> dict[str, str]:
        return {f: (e.toPlainText() if isinstance(e, QPlainTextEdit) else e.text()) for f, e in self.editors.items()}

    def save(self) -> bool:
        values = self.values()
        try:
            if self._editing is None:
                name, role, categories = values.pop("name"), values.pop("role"), values.pop("categories")
                p = processors.add_processor(self.ws, name, role, categories, **values)
            else:
                p = processors.update_processor(self.ws, self._editing.id, **values)
                if p.active != self.active.isChecked():
                    p = processors.set_active(self.ws, p.id, self.active.isChecked())
        except MegaCaseError as exc:
            self.prompter.error(self, _("Processor register"), str(exc))
            return False
        pending = " " + _("A new Art. 19 notice address waits for a manager's approval.") \
            if values.get("notice_channel", "").strip() != (p.notice_channel or "") else ""
        self.status.setText(_("Saved {name}.").format(name=p.name) + pending)
        self.reload(select=p.name)
        self.changed.emit()
        return True
