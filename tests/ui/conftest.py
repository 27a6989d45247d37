"""The real main window on the real encrypted register (the ``ws`` fixture), with a scripted prompter."""

from __future__ import annotations

import pytest


@pytest.fixture
def prompter():
    from megacase.ui.prompter import ScriptedPrompter
    return ScriptedPrompter()


@pytest.fixture
def ui_settings(tmp_path):
    from megacase.ui.settings import UiSettings
    return UiSettings.in_folder(tmp_path / "ui-settings")


def wait_idle(qtbot, window) -> None:
    """Until the window's background loads have landed."""
    qtbot.waitUntil(lambda: window.pending == 0, timeout=10000)


@pytest.fixture
def make_window(qtbot, ws, ui_settings, prompter):
    def make(workspace=None, settings=None):
        from megacase.ui.main_window import MainWindow
        w = MainWindow(workspace or ws, settings or ui_settings, prompter)
        qtbot.addWidget(w)
        w.show()
        wait_idle(qtbot, w)
        return w
    return make


@pytest.fixture
def window(make_window):
    return make_window()
