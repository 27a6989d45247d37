"""`megacase --self-test`: does this installation work, end to end, here?

Run after installing (from the bundle too): a throw-away register in a temporary folder,
the OS keyring when it answers (else the recovery passphrase alone, as on a machine
without one), a case, a letter through the real outbox, its case file as PDF read
back, the audit trail verified, and the main window opened offscreen. Prints one line
per check; exit 0 when all passed, 1 when one failed. Nothing is kept.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from megacase.i18n import N_, _, format_date, ngettext

SELF_TEST_KEYRING_SERVICE = "MegaCase self-test"
# The checks in the order they run; their names are shown translated, in the interface language.
CHECK_NAMES = {"register": N_("register"), "recovery": N_("recovery"), "case": N_("case"), "letter": N_("letter"),
               "case file": N_("case file"), "audit": N_("audit"), "window": N_("window")}


def _line(marker: str, name: str, detail: str = "") -> str:
    """One line of the report: the marker ("ok", "FAIL", "skip" in the officer's language), then the check."""
    width = max(len(_(m)) for m in (N_("ok"), N_("FAIL"))) + 1
    return f"{_(marker):<{width}} {name}" + (_(": {detail}").format(detail=detail) if detail else "")


def _check(name: str, step: Callable[[], str], results: list[bool]) -> object:
    try:
        detail = step()
    except Exception as exc:          # a self-test reports every failure as a line, then goes on
        results.append(False)
        print(_line(N_("FAIL"), name, f"{type(exc).__name__}: {exc}"))
        if os.environ.get("MEGACASE_SELF_TEST_TRACE"):
            traceback.print_exc()
        return None
    results.append(True)
    print(_line(N_("ok"), name, detail))
    return detail


def run_self_test() -> int:
    from megacase.services.cases import cases
    from megacase.services.demo import demo_letters
    from megacase.services.integrity import audit
    from megacase.services.reports import case_file
    from megacase.services.cases.cases import NewCase
    from megacase import app
    from megacase.services.cases.subjects import NewSubject
    from megacase.services.workspace import TZ, Actor
    from megacase.store.keys import KeyStore

    os.environ.pop(app.PASSPHRASE_ENV, None)     # the throw-away register's passphrase, never the officer's
    results: list[bool] = []
    state: dict = {}
    with tempfile.TemporaryDirectory(prefix="megacase-self-test-") as tmp:
        folder = Path(tmp) / "register"
        passphrase = secrets.token_urlsafe(18)
        keystore = KeyStore(SELF_TEST_KEYRING_SERVICE)
        officer = Actor("self-test", "officer")

        def create():
            state["ws"] = app.create(folder, passphrase, keystore, officer)
            if keystore.get(_key_id(folder)):
                return _("encrypted register created (the OS keyring)")
            return _("encrypted register created (no keyring here: passphrase only)")

        def reopen_with_passphrase():
            state["ws"].engine.dispose()
            keystore.delete(_key_id(folder)) if hasattr(keystore, "delete") else None
            state["ws"] = app.unlock(folder, keystore, officer, lambda try_passphrase: try_passphrase(passphrase))
            return _("opened again with the recovery passphrase")

        def open_a_case():
            now = datetime.now(TZ).replace(microsecond=0) - timedelta(minutes=5)
            detail = cases.open_case(state["ws"], NewCase(("access",), "email", now, new_subject=NewSubject(
                "Self Test", "self-test@example.invalid", "fr")))
            state["ref"] = detail.reference
            return _("{reference}, due {date}").format(reference=detail.reference,
                                                       date=format_date(detail.deadline.due, "short"))

        def send_a_letter():
            demo_letters.prepare(state["ws"])
            demo_letters.send(state["ws"], state["ref"], "acknowledgement")
            return _("acknowledgement through the outbox to a mail drop that delivers nowhere")

        def case_file_pdf():
            from io import BytesIO

            from pypdf import PdfReader
            rendered = case_file.render_case_file(state["ws"], state["ref"])
            text = "".join(page.extract_text() or "" for page in PdfReader(BytesIO(rendered.pdf)).pages)
            if state["ref"] not in text:
                raise AssertionError(_("the case reference is not in the PDF's text"))
            return _("{size} KiB, reference found in its text").format(size=len(rendered.pdf) // 1024)

        def verify():
            report = audit.verify(state["ws"])
            if not report.ok:
                raise AssertionError(_("chain broken at event {seq}: {problem}").format(
                    seq=report.broken_seq, problem=report.problem))
            return ngettext("{count} event intact", "{count} events intact", report.count).format(count=report.count)

        def window():
            return _open_window_offscreen(state["ws"], state["ref"])

        for name, step in (("register", create), ("recovery", reopen_with_passphrase), ("case", open_a_case),
                           ("letter", send_a_letter), ("case file", case_file_pdf), ("audit", verify),
                           ("window", window)):
            if "ws" not in state and name != "register":
                print(_line(N_("skip"), _(CHECK_NAMES[name]), _("no register")))
                results.append(False)
                continue
            _check(_(CHECK_NAMES[name]), step, results)
        if "ws" in state:
            state["ws"].engine.dispose()
        try:
            keystore.delete(_key_id(folder))
        except Exception:
            pass
    passed = sum(results)
    print(ngettext("self-test: {passed} of {count} check passed", "self-test: {passed} of {count} checks passed",
                   len(results)).format(passed=passed, count=len(results)))
    return 0 if passed == len(results) else 1


def _key_id(folder: Path) -> str:
    from megacase.store import profile
    return profile.key_id(folder) if hasattr(profile, "key_id") else str(folder)


def _open_window_offscreen(ws, reference: str) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from megacase.ui.main_window import MainWindow
    from megacase.ui.prompter import ScriptedPrompter
    from megacase.ui.settings import UiSettings

    app = QApplication.instance() or QApplication(["megacase-self-test"])
    with tempfile.TemporaryDirectory(prefix="megacase-self-test-ui-") as tmp:
        window = MainWindow(ws, UiSettings.in_folder(Path(tmp)), ScriptedPrompter())
        window.show()
        deadline = datetime.now() + timedelta(seconds=30)
        while window.pending and datetime.now() < deadline:
            app.processEvents()
        rows = window.case_list.proxy.rowCount()
        window.close()
        app.processEvents()
    if rows < 1:
        raise AssertionError(_("the case list is empty"))
    return ngettext("main window shown ({platform}), {count} case listed",
                    "main window shown ({platform}), {count} cases listed", rows).format(
                        platform=app.platformName(), count=rows)


if __name__ == "__main__":
    sys.exit(run_self_test())
