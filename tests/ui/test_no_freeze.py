"""The window never freezes on a large register: 10,000 generated cases (about 200,000 signed audit events).

A 10 ms QTimer beats while the window starts, filters, searches, selects a case, shows the dashboard
and refreshes; the widest gap between two beats is the longest time the event loop could not run
(a repaint, a click, a keystroke would have waited that long). Each step must keep it under 100 ms,
the issue's target. No step's own duration is timed: only the gaps.

Flakiness: a gap can also come from the machine (another process on the two cores, the scheduler),
not from the window. A freeze the window causes happens every time a step runs, so a step over the
limit is run once more and fails only when the second run is over it too. And on a machine busier
than its cores (load average above the number of cores, e.g. several test runs at once) each thread
gets a share of a core only, so every gap stretches by about load / cores: the limit is scaled by
that factor there, never below 100 ms. On a quiet machine (CI) the limit is 100 ms. A real freeze,
such as a whole-register ORM load or a full garbage collection on the GUI thread (0.3 s and more at
this size), fails either way.

The register is generated once per test session in bulk (``bench/generate.py``, about 25 s).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from tests.ui.conftest import wait_idle

CASES = 10_000
TARGET_MS = 100
NOW = datetime(2027, 4, 1, 8, 0, tzinfo=timezone.utc)


def limit_ms() -> int:
    """100 ms, stretched by load / cores on a machine busier than its cores (see the module's text)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return TARGET_MS
    return int(TARGET_MS * max(1.0, load / (os.cpu_count() or 1)))


class Heartbeat:
    def __init__(self):
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.widest = 0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._beat)
        self.timer.start()

    def _beat(self) -> None:
        now = self.clock.elapsed()
        self.widest = max(self.widest, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last, self.widest = self.clock.elapsed(), 0

    def widest_gap(self) -> int:
        return max(self.widest, self.clock.elapsed() - self.last)


@pytest.fixture(scope="session")
def large_register(tmp_path_factory):
    """A register of 10,000 generated cases, made once per session; each test opens it with its passphrase."""
    from bench.generate import create
    folder = tmp_path_factory.mktemp("large") / "register"
    ws = create(folder, CASES, clock=lambda: NOW, scrypt_n=2**12)
    ws.engine.dispose()
    return folder


@pytest.fixture
def large_ws(large_register):
    from bench.generate import PASSPHRASE
    from megacase.services.session import open_profile
    from megacase.services.workspace import Actor
    from megacase.store.keys import KeyStore
    ws = open_profile(large_register, KeyStore(), PASSPHRASE, Actor("sophie", "officer"), clock=lambda: NOW)
    yield ws
    ws.engine.dispose()


def test_the_generated_register_passes_the_audit_check(large_ws):
    from megacase.services.integrity import audit
    report = audit.verify(large_ws)
    assert report.ok, report.problem
    assert report.count > 15 * CASES and report.state_checked > CASES


def test_the_window_never_freezes_on_ten_thousand_cases(qtbot, large_ws, ui_settings, prompter):
    from megacase.ui.features.review import start_view
    from megacase.ui.main_window import MainWindow

    beat = Heartbeat()
    gaps: dict[str, int] = {}
    windows = []

    def step(name: str, act, done=lambda: True, *, after_act: bool = False, again=lambda: None) -> None:
        for attempt in range(2):
            if attempt:
                again()             # back to where the step starts from
            beat.reset()
            act()
            if after_act:           # building the window happens before anything is shown
                beat.reset()
            qtbot.waitUntil(done, timeout=120_000)
            qtbot.wait(30)          # what the step queued (layout, repaint) belongs to it
            gaps[name] = beat.widest_gap()
            if gaps[name] < limit_ms():
                return

    def start() -> None:
        w = MainWindow(large_ws, ui_settings, prompter)    # closed and deleted by this test itself (see below)
        w.show()
        start_view(w)
        windows.append(w)

    def started() -> bool:
        w = windows[-1]
        return w.pending == 0 and w.case_list.loaded_count() == CASES and w.review_feature.dashboard.board is not None

    def close_window() -> None:          # a second start begins without the first window and its loads
        w = windows.pop()
        qtbot.waitUntil(lambda: w.pending == 0, timeout=120_000)
        w.close()
        w.deleteLater()     # its timers and loads must not run into the next start's measure
        qtbot.wait(50)

    # The windows are not given to qtbot: a retried start deletes its first window, which qtbot would then try
    # to close at teardown (and fail, with the next test's setup after it).
    try:
        step("start (dashboard shown)", start, started, after_act=True, again=close_window)
        w = windows[-1]
        cl = w.case_list
        w.show_view("cases")
        wait_idle(qtbot, w)
        step("quick filter All", lambda: cl.set_quick("all"))
        step("quick filter Overdue", lambda: cl.set_quick("overdue"))
        step("quick filter Open", lambda: cl.set_quick("open"))
        step("search keystroke", lambda: cl.search.setText("d"))
        step("search keystrokes", lambda: cl.search.setText("dub"))
        step("search cleared", lambda: cl.search.setText(""))
        for row in (0, 7):
            ref = cl.reference_at(row)
            step(f"selecting row {row}", lambda r=ref: cl.select_reference(r),
                 lambda r=ref: w.pending == 0 and w.current_detail() is not None and w.current_detail().reference == r)

        def show_dashboard() -> None:
            w.show_view("cases")
            w.review_feature.dashboard.mark_dirty()
            w.show_view("dashboard")
        step("dashboard", show_dashboard, lambda: w.pending == 0)
        step("refresh (F5)", w.refresh_action.trigger, lambda: w.pending == 0)

        assert w.case_list.loaded_count() == CASES
        assert w.review_feature.dashboard.board.count("open").count > 0
        limit = limit_ms()
        frozen = {name: gap for name, gap in gaps.items() if gap >= limit}
        assert not frozen, f"the event loop was blocked {frozen} ms (twice in a row, limit {limit} ms); all: {gaps}"
    finally:
        for w in windows:
            w.close()
            w.deleteLater()
        qtbot.wait(50)
