"""Export case files for the authority: choose the cases, preview one, save one PDF or a folder of them.

The preview shows the very PDF that will be saved (rendered once, in the
background). QtPdf is not part of PySide6-Essentials, so pages are rasterised
in memory with PDFium (``pypdfium2`` wheels, no system package; nothing personal
touches the disk).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from megacase.errors import MegaCaseError
from megacase.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _
from megacase.services.reports import case_file
from megacase.services.reports.case_file import RenderedCaseFile
from megacase.services.records import CaseSummary
from megacase.services.workspace import Workspace
from megacase.ui.dialogs.base import ServiceDialog, muted
from megacase.ui.pdf_pages import page_images
from megacase.ui.prompter import Prompter
from megacase.ui.workers import run_task

PREVIEW_DPI = 60
PREVIEW_MAX_PAGES = 40


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

        self.list = QListWidget()
        self.list.setObjectName("exportCases")
        for c in cases:
            item = QListWidgetItem(f"{c.reference}   {c.subject_name} · {c.types_text} · {_(c.state.label)}")
            item.setData(Qt.ItemDataRole.UserRole, c.reference)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.reference == current else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if c.reference == current:
                self.list.setCurrentItem(item)
        self.list.currentItemChanged.connect(lambda item, _prev: self.show_preview(self._ref(item)))
        self.list.itemChanged.connect(lambda _item: self._update_ok())
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
    @staticmethod
    def _ref(item: QListWidgetItem | None) -> str | None:
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def checked(self) -> list[str]:
        return [self._ref(self.list.item(i)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, references: list[str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if self._ref(item) in references else Qt.CheckState.Unchecked)

    def _tick_all(self, state) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(state)

    def _update_ok(self) -> None:
        n = len(self.checked())
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
            # Save exactly the file that was previewed, when it was.
            return [case_file.save_case_file(self.ws, rendered, path) if rendered
                    else case_file.export_case(self.ws, ref, path, self.chosen_language())]
        folder = self.prompter.choose_folder(self, _("Folder for {n} case files").format(n=len(refs)))
        if folder is None:
            return None
        return case_file.export_cases(self.ws, refs, Path(folder), self.chosen_language())
