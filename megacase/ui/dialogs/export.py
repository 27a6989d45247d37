"""Export case files for the authority: choose the cases, preview one, save one PDF or a folder of them.

The preview shows the very PDF that will be saved (rendered once, in the
background). QtPdf is not part of PySide6-Essentials, so pages are rasterised
in memory with PDFium (``pypdfium2`` wheels, no system package; nothing personal
touches the disk).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListView, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from megacase.errors import MegaCaseError
from megacase.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _
from megacase.services.reports import case_file
from megacase.services.reports.case_file import RenderedCaseFile
from megacase.services.records import CaseSummary
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog, muted
from megacase.ui.pdf_pages import page_images
from megacase.ui.prompter import Prompter
from megacase.ui.workers import run_task, run_with_progress

PREVIEW_DPI = 60
PREVIEW_MAX_PAGES = 40


class CheckableCases(QAbstractListModel):
    """The cases to choose from, each with a tick box; the ticks are a set of references."""

    def __init__(self, cases: list[CaseSummary], checked: set[str], parent=None):
        super().__init__(parent)
        self._cases = cases
        self._checked = set(checked)
        self._rows: dict[str, int] | None = None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._cases)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self._cases[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{c.reference}   {c.subject_name} · {c.types_text} · {_(c.state.label)}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if c.reference in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return c.reference
        return None

    def flags(self, index):
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        reference = self._cases[index.row()].reference
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(reference)
        else:
            self._checked.discard(reference)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def reference_at(self, row: int) -> str:
        return self._cases[row].reference

    def references(self) -> list[str]:
        return [c.reference for c in self._cases]

    def row_of(self, reference: str) -> int:
        if self._rows is None:
            self._rows = {c.reference: i for i, c in enumerate(self._cases)}
        return self._rows.get(reference, -1)

    def checked(self) -> list[str]:
        return [c.reference for c in self._cases if c.reference in self._checked]

    def checked_count(self) -> int:
        return len(self._checked)

    def set_checked(self, references) -> None:
        self.beginResetModel()
        self._checked = set(references) & set(self.references())
        self.endResetModel()


class CaseFileDialog(ServiceDialog):
    """``result_value`` is the list of ExportResult written."""

    ok_text = N_("Save…")
    preferred = QSize(980, 700)

    def __init__(self, ws: Workspace, cases: list[CaseSummary], current: str | None, prompter: Prompter,
                 parent=None, preview: bool | None = None):
        super().__init__(_("Export case files"),
                         _("A case file is the record the data protection authority may ask for: every step, letter "
                           "and audit event of a case, with the hashes that let it be checked later. Each export is "
                           "recorded in the audit trail."), parent)
        self.setObjectName("caseFileDialog")
        self.ws, self.prompter = ws, prompter
        self.preview_enabled = True if preview is None else preview
        self.rendered: dict[str, RenderedCaseFile] = {}
        self.rendered_choice: dict[str, str | None] = {}     # the language choice each preview was made with
        self.previewed: str | None = None

        # A model over the cases, not one widget item per case: the list of 100,000 opens at once
        self.cases = CheckableCases(cases, {current} if current else set(), self)
        self.list = QListView()
        self.list.setObjectName("exportCases")
        self.list.setUniformItemSizes(True)
        self.list.setModel(self.cases)
        if current:
            row = self.cases.row_of(current)
            if row >= 0:
                self.list.setCurrentIndex(self.cases.index(row))
                self.list.scrollTo(self.cases.index(row))
        self.list.selectionModel().currentChanged.connect(
            lambda index, _prev: self.show_preview(self.cases.reference_at(index.row()) if index.isValid() else None))
        self.cases.dataChanged.connect(lambda *_: self._update_ok())
        self.cases.modelReset.connect(self._update_ok)
        all_ = QPushButton(_("Tick all shown"))
        all_.clicked.connect(lambda: self._tick_all(Qt.CheckState.Checked))
        none = QPushButton(_("Untick all"))
        none.clicked.connect(lambda: self._tick_all(Qt.CheckState.Unchecked))
        left = QVBoxLayout()
        left.addWidget(muted(_("Cases in the list (tick those to export; one file each, with an index when "
                               "there are several):")))
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(all_)
        row.addWidget(none)
        row.addStretch(1)
        left.addLayout(row)
        # The document's language, not the window's: the case's own unless the officer picks another.
        self.language = QComboBox()
        self.language.setObjectName("caseFileLanguage")
        self.language.addItem(_("The case's language"), None)
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.currentIndexChanged.connect(lambda _i: self.show_preview(self.previewed))
        language_row = QHBoxLayout()
        language_row.addWidget(QLabel(_("Language of the case file:")))
        language_row.addWidget(self.language, 1)
        left.addLayout(language_row)

        self.preview_title = QLabel()
        self.preview_title.setObjectName("previewTitle")
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_layout.setSpacing(10)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("preview")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages)
        self.scroll.setStyleSheet("QScrollArea#preview { background: #8a9099; }")
        right = QVBoxLayout()
        right.addWidget(self.preview_title)
        right.addWidget(self.scroll, 1)

        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        self.layout_.addLayout(body, 1)
        self.finish_layout()
        self._update_ok()
        self.show_preview(current)

    # --- which cases -------------------------------------------------------------------------------
    def checked(self) -> list[str]:
        return self.cases.checked()

    def set_checked(self, references: list[str]) -> None:
        self.cases.set_checked(references)

    def _tick_all(self, state) -> None:
        self.cases.set_checked(self.cases.references() if state == Qt.CheckState.Checked else [])

    def _update_ok(self) -> None:
        n = self.cases.checked_count()
        self.ok_button.setEnabled(n > 0)
        self.ok_button.setText(_("Save…") if n <= 1 else _("Save {n} case files…").format(n=n))

    # --- preview -------------------------------------------------------------------------------------
    def _clear_pages(self) -> None:
        while self.pages_layout.count():
            widget = self.pages_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()

    def show_preview(self, reference: str | None) -> None:
        self.previewed = reference
        self._clear_pages()
        if reference is None:
            self.preview_title.setText(_("Choose a case to preview its case file."))
            return
        self.preview_title.setText(_("Preparing the case file of {reference}…").format(reference=reference))
        ws, language = self.ws, self.chosen_language()
        run_task(lambda: self._render(ws, reference, language), lambda result: self._preview_ready(reference, result),
                 lambda exc: self._preview_failed(reference, exc))

    def chosen_language(self) -> str | None:
        """fr, nl or en; None for each case's own language."""
        return self.language.currentData()

    def set_language(self, code: str | None) -> None:
        self.language.setCurrentIndex(max(self.language.findData(code), 0))

    def _render(self, ws: Workspace, reference: str, language: str | None = None):
        rendered = case_file.render_case_file(ws, reference, language)
        images, count = page_images(rendered.pdf, PREVIEW_DPI, max_pages=PREVIEW_MAX_PAGES) if self.preview_enabled else ([], 0)
        return rendered, images, count, language

    def _preview_ready(self, reference: str, result) -> None:
        rendered, images, count, language = result
        self.rendered[reference] = rendered
        self.rendered_choice[reference] = language
        if reference != self.previewed:
            return                      # the officer moved on to another case meanwhile
        if not self.preview_enabled:
            self.preview_title.setText(_("{reference}: ready to save.").format(reference=reference))
            return
        shown = _("first {shown} of {count}").format(shown=len(images), count=count) if count > len(images) \
            else f"{count}"
        chain = _("audit chain intact") if rendered.integrity.ok else _("AUDIT CHAIN BROKEN")
        if not rendered.integrity.state_ok:
            chain += ", " + _("CASE DIFFERS FROM ITS EVENTS")
        self.preview_title.setText(_("Case file of {reference}: {shown} page(s), {chain}.").format(
            reference=reference, shown=shown, chain=chain))
        for image in images:
            page = QLabel()
            page.setObjectName("previewPage")
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("background: white; border: 1px solid #5f6670;")
            self.pages_layout.addWidget(page)

    def _preview_failed(self, reference: str, exc: BaseException) -> None:
        if reference == self.previewed:
            self.preview_title.setText(_("No preview of {reference}: {error}").format(reference=reference, error=exc))

    def preview_page_count(self) -> int:
        return self.pages_layout.count()

    # --- saving --------------------------------------------------------------------------------------
    def attempt(self) -> bool:
        try:
            result = self.submit()
        except MegaCaseError as exc:
            self.show_error(str(exc))
            return False
        if result is None:             # the officer cancelled the file chooser: stay
            return False
        self.result_value = result
        self.accept()
        return True

    def submit(self):
        refs = self.checked()
        if len(refs) == 1:
            ref = refs[0]
            path = self.prompter.save_file(self, _("Save the case file"), f"{ref}.pdf", _("PDF files (*.pdf)"))
            if path is None:
                return None
            path = path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")
            # Previewed in another language than the one now chosen: render again.
            rendered = self.rendered.get(ref) if self.rendered_choice.get(ref) == self.chosen_language() else None
            if rendered:                  # save exactly the file that was previewed
                return [case_file.save_case_file(self.ws, rendered, path)]
            ws, language = self.ws, self.chosen_language()   # verifying the register takes seconds in a large one
            return [run_with_progress(self, _("Export case file"),
                                      _("Verifying the register and laying out {reference}…").format(reference=ref),
                                      lambda _report: case_file.export_case(ws, ref, path, language))]
        folder = self.prompter.choose_folder(self, _("Folder for {n} case files").format(n=len(refs)))
        if folder is None:
            return None
        ws, language = self.ws, self.chosen_language()
        return run_with_progress(self, _("Export case files"), _("Saving {n} case files…").format(n=len(refs)),
                                 lambda report: case_file.export_cases(ws, refs, Path(folder), language,
                                                                       progress=report))
