"""One helper for background work: run a callable on a thread pool, deliver the result on the GUI thread.

The callable must not touch widgets. The engine uses a NullPool, so a worker
thread opens its own database connection and closes it when done.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from typing import Any, Callable

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from megacase.i18n import _

log = logging.getLogger(__name__)
_alive: set[_Relay] = set()   # relays waiting for their worker; dropped once delivered
_quiet = 0                    # reads in flight that asked for no full garbage collection


def _quiet_gc(on: bool) -> None:
    """No automatic garbage collection while a large read runs in a worker; then what is alive is set
    aside (gc.freeze) so that the next collections do not walk it again.

    A full collection walks every object of the process (0.3 s at 10,000 cases, 0.6 s at 100,000)
    holding the interpreter, in whichever thread it starts: the window froze whenever one ran during a
    read. Objects no longer used are still freed at once (reference counting)."""
    global _quiet
    if on:
        _quiet += 1
        gc.disable()
        return
    _quiet = max(0, _quiet - 1)
    if _quiet == 0:
        gc.freeze()
        gc.enable()


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from the worker is queued to it."""

    finished = Signal(bool, object)

    def __init__(self, on_done: Callable[[Any], None], on_error: Callable[[BaseException], None],
                 quiet_gc: bool = False):
        super().__init__()
        self._on_done, self._on_error = on_done, on_error
        self._quiet = quiet_gc
        if quiet_gc:
            _quiet_gc(True)
        self.finished.connect(self._deliver)

    def release(self) -> None:
        if self._quiet:
            self._quiet = False
            _quiet_gc(False)

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        _alive.discard(self)
        self.release()
        self.deleteLater()
        try:
            if ok:
                self._on_done(value)
            else:
                self._on_error(value)
        except RuntimeError as exc:
            # The widget the result was for was closed and deleted meanwhile: nobody waits for it.
            if "already deleted" not in str(exc):
                raise
            log.debug("a background result arrived for a deleted widget; dropped")


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._fn, self._relay = fn, relay

    def run(self) -> None:
        try:
            value, ok = self._fn(), True
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
            value, ok = exc, False
        try:
            self._relay.finished.emit(ok, value)
        except RuntimeError:
            pass   # the relay's context (e.g. a closed window) is gone: nobody waits for the result


def _report(exc: BaseException) -> None:
    sys.excepthook(type(exc), exc, exc.__traceback__)


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None] | None = None, pool: QThreadPool | None = None,
             context: QObject | None = None, quiet_gc: bool = False) -> None:
    """Run ``fn()`` off the GUI thread; then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread.

    Without ``on_error`` an exception goes to the central exception hook. With ``context`` (e.g. the
    window asking), nothing is delivered once that object is destroyed. With ``quiet_gc`` (a read of
    many rows), no full garbage collection runs until it is delivered. Call from the GUI thread.
    """
    relay = _Relay(on_done, on_error or _report, quiet_gc)
    if context is not None:
        relay.setParent(context)
        # a relay destroyed with its context before delivery still lets the collector run again
        relay.destroyed.connect(lambda *_: (_alive.discard(relay), relay.release()))
    _alive.add(relay)
    (pool or QThreadPool.globalInstance()).start(_Task(fn, relay))


class _Progress(QObject):
    """Lives on the GUI thread; the worker's progress reports are queued to it."""

    moved = Signal(int, int)


def run_with_progress(parent: QWidget, title: str, label: str, fn: Callable[[Callable[[int, int], bool]], Any],
                      minimum_ms: int = 400) -> Any:
    """Run ``fn(report)`` in a worker behind a progress bar with Cancel, and return its result (or raise).

    For work over a second that the caller waits for (a dialog's Save): the window keeps repainting
    and answering meanwhile (a local event loop runs until the worker is done). ``report(done, total)``
    moves the bar from the worker and returns False once the officer has pressed Cancel: ``fn``
    then stops at its next step. The bar shows only when the work lasts more than ``minimum_ms``.
    """
    dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
    dialog.setObjectName("workProgress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(minimum_ms)
    stop = threading.Event()
    dialog.canceled.connect(stop.set)
    bridge = _Progress()
    bridge.moved.connect(lambda done, total: (dialog.setMaximum(total), dialog.setValue(done)))

    def report(done: int, total: int) -> bool:
        bridge.moved.emit(done, total)
        return not stop.is_set()

    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    run_task(lambda: fn(report), lambda value: (outcome.setdefault("value", value), loop.quit()),
             lambda exc: (outcome.setdefault("error", exc), loop.quit()))
    loop.exec()          # the result is queued to this thread, so it cannot arrive before exec() runs
    dialog.reset()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
