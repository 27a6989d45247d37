"""The domain's labels (request types, states, outcomes, channels, legal grounds) reach the window in the
officer's language: the case list, the case's detail and the dialogs' choices."""

from __future__ import annotations

from datetime import date

import pytest

from megacase import i18n
from megacase.services.cases import cases, queries
from megacase.ui.dialogs.case_actions import DecideDialog
from megacase.ui.models.cases import COL_DUE, COL_STATE, COL_TYPES
from tests.ui.conftest import wait_idle
from tests.ui.test_intake import make_dialog

EXPECTED = {
    "fr": {"types": "Accès, Effacement", "state": "En traitement", "channel": "Courrier postal",
           "ground": "Identité non établie (art. 12(2) avec l'art. 11(2))", "outcome": "Refusé",
           "due": "03/05/2027"},
    "nl": {"types": "Inzage, Wissing", "state": "In behandeling", "channel": "Post",
           "ground": "Identiteit niet vastgesteld (art. 12(2) met art. 11(2))", "outcome": "Geweigerd",
           "due": "3/05/2027"},
}


@pytest.fixture
def language(request):
    i18n.install(request.param)
    yield request.param
    i18n.install("en")


@pytest.mark.parametrize("language", ["fr", "nl"], indirect=True)
def test_case_list_detail_and_dialogs_show_the_labels_translated(qtbot, make_window, ws, open_access_case,
                                                                   language):
    ref = open_access_case("2027-04-01 09:30", types=("access", "erasure")).reference
    cases.start_work(ws, ref)
    want = EXPECTED[language]
    w = make_window()
    model = w.case_list.model
    row = model.row_of(ref)
    assert model.index(row, COL_TYPES).data() == want["types"]
    assert model.index(row, COL_STATE).data() == want["state"]
    assert model.index(row, COL_DUE).data() == want["due"]            # a four-digit year in every language
    assert w.select_reference(ref)
    wait_idle(qtbot, w)
    assert w.detail.state.text() == want["state"]
    assert want["types"] in w.detail.headline.text()
    combo = w.case_list.type_filter
    assert [combo.itemText(i) for i in range(combo.count())][1].startswith(want["types"].split(",")[0])

    intake = make_dialog(qtbot, ws)
    channels = [intake.channel.itemText(i) for i in range(intake.channel.count())]
    assert want["channel"] in channels and "Web form" not in channels
    assert not any(box.text().startswith(("Access", "Erasure")) for box in intake.type_boxes.values())

    decide = DecideDialog(queries.get_case(ws, ref), lambda *a, **k: None)
    qtbot.addWidget(decide)
    outcomes = [b.text() for b in decide.outcomes.buttons()]
    assert any(t.startswith(want["outcome"]) for t in outcomes) and not any(t.startswith("Refused") for t in outcomes)
    decide.set_outcome("refused")
    grounds = [decide.ground.itemText(i) for i in range(decide.ground.count())]
    assert want["ground"] in grounds


def test_short_dates_have_four_digit_years_in_every_language():
    day = date(2027, 3, 5)
    try:
        assert {lang: (i18n.install(lang), i18n.format_date(day, "short"))[1] for lang in i18n.LANGUAGES} == {
            "fr": "05/03/2027", "nl": "5/03/2027", "en": "05/03/2027"}
        i18n.install("fr")
        assert i18n.format_date(day) == "5 mars 2027"                   # the long form is Babel's own
    finally:
        i18n.install("en")


@pytest.mark.parametrize("language", ["fr", "nl"], indirect=True)
def test_the_timeline_the_processor_steps_and_the_letters_speak_the_officers_language(
        qtbot, make_window, ws, open_access_case, smtp, language):
    from megacase.services.letters import letters
    from megacase.services.reports.audit_text import EVENTS
    t = i18n.for_language(language)
    ref = open_access_case("2027-04-01 09:30", types=("erasure",)).reference
    cases.start_work(ws, ref)
    assert letters.send_letter(ws, ref, "acknowledgement").sent
    w = make_window()
    assert w.select_reference(ref)
    wait_idle(qtbot, w)

    def column(model, col: int) -> list[str]:
        return [model.index(r, col).data() for r in range(model.rowCount())]

    events = column(w.detail.timeline.model, 2)
    assert any(e.startswith(t._(EVENTS["case.opened"])) for e in events)
    assert any(e.startswith(t._(EVENTS["letter.sent"])) for e in events)
    assert not any(e.startswith(("Case opened", "Letter sent", "Work started")) for e in events)
    steps = set(column(w.detail.checklist.model, 1))
    assert steps == {t._("Act on"), t._("Notify (Art. 19)")} and not steps & {"Act on", "Notify (Art. 19)"}
    (status,) = column(w.detail.letters.model, 3)
    assert status.startswith(t._("Sent") + " ") and not status.startswith("sent")
