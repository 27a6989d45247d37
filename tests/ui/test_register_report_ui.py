"""Tools > Register report… in the window: counted and laid out in a worker, the officer told where it is."""

from __future__ import annotations

from pypdf import PdfReader

from tests.ui.conftest import wait_idle


def test_the_register_report_is_made_in_a_worker_and_announced(qtbot, monkeypatch, window, prompter,
                                                              open_access_case, tmp_path):
    import megacase.ui.features.export as feature
    ref = open_access_case("2027-03-01 10:00").reference
    prompter.text_answers.append("2027")
    prompter.path_answers.append(tmp_path / "register-2027")
    in_worker = []
    real = feature.run_task
    monkeypatch.setattr(feature, "run_task", lambda fn, *a, **k: (in_worker.append(fn), real(fn, *a, **k)))
    next(a for a in window.actions() if a.objectName() == "exportRegister").trigger()
    wait_idle(qtbot, window)
    assert len(in_worker) == 1
    info = prompter.kinds("info")[-1]
    assert "register-2027.pdf" in info.text and "register-2027.csv" in info.text
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "register-2027.pdf").pages)
    assert ref in text and "Register report 2027" in text
