"""Before Qt is loaded: no display, or missing system libraries, is one clear line and exit 2, never Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

from megacase import desktop_check


def test_without_a_display_megacase_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["MEGACASE_DATA_DIR"] = str(tmp_path / "profile")
    done = subprocess.run([sys.executable, "-m", "megacase"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "megacase --help" in lines[0]
    assert not (tmp_path / "profile").exists()          # nothing created on the way


def test_a_display_whose_server_is_not_running_is_named(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":987")
    assert "DISPLAY=:987 is not running" in desktop_check.display_problem()


def test_offscreen_needs_no_display(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert desktop_check.display_problem() is None


def test_missing_libraries_become_one_install_command(monkeypatch):
    monkeypatch.setattr(desktop_check, "_distribution", lambda: "debian")
    assert desktop_check.install_command(["libxcb-cursor.so.0", "libxcb-icccm.so.4"]) == \
        "sudo apt-get install libxcb-cursor0 libxcb-icccm4"
    monkeypatch.setattr(desktop_check, "_distribution", lambda: "fedora")
    assert desktop_check.install_command(["libxcb-cursor.so.0"]) == "sudo dnf install xcb-util-cursor"


def test_the_plugin_libraries_are_read_from_the_real_plugin():
    plugin = desktop_check._xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
    missing = desktop_check.missing_libraries()
    assert all(lib in desktop_check.LIBRARY_PACKAGES for lib in missing)   # every gap maps to a package
