"""Screenshots of the erasure, restriction, processor register and retention parts of the window.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/privacy_screenshots.py [--lang=fr|nl|en] docs/screenshots [shot-name ...]

Uses the demo register and helpers of ``tools/screenshots.py``; a few steps are added through the
real services (a restriction, an objection to direct marketing, an erasure case's processor steps).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import NOW, ROOT, Demo, build_demo, render  # noqa: E402

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def _prepare(demo: Demo) -> dict:
    from megacase.services.cases import cases, queries
    from megacase.services.privacy import processor_steps, processors, restriction
    ws = demo.ws
    rows = queries.list_cases(ws)
    processors.update_processor(ws, "MailChimp", location="USA (Intuit Mailchimp): EU-US Data Privacy Framework",
                                retention="Until the subscriber unsubscribes",
                                notice_channel="E-mail to privacy@mailchimp.example")
    processors.update_processor(ws, "Silvasoft", location="Netherlands (EU)",
                                retention="Invoices: 10 years (Belgian VAT Code)",
                                notice_channel="E-mail to privacy@silvasoft.example")
    out = {}
    erasure_case = next(c for c in rows if any(t.value == "erasure" for t in c.request_types)
                        and c.state.value in ("in_progress", "received"))
    ref = erasure_case.reference
    if erasure_case.state.value == "received":
        cases.start_work(ws, ref)
    for name in ("Lightspeed", "MailChimp", "Office 365", "PayPal"):
        processor_steps.record_done(ws, ref, name)
    processor_steps.record_kept(ws, ref, "Silvasoft", processor_steps.INVOICE_GROUND)
    from megacase.services.demo import demo_letters
    from megacase.services.letters.letters import LetterOptions
    for name in ("Lightspeed", "MailChimp", "Silvasoft"):   # a notice is recorded by its letter leaving
        demo_letters.send(ws, ref, "art19-notice", LetterOptions(processor=name))
    processor_steps.record_no_notice(ws, ref, "Google Analytics", processor_steps.NOTICE_EXEMPTIONS[0])
    out["erasure"] = ref
    restricted = next(c for c in rows if any(t.value == "restriction" for t in c.request_types) and c.is_open)
    if restricted.state.value == "received":
        cases.start_work(ws, restricted.reference)
    restriction.start(ws, restricted.reference, "accuracy")
    out["restricted"] = restricted.reference
    return out


def main(argv: list[str]) -> int:
    language = "en"
    if argv[:1] and argv[0].startswith("--lang="):       # the interface language: --lang=fr|nl|en
        language, argv = argv[0].split("=", 1)[1], argv[1:]
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    wanted = set(argv[1:])
    out.mkdir(parents=True, exist_ok=True)
    QCoreApplication.setOrganizationName("MegaSecurity-screenshots")
    app = QApplication.instance() or QApplication(["megacase-screenshots"])
    from megacase.ui.app import install_language
    install_language(app, language)
    from megacase.ui.style import apply_style
    apply_style(app)

    def shoot(target, name: str) -> None:
        if not wanted or name in wanted:
            render(target, out / f"{name}.png")

    with tempfile.TemporaryDirectory(prefix="megacase-shots-", ignore_cleanup_errors=True) as tmp:
        demo = Demo(app, build_demo(Path(tmp)), Path(tmp))
        refs = _prepare(demo)

        w = demo.window()
        w.case_list.set_quick("all")
        demo.select(w, refs["restricted"])
        shoot(w, "processing-flags")

        w = demo.window(size=(1600, 1000))
        w.splitter.setSizes([700, 900])
        w.case_list.set_quick("all")
        demo.select(w, refs["erasure"])
        w.detail.overview.ensureWidgetVisible(w.privacy_feature.block)
        demo.settle(w)
        shoot(w.detail, "processing-block")

        w = demo.window(size=(1400, 860))
        w.show_view("processors")
        w.privacy_feature.register.table.selectRow(1)
        demo.settle(w)
        shoot(w, "processor-register")

        from megacase.ui.dialogs.erasure import ErasureDialog
        w = demo.window()
        dialog = ErasureDialog(demo.ws, refs["erasure"], w.prompter, w)
        dialog.select_processor("Carriers")
        dialog.invoices.setText("F-2025-1187, F-2026-0042")
        dialog.show()                   # at the size it opens with: what a laptop shows
        demo.settle()
        shoot(dialog, "erasure-dialog")

        from megacase.services.privacy import retention
        from megacase.services.workspace import Workspace
        from megacase.ui.dialogs.retention import RetentionDialog
        later = Workspace(demo.ws.engine, demo.ws.actor, clock=lambda: NOW + timedelta(days=800))  # two years on
        retention.set_years(later, 2)
        dialog = RetentionDialog(later, w.prompter, w)
        dialog.resize(1000, 560)
        dialog.show()
        demo.settle()
        shoot(dialog, "retention-dialog")
        demo.close()
    for name in ("processing-flags", "processing-block", "processor-register", "erasure-dialog", "retention-dialog"):
        if not wanted or name in wanted:
            print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
