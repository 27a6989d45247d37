"""The erasure dialog in French: what blocks the erasure, the fixed grounds and reasons in the officer's words;
what the checklist records is the English (letters and case files say it in the subject's language)."""

from __future__ import annotations

from megacase import i18n
from megacase.services.letter_texts import register_text
from megacase.services.privacy import erasure, processor_steps
from megacase.services.privacy.processor_steps import INVOICE_GROUND, NOTICE_EXEMPTIONS
from tests.services.erasure_flow import granted_erasure
from tests.ui.test_privacy_ui import _show, sink  # noqa: F401  (fixture)

FR = i18n.for_language("fr")


def test_a_french_officer_picks_a_translated_reason_and_the_english_is_recorded(qtbot, make_window, ws, clock,
                                                                                open_access_case, prompter, sink):
    ref = granted_erasure(ws, open_access_case, clock)
    processor_steps.reopen_step(ws, ref, "Carriers", "notify")
    i18n.install("fr")
    try:
        window = make_window()
        _show(qtbot, window, ref)
        seen = {}

        def work(dialog):
            seen["blockers"] = dialog.blockers.text()
            seen["grounds"] = [dialog.ground.itemText(i) for i in range(dialog.ground.count())]
            reasons = [dialog.reason.itemText(i) for i in range(dialog.reason.count())]
            seen["reasons"] = reasons
            assert dialog.select_processor("Carriers")
            dialog.reason.setCurrentIndex(1)
            assert dialog._record("no_notice")
            seen["after"] = dialog.blockers.text()
            return False

        prompter.on_dialog("ErasureDialog", work)
        window.privacy_feature.erasure.trigger()
    finally:
        i18n.install("en")
    missing = FR._("Record the Art. 19 notice (sent, with its date, or not needed, with the reason) for: "
                   "{processors}.").format(processors="Carriers")
    assert missing in seen["blockers"] and missing not in seen["after"]
    assert seen["grounds"][0] == register_text(INVOICE_GROUND, "fr") != INVOICE_GROUND
    assert seen["reasons"] == [FR._(r) for r in NOTICE_EXEMPTIONS] and seen["reasons"] != list(NOTICE_EXEMPTIONS)
    (carriers,) = [s for s in processor_steps.processor_steps(ws, ref) if s.processor == "Carriers"]
    assert carriers.notify.ground == NOTICE_EXEMPTIONS[1]                # recorded in English
    assert erasure.readiness(ws, ref).ready
