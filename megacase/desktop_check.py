"""Can the desktop window open here? Checked before Qt is loaded, so a missing piece is one clear line.

Qt aborts the whole process (exit 134, "Reinstalling the application may fix this
problem") when its X11 platform plugin lacks a system library, and when there is no
display at all. Both are found here first: the plugin's missing libraries come from
``ldd`` on the plugin itself, and each is mapped to the package that installs it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from megacase.i18n import _

# so-name -> (Debian/Ubuntu package, Fedora package)
LIBRARY_PACKAGES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
}

# What the README's quick start names, per platform (kept here so that `make run` and the README agree).
DEBIAN_PACKAGES = ("libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 "
                   "libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
                   "libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 fonts-dejavu-core")


def _xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")      # finds the package without loading Qt
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def missing_libraries() -> list[str]:
    """So-names the X11 platform plugin needs and cannot find (Linux only; [] elsewhere or unknown)."""
    plugin = _xcb_plugin()
    if not sys.platform.startswith("linux") or plugin is None or shutil.which("ldd") is None:
        return []
    try:
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    missing = [line.split()[0] for line in out.splitlines() if "not found" in line]
    return sorted(set(missing))


def _distribution() -> str:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return ""
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    return " ".join(fields.get(k, "").strip('"') for k in ("ID", "ID_LIKE")).lower()


def install_command(missing: list[str]) -> str:
    """The one command that installs what is missing, for this distribution."""
    fedora = any(word in _distribution().split() for word in ("fedora", "rhel", "centos"))
    packages = sorted({LIBRARY_PACKAGES.get(lib, (lib, lib))[1 if fedora else 0] for lib in missing})
    return ("sudo dnf install " if fedora else "sudo apt-get install ") + " ".join(packages)


def display_problem() -> str | None:
    """One line saying why the window cannot open here, or None when it can."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")) or not sys.platform.startswith("linux"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and not platform:
        return _("no display: the MegaCase window needs a desktop session (DISPLAY or WAYLAND_DISPLAY is not "
                 "set). Every task also has a command: see `megacase --help`.")
    display = os.environ.get("DISPLAY", "")
    if display.startswith(":") and not platform and not os.environ.get("WAYLAND_DISPLAY"):
        number = display[1:].split(".")[0]
        if number.isdigit() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return _("no display: the X server of DISPLAY={display} is not running. Every task also has a "
                     "command: see `megacase --help`.").format(display=display)
    missing = missing_libraries()
    if missing and not platform.startswith("wayland"):
        return _("the desktop libraries Qt needs are missing ({libraries}); install them with: {command}").format(
            libraries=", ".join(missing), command=install_command(missing))
    return None


def main() -> int:
    """`python -m megacase.desktop_check`: used by `make run`; prints the install command and exits 2 when needed."""
    from megacase import i18n
    i18n.install(i18n.choose())
    problem = display_problem()
    if problem:
        print(f"megacase: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
