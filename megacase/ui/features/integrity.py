"""At start, the register is verified in the background: chain, anchors and current state.

A clean register shows one line in the status bar; a problem opens a message naming
every finding (the same lines as ``megacase audit verify``). The check starts once the case
list has been read: on a large register it takes a while, and the officer's list comes first.
"""

from __future__ import annotations

import logging

from megacase.i18n import _
from megacase.services.integrity import audit
from megacase.ui.workers import run_task

log = logging.getLogger(__name__)

MAX_SHOWN = 12


class IntegrityCheck:
    def __init__(self, window):
        self.w = window
        self.report = None          # the IntegrityReport once the check has run
        self.started = False
        window.cases_loaded.connect(self.start)

    def start(self, _rows=None) -> None:
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
