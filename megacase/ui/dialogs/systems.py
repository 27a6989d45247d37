"""The evidence of one finding (what a system held or answered), and the connectors' settings with Test
connection."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (QComboBox, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTextBrowser, QVBoxLayout)

from megacase.errors import MegaCaseError
from megacase import i18n
from megacase.i18n import N_, _, format_date
from megacase.services import systems
from megacase.services.systems.connections import parse_options
from megacase.services.systems.findings import SOURCE_LABELS, Finding
from megacase.services.systems.package_texts import category
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import FittingDialog, ServiceDialog, muted
from megacase.ui.models.records import Column, RecordTableModel
from megacase.ui.widgets.tables import make_table


def finding_html(f: Finding) -> str:
    when = f"{format_date(f.at, 'short')} {f.at:%H:%M}"
    head = (f"<h3>{escape(f.processor)} — {escape(f.label_text)}</h3>"
            "<p>" + _("{when} by {who}").format(when=when, who=escape(f.by)) + f" · {_(SOURCE_LABELS[f.source])}"
            + (" · " + _("file {name}").format(name=escape(f.filename)) if f.filename else "")
            + "<br><span style='color:#6b7280'>" + _("SHA-256 of what was received:")
            + f" <tt>{f.sha256}</tt></span></p>")
    if not f.readable:
        return head + "<p><i>" + _("The subject was erased: the contents can no longer be read.") + "</i></p>"
    parts = [head]
    for text in (f.summary, f.how, f.ground):
        if text:
            parts.append(f"<p>{escape(text)}</p>")
    if f.actions:
        parts.append("<p>" + _("Calls:") + " " + "<br>".join(f"<tt>{escape(a)}</tt>" for a in f.actions) + "</p>")
    if f.answer:
        parts.append("<p>" + _("The system's answer (the receipt):") + f" <tt>{escape(str(f.answer))}</tt></p>")
    for cat, rows in f.categories.items():
        columns = list(dict.fromkeys(k for r in rows for k in r))
        parts.append(f"<h4>{escape(category(cat, i18n.current()).capitalize())} ({len(rows)})</h4><table border='0' cellspacing='0' "
                     "cellpadding='3'><tr>" + "".join(f"<th align='left'>{escape(c)}</th>" for c in columns) + "</tr>"
                     + "".join("<tr>" + "".join(f"<td>{escape('' if r.get(c) is None else str(r.get(c)))}</td>"
                                                for c in columns) + "</tr>" for r in rows) + "</table>")
    for w in f.withheld:
        parts.append("<p style='color:#92400e'>" + _("Withheld (Art. 15(4)): {category} row {row}").format(
                         category=escape(w.category), row=w.row_index + 1)
                     + (", " + _("field {field}").format(field=escape(w.field)) if w.field else "")
                     + f" — {escape(w.reason)}</p>")
    return "".join(parts)


class EvidenceDialog(FittingDialog):
    """The finding as received; for a search, a row or a field can be withheld from the package (Art. 15(4))."""

    preferred = QSize(900, 600)

    def __init__(self, ws: Workspace, finding: Finding, prompter, parent=None, reference: str | None = None,
                 may_withhold: bool = False):
        super().__init__(parent)
        self.ws, self.finding, self.prompter, self.reference = ws, finding, prompter, reference
        self.changed = False
        self.setObjectName("evidenceDialog")
        self.setWindowTitle(_("Evidence — {system}").format(system=finding.processor))
        self.browser = QTextBrowser()
        self.browser.setObjectName("evidenceText")
        self.browser.setHtml(finding_html(finding))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        self.save = QPushButton(_("Save the original file…"))
        self.save.setObjectName("saveOriginal")
        self.save.setVisible(finding.has_file and finding.readable)
        self.save.clicked.connect(self.save_original)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(self.save)
        row.addStretch(1)
        row.addWidget(buttons)
        if may_withhold and reference and finding.kind == "search" and finding.readable and finding.categories:
            layout.addLayout(self._withhold_row())
        layout.addLayout(row)

    def _withhold_row(self) -> QHBoxLayout:
        """Art. 15(4): leave a row, or one field of it, that concerns someone else out of the package."""
        line = QHBoxLayout()
        self.category = QComboBox()
        self.category.setObjectName("withholdCategory")
        self.category.addItems(list(self.finding.categories))
        self.row = QSpinBox()
        self.row.setObjectName("withholdRow")
        self.row.setPrefix(_("row "))
        self.field = QComboBox()
        self.field.setObjectName("withholdField")
        self.reason = QLineEdit()
        self.reason.setObjectName("withholdReason")
        self.reason.setPlaceholderText(_("Why (Art. 15(4): the rights of others)"))
        self.withhold_button = QPushButton(_("Withhold"))
        self.withhold_button.setObjectName("withholdButton")
        self.withhold_button.clicked.connect(self.withhold)
        self.category.currentTextChanged.connect(self._category_changed)
        self._category_changed(self.category.currentText())
        for w in (QLabel(_("Leave out of the package:")), self.category, self.row, self.field):
            line.addWidget(w)
        line.addWidget(self.reason, 1)
        line.addWidget(self.withhold_button)
        return line

    def _category_changed(self, category: str) -> None:
        rows = self.finding.categories.get(category, [])
        self.row.setRange(1, max(1, len(rows)))
        self.field.clear()
        self.field.addItem(_("the whole row"), None)
        for name in dict.fromkeys(k for r in rows for k in r):
            self.field.addItem(name, name)

    def withhold(self) -> bool:
        try:
            self.finding = systems.withhold(self.ws, self.reference, self.finding.id, self.category.currentText(),
                                            self.row.value() - 1, self.field.currentData(), self.reason.text())
        except MegaCaseError as exc:
            self.prompter.error(self, _("Withhold"), str(exc))
            return False
        self.changed = True
        self.reason.clear()
        self.browser.setHtml(finding_html(self.finding))
        return True

    def save_original(self) -> None:
        try:
            name, _mime, data = systems.original_file(self.ws, self.finding.id)
        except MegaCaseError as exc:
            self.prompter.error(self, _("Evidence"), str(exc))
            return
        path = self.prompter.save_file(self, _("Save the original file"), name)
        if path is not None:
            path.write_bytes(data)


class ConnectorModel(RecordTableModel):
    columns = (Column(N_("System"), lambda s: s.processor),
               Column(N_("Connector"), lambda s: s.connector or _("files only")),
               Column(N_("Credential"), lambda s: s.credential), Column(N_("Base URL"), lambda s: s.base_url or "—"))


class ConnectorsDialog(ServiceDialog):
    """Tools › Systems and connectors: base URL, options, credential (to the keyring), Test connection."""
    ok_text = N_("Save")
    preferred = QSize(820, 560)

    def __init__(self, ws: Workspace, prompter, parent=None):
        super().__init__(_("Systems and connectors"),
                         _("Each system's connector: the API address (the vendor's by default), options and the "
                           "credential, which goes to the system keyring and never to the register or a file."), parent)
        self.ws, self.prompter = ws, prompter
        self.setObjectName("connectorsDialog")
        self.model = ConnectorModel(self)
        self.table = make_table(self.model, "connectorsTable", stretch_column=3)
        self.layout_.insertWidget(1, self.table, 1)
        self.base_url = QLineEdit()
        self.base_url.setObjectName("connectorBaseUrl")
        self.options = QLineEdit()
        self.options.setObjectName("connectorOptions")
        self.options.setPlaceholderText(_("e.g. mailboxes=info@megasecurity.eu,orders@megasecurity.eu"))
        self.credential = QLineEdit()
        self.credential.setObjectName("connectorCredential")
        self.credential.setEchoMode(QLineEdit.EchoMode.Password)
        self.help = muted("")
        self.form.addRow(_("API address"), self.base_url)
        self.form.addRow(_("Options"), self.options)
        self.form.addRow(_("Credential"), self.credential)
        self.form.addRow("", self.help)
        self.test_button = QPushButton(_("Test connection"))
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test)
        self.test_result = muted("")
        self.test_result.setObjectName("testResult")
        self.form.addRow(self.test_button, self.test_result)
        self.finish_layout()
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show(cur.row()))
        self.reload()

    def reload(self, select: str | None = None) -> None:
        rows = systems.list_systems(self.ws)
        self.model.set_rows(rows)
        names = [r.processor for r in rows]
        self.table.selectRow(names.index(select) if select in names else 0)
        self._show(self.table.currentIndex().row())

    def _show(self, row: int) -> None:
        if row < 0:
            return
        s = self.model.record_at(row)
        self.current = s
        self.base_url.setText(s.base_url or "")
        self.options.setText("; ".join(f"{k}={v}" for k, v in s.options.items()))
        self.credential.clear()
        self.credential.setPlaceholderText(_("stored in the keyring — type to replace") if s.credential == "keyring"
                                           else (_("from the environment") if s.credential == "environment"
                                                 else _("kept in the system keyring")))
        connector = s.connector is not None
        for w in (self.base_url, self.options, self.credential, self.test_button):
            w.setEnabled(connector)
        self.help.setText(_("Needs {credential}.").format(credential=s.credential_help) if connector
                          else _("Export files: {hint}.").format(hint=s.file_hint))
        self.test_result.setText("")

    def submit(self):
        s = self.current
        if s.connector is None:
            return None
        return systems.configure(self.ws, s.processor, base_url=self.base_url.text(),
                                 options=parse_options(self.options.text()) or None,
                                 credential=self.credential.text() or None)

    def test(self) -> None:
        """Save what was typed, then one harmless call; the answer stays shown."""
        name = self.current.processor
        try:
            self.result_value = self.submit()
            message = systems.test_connection(self.ws, name)
        except MegaCaseError as exc:
            message = str(exc)
        self.reload(select=name)
        self.test_result.setText(message)
