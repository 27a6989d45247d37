"""File > Export case file… (Ctrl+E) and Tools > Register report…: what the authority asks for."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QProgressDialog

from megacase import i18n
from megacase.errors import MegaCaseError
from megacase.i18n import _, ngettext
from megacase.services.reports import register_report
from megacase.ui.dialogs.export import CaseFileDialog
from megacase.ui.workers import run_task


class ExportFeature:
    def __init__(self, window):
        self.w = window
        self.case_file = QAction(_("&Export case file…"), window)
        self.case_file.setObjectName("exportCaseFile")
        self.case_file.setShortcut(QKeySequence("Ctrl+E"))
        self.case_file.setStatusTip(_("The regulator's case file (PDF) of this case or of several cases"))
        self.case_file.triggered.connect(self.export_case_files)
        self.case_file.setEnabled(False)
        self.register = QAction(_("&Register report…"), window)
        self.register.setObjectName("exportRegister")
        self.register.setStatusTip(_("A year's requests: counts, reply times, extensions, refusals (PDF and CSV)"))
        self.register.triggered.connect(self.export_register)
        window.add_action(self.case_file, "file")
        window.add_action(self.register, "tools")
        window.case_shown.connect(lambda detail: self.case_file.setEnabled(detail is not None))

    def export_case_files(self) -> None:
        w = self.w
        visible = set(w.case_list.visible_references())
        cases = [c for c in w.case_list.cases() if c.reference in visible]
        current = w.case_list.current_reference()
        dialog = CaseFileDialog(w.ws, cases, current, w.prompter, w)
        if w.prompter.run_dialog(dialog) and dialog.result_value:
            results = dialog.result_value
            where = results[0].path if len(results) == 1 else results[0].path.parent
            broken = [r.reference for r in results if not r.chain_ok]
            text = _("Saved {n} case file(s) to {where}.").format(n=len(results), where=where)
            if len(results) > 1:
                text += " " + _("The folder's index.csv lists them with each file's SHA-256.")
            if broken:
                text += " " + _("WARNING: the audit chain is broken; the case files say where.")
            w.prompter.info(w, _("Case file exported"), text)
            if current:
                w.show_changed_case(w.load_case_now(current))   # the export is now in the case's timeline

    def export_register(self) -> None:
        w = self.w
        answer = w.prompter.ask_text(w, _("Register report"), _("Year of receipt of the requests:"), str(w.ws.today().year))
        if not answer:
            return
        try:
            year = int(answer.strip())
        except ValueError:
            w.prompter.error(w, _("Register report"), _("'{answer}' is not a year.").format(answer=answer))
            return
        # Written for the authority like a case file: in a language of its own, the officer's offered first.
        names = [i18n.LANGUAGE_NAMES[code] for code in i18n.LANGUAGES]
        chosen = w.prompter.choose(w, _("Register report"), _("Language of the report:"), names,
                                   i18n.LANGUAGES.index(i18n.current()))
        if chosen is None:
            return
        language = i18n.LANGUAGES[chosen]
        pdf = w.prompter.save_file(w, _("Save the register report"), f"register-{year}.pdf", _("PDF files (*.pdf)"))
        if pdf is None:
            return
        pdf = pdf if pdf.suffix.lower() == ".pdf" else pdf.with_suffix(".pdf")
        csv_path = pdf.with_suffix(".csv")
        # A year of 10,000 requests takes seconds to count and lay out: in a worker, with a busy bar and Cancel.
        progress = QProgressDialog(_("Counting and laying out the requests of {year}…").format(year=year),
                                   _("Cancel"), 0, 0, w)
        progress.setObjectName("registerProgress")
        progress.setWindowTitle(_("Register report"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        stop = threading.Event()
        progress.canceled.connect(stop.set)
        w.pending += 1
        ws = w.ws

        def done(stats) -> None:
            w.pending -= 1
            progress.reset()
            w.prompter.info(w, _("Register report"), ngettext(
                "{n} request received in {year}: the report is in {pdf}, the figures for a spreadsheet in {csv}.",
                "{n} requests received in {year}: the report is in {pdf}, the figures for a spreadsheet in {csv}.",
                stats.total).format(n=stats.total, year=year, pdf=pdf.name, csv=csv_path.name))

        def failed(exc: BaseException) -> None:
            w.pending -= 1
            progress.reset()
            if isinstance(exc, register_report.ExportCancelled):
                w.statusBar().showMessage(_("The register report was cancelled: nothing was written."), 8000)
            elif isinstance(exc, MegaCaseError):
                w.prompter.error(w, _("Register report"), str(exc))
            else:
                sys.excepthook(type(exc), exc, exc.__traceback__)
        run_task(lambda: register_report.export_register(ws, year, pdf, csv_path, cancelled=stop.is_set,
                                                         language=language),
                 done, failed, context=w)


def install(window) -> None:
    window.export_feature = ExportFeature(window)
