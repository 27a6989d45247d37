"""The register report from the window: its language is asked, the officer's offered first."""

from __future__ import annotations

from pypdf import PdfReader

from megacase import i18n
from tests.services.case_file_support import flat
from tests.ui.conftest import wait_idle
from tests.ui.test_export import two_cases  # noqa: F401  (fixture)


def test_a_french_officer_exports_a_dutch_register_report(qtbot, make_window, prompter, ws, two_cases, tmp_path):
    i18n.install("fr")
    try:
        window = make_window()
        prompter.text_answers.append("2027")
        prompter.choice_answers.append(i18n.LANGUAGES.index("nl"))
        prompter.path_answers.append(tmp_path / "register-2027.pdf")
        window.export_feature.register.trigger()
        wait_idle(qtbot, window)
        (asked,) = prompter.kinds("choose")
        fr = i18n.for_language("fr")
        assert (asked.title, asked.text) == (fr._("Register report"), fr._("Language of the report:"))
        assert asked.details.split("\n") == ["Français", "Nederlands", "English"]   # French offered first
        reader = PdfReader(str(tmp_path / "register-2027.pdf"))
        text = flat("\n".join(p.extract_text() for p in reader.pages))
        nl = i18n.for_language("nl")
        assert reader.metadata.title == nl._("Register of data subject requests {year}").format(year=2027)
        assert nl._("1. Requests by right") in text and i18n.current() == "fr"   # the window stays French
        # Cancelling the language question writes nothing.
        prompter.text_answers.append("2028")
        prompter.choice_answers.append(None)
        window.export_feature.register.trigger()
        assert not (tmp_path / "register-2028.pdf").exists() and prompter.kinds("save_file")[-1].text.endswith(
            "2027.pdf")
    finally:
        i18n.install("en")
