"""The window's figures, measured in a process of their own (so its peak memory is the window's).

``python bench/window.py DIR`` opens the generated register in ``DIR`` in the real main window,
offscreen, and prints one JSON object: the seconds each step took and the longest gap between
two beats of a 10 ms timer during it (the longest time the event loop could not run).
``python bench/window.py --bare`` measures a bare PySide6 window with an empty table instead.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView  # noqa: E402


class Heartbeat(QObject):
    """A 10 ms timer; ``longest`` is the widest gap between two of its beats since ``reset``."""

    def __init__(self, interval_ms: int = 10):
        super().__init__()
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.longest = 0
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)
        self.timer.start()

    def _beat(self) -> None:
        now = self.clock.elapsed()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = self.clock.elapsed()
        self.longest = 0

    def gap_ms(self) -> int:
        """The longest gap, counting the one still open now."""
        return max(self.longest, self.clock.elapsed() - self.last)


def wait_until(app: QApplication, done, timeout: float = 600.0) -> float:
    """Run the event loop until ``done()``; the seconds it took."""
    start = time.perf_counter()
    while not done():
        app.processEvents()
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the window did not finish in time")
        time.sleep(0.0005)
    return time.perf_counter() - start


def measure(app, beat: Heartbeat, act, done, settle: bool = True, freeze_after_act: bool = False) -> dict:
    """Seconds from ``act`` until ``done()``, and the longest freeze meanwhile. With ``freeze_after_act``
    (the start) freezes count from the end of ``act``, once the window is shown: building it, before
    anything is on screen, is the start time but not a freeze of a window the officer sees."""
    beat.reset()
    start = time.perf_counter()
    act()
    if freeze_after_act:
        beat.reset()
    wait_until(app, done)
    app.processEvents()          # what the step posted (layout, repaint) is part of it
    seconds = time.perf_counter() - start
    if settle:    # what the step queued on the event loop (repaints, counts) belongs to it too
        until = time.perf_counter() + 0.05
        wait_until(app, lambda: time.perf_counter() > until)
    return {"seconds": seconds, "freeze_ms": beat.gap_ms()}


def bare(app) -> dict:
    beat = Heartbeat()
    shown = {}

    def act():
        w = QMainWindow()
        w.setCentralWidget(QTableView())
        w.resize(1440, 860)
        w.show()
        shown["w"] = w
    return {"start": measure(app, beat, act, lambda: shown["w"].isVisible()),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def window(app, folder: Path) -> dict:
    import keyring

    from megacase.services.session import open_profile
    from megacase.services.workspace import Actor
    from megacase.store.keys import KeyStore
    from megacase.store.memory_keyring import MemoryKeyring
    from megacase.ui.features.review import start_view
    from megacase.ui.main_window import MainWindow
    from megacase.ui.prompter import ScriptedPrompter
    from megacase.ui.settings import UiSettings
    from bench.generate import PASSPHRASE

    keyring.set_keyring(MemoryKeyring())
    ws = open_profile(folder, KeyStore(), PASSPHRASE, Actor("sophie", "officer"))
    total = case_count(ws)
    beat = Heartbeat()
    out: dict = {}
    holder = {}

    def start():
        w = MainWindow(ws, UiSettings.in_folder(folder / "ui-settings"), ScriptedPrompter())
        w.show()
        start_view(w)
        holder["w"] = w
    out["start"] = measure(app, beat, start, lambda: "w" in holder and holder["w"].pending == 0
                           and holder["w"].case_list.loaded_count() == total and not busy(holder["w"]),
                           freeze_after_act=True)
    w = holder["w"]
    w.show_view("cases")
    wait_until(app, lambda: not busy(w))
    cl = w.case_list
    keys = []
    for text in ("d", "du", "dub", "dubo", "dubois"):
        keys.append(measure(app, beat, lambda t=text: cl.search.setText(t), lambda: True))
    out["keystroke"] = max(keys, key=lambda m: m["seconds"])
    out["keystroke"]["rows"] = cl.shown_count()
    out["clear_search"] = measure(app, beat, lambda: cl.search.setText(""), lambda: True)
    filters = [measure(app, beat, lambda k=k: cl.set_quick(k), lambda: True) for k in ("all", "overdue", "open")]
    out["quick_filter"] = max(filters, key=lambda m: m["seconds"])
    refs = [cl.reference_at(r) for r in (0, 5, 50)]
    picks = []
    for ref in refs:
        picks.append(measure(app, beat, lambda r=ref: cl.select_reference(r),
                             lambda r=ref: w.pending == 0 and w.current_detail() is not None
                             and w.current_detail().reference == r))
    out["select"] = max(picks, key=lambda m: m["seconds"])
    out["select"]["reference"] = refs[0]
    w.review_feature.dashboard.mark_dirty()     # not shown: it reloads when shown
    out["dashboard"] = measure(app, beat, lambda: w.show_view("dashboard"), lambda: not busy(w))
    out["refresh"] = measure(app, beat, w.refresh, lambda: w.pending == 0 and not busy(w))
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["cases"] = total
    return out


def case_count(ws) -> int:
    from sqlalchemy import text
    with ws.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM cases")).scalar_one()


def busy(w) -> bool:
    """Whether a background read of the window (dashboard, reminders) is still running."""
    feature = getattr(w, "review_feature", None)
    return feature is not None and (feature.dashboard.loading or feature.center.loading
                                    or getattr(feature.review, "loading", False))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    result = bare(app) if args.bare else window(app, args.folder)
    print(json.dumps(result), flush=True)
    os._exit(0)     # skip PySide6's teardown at exit: nothing left to save, and it can crash on the way out


if __name__ == "__main__":
    sys.exit(main())
