"""Exporting case files and the register report from the real window."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from megacase.services.reports import case_file_check
from megacase.store.orm import AuditEvent
from megacase.ui.dialogs.export import CaseFileDialog
from tests.ui.conftest import wait_idle


@pytest.fixture
def two_cases(ws, open_access_case):
    a = open_access_case("2027-04-01 09:30")
    b = open_access_case("2027-04-01 11:00", subject=a.subject.id)
    return a.reference, b.reference


def last_event(ws):
    with ws.reading() as s:
        return s.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))


def test_preview_then_save_the_selected_case(qtbot, make_window, prompter, ws, two_cases, tmp_path):
    a, b = two_cases
    window = make_window()
    assert not window.export_feature.case_file.isEnabled()
    window.select_reference(a)
    wait_idle(qtbot, window)
    assert window.export_feature.case_file.isEnabled()
    out = tmp_path / "saved" / "file"            # no suffix given: .pdf is added
    prompter.path_answers.append(out)
    seen = {}

    def handle(dialog: CaseFileDialog) -> bool:
        assert dialog.checked() == [a]
        qtbot.waitUntil(lambda: dialog.preview_page_count() > 0, timeout=20000)
        seen["title"] = dialog.preview_title.text()
        seen["pages"] = dialog.preview_page_count()
        seen["sha"] = dialog.rendered[a].sha256
        return dialog.attempt()

    prompter.on_dialog("CaseFileDialog", handle)
    window.export_feature.case_file.trigger()
    assert f"Case file of {a}" in seen["title"] and "audit chain intact" in seen["title"]
    assert seen["pages"] >= 3 and f"{seen['pages']} page(s)" in seen["title"]
    saved = out.with_suffix(".pdf")
    assert saved.exists()
    event = last_event(ws)
    assert event.kind == "case.exported" and f'"sha256": "{seen["sha"]}"' in event.details   # the previewed file
    assert case_file_check.check_case(ws, a, saved).ok
    assert prompter.kinds("info")[-1].title == "Case file exported"
    wait_idle(qtbot, window)
    assert window.current_detail().timeline[-1].kind == "case.exported"


def test_several_cases_into_a_folder_and_a_cancelled_chooser(qtbot, make_window, prompter, ws, two_cases, tmp_path):
    a, b = two_cases
    window = make_window()
    window.select_reference(b)
    wait_idle(qtbot, window)
    folder = tmp_path / "bundle"
    prompter.path_answers.extend([None, folder])

    def handle(dialog: CaseFileDialog) -> bool:
        dialog.preview_enabled = False          # this test is about saving, not pictures
        assert dialog.ok_button.text() == "Save…"
        dialog.set_checked([a, b])
        assert dialog.ok_button.text() == "Save 2 case files…"
        assert not dialog.attempt()               # chooser cancelled: the dialog stays, nothing written
        assert dialog.result() != QDialog.DialogCode.Accepted and not folder.exists()
        return dialog.attempt()

    prompter.on_dialog("CaseFileDialog", handle)
    window.export_feature.case_file.trigger()
    assert sorted(p.name for p in folder.iterdir()) == [f"{a}.pdf", f"{b}.pdf", "index.csv"]
    rows = list(csv.reader(io.StringIO((folder / "index.csv").read_bytes().decode("utf-8-sig"))))
    assert sorted(r[0] for r in rows[1:]) == [a, b]
    assert [s.kind for s in prompter.shown if s.kind in ("choose_folder", "info")] == \
        ["choose_folder", "choose_folder", "info"]


def test_register_report_from_the_tools_menu(qtbot, make_window, prompter, ws, two_cases, tmp_path):
    window = make_window()
    prompter.text_answers.append("2027")
    prompter.path_answers.append(tmp_path / "register-2027.pdf")
    window.export_feature.register.trigger()
    wait_idle(qtbot, window)         # counted and laid out in a worker
    assert (tmp_path / "register-2027.pdf").exists() and (tmp_path / "register-2027.csv").exists()
    assert "2 requests received in 2027" in prompter.kinds("info")[-1].text
    prompter.text_answers.append("next year")
    window.export_feature.register.trigger()
    assert "is not a year" in prompter.errors[-1].text


def test_saving_several_case_files_stops_between_files_when_cancelled(ws, two_cases, tmp_path):
    from megacase.services.reports import case_file
    a, b = two_cases
    told = []

    def progress(done: int, total: int) -> bool:       # the progress bar's Cancel pressed after the first file
        told.append((done, total))
        return done < 1

    results = case_file.export_cases(ws, [a, b], tmp_path / "bundle", progress=progress)
    assert [r.reference for r in results] == [a] and told == [(0, 2), (1, 2)]
    assert sorted(p.name for p in (tmp_path / "bundle").iterdir()) == [f"{a}.pdf", "index.csv"]


def test_the_case_chooser_is_a_model_of_ticks(qtbot, ws, two_cases, prompter):
    from megacase.services.cases import queries
    from PySide6.QtCore import Qt
    a, b = two_cases
    dialog = CaseFileDialog(ws, queries.list_cases(ws), a, prompter)
    qtbot.addWidget(dialog)
    dialog.preview_enabled = False
    model = dialog.cases
    assert model.rowCount() == 2 and dialog.checked() == [a]
    row_b = model.row_of(b)
    assert model.setData(model.index(row_b), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert sorted(dialog.checked()) == sorted([a, b]) and dialog.ok_button.text() == "Save 2 case files…"
    dialog._tick_all(Qt.CheckState.Unchecked)
    assert dialog.checked() == [] and not dialog.ok_button.isEnabled()


def test_a_french_officer_saves_a_dutch_case_file_and_the_window_stays_french(qtbot, make_window, prompter, ws,
                                                                              two_cases, tmp_path):
    from megacase import i18n
    from tests.services.case_file_support import flat, pdf_pages
    a, _b = two_cases                      # Hélène Dubois writes French: French by default
    i18n.install("fr")
    try:
        window = make_window()
        window.select_reference(a)
        wait_idle(qtbot, window)
        out = tmp_path / "nl.pdf"
        prompter.path_answers.append(out)
        seen = {}

        def handle(dialog: CaseFileDialog) -> bool:
            dialog.preview_enabled = False
            assert dialog.chosen_language() is None
            assert dialog.language.currentText() == "La langue du dossier"    # the choice, in the officer's words
            dialog.set_language("nl")
            seen["choice"] = dialog.chosen_language()
            return dialog.attempt()

        prompter.on_dialog("CaseFileDialog", handle)
        window.export_feature.case_file.trigger()
        assert seen["choice"] == "nl" and i18n.current() == "fr"
        text_ = flat("\n".join(pdf_pages(out)))
        assert "1. Termijn" in text_ and "1. Délai" not in text_ and "1. Deadline" not in text_
        assert case_file_check.check_case(ws, a, out).ok
        assert '"language": "nl"' in last_event(ws).details
        assert [a_.text() for a_ in window.menuBar().actions()][0] == "&Fichier"
    finally:
        i18n.install("en")
