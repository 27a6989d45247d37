"""At start, the register is verified in the background: chain, anchors and current state.

A clean register shows one line in the status bar; a problem opens a message naming
every finding (the same lines as ``megacase audit verify``). The check starts once the case
list has been read and the window's first loads (dashboard, reminders) have landed: on a large
register it takes a while (each event's signature is checked), and what the officer sees first
comes first.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer

from megacase.i18n import _
from megacase.services.integrity import audit
from megacase.ui.workers import run_task

log = logging.getLogger(__name__)

MAX_SHOWN = 12
IDLE_POLL_MS = 200


class IntegrityCheck:
    def __init__(self, window):
        self.w = window
        self.report = None          # the IntegrityReport once the check has run
        self.started = False
        self.waiting = QTimer(window)
        self.waiting.setInterval(IDLE_POLL_MS)
        self.waiting.timeout.connect(self._start_when_idle)
        window.cases_loaded.connect(lambda _rows: self.waiting.start() if not self.started else None)

    def _start_when_idle(self) -> None:
        if self.w.pending == 0:
            self.waiting.stop()
            self.start()

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        ws = self.w.ws
        run_task(lambda: audit.verify(ws), self._done, self._failed, context=self.w, quiet_gc=True)

    def _done(self, report) -> None:
        self.report = report
        if report.ok:
            # short: a long status message must never widen the window
            self.w.statusBar().showMessage(_("Register verified: {n} events, intact.").format(n=report.count), 10000)
            return
        shown = report.findings[:MAX_SHOWN]
        more = len(report.findings) - len(shown)
        text = (_("The register does not match its audit trail:") + "\n\n" + "\n".join(f"• {f}" for f in shown)
                + ("\n" + _("… and {n} more (megacase audit verify lists them all).").format(n=more) if more else ""))
        self.w.prompter.error(self.w, _("Register integrity"), text)

    def _failed(self, exc: BaseException) -> None:
        log.warning("the integrity check at start could not run: %s", type(exc).__name__)


def install(window) -> None:
    window.integrity_check = IntegrityCheck(window)
