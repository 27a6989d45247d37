"""Correcting a subject from the window: name and address; the known address on a verified rectification."""

from datetime import datetime

from megacase.services.cases import cases, queries
from megacase.services.letters import outbox
from megacase.services.cases.subjects import NewSubject
from tests.mail_sink import configure_mail, smtp_sink
from tests.ui.conftest import wait_idle

HELENE = NewSubject("Hélène Dubois", "helene.dubois@skynet.be", "fr", "Rue de l'Église 12, 5000 Namur", "C-104233")


def _show(qtbot, window, ref):
    window.refresh()
    wait_idle(qtbot, window)
    assert window.select_reference(ref)
    qtbot.waitUntil(lambda: window.current_detail() is not None and window.current_detail().reference == ref)


def test_the_officer_corrects_the_subject_and_replaces_the_known_address(qtbot, window, prompter, ws, clock):
    clock.set("2027-04-01 10:00")
    ref = cases.open_case(ws, cases.NewCase(("rectification",), "email", datetime(2027, 4, 1, 9, 0),
                                            new_subject=HELENE)).reference
    _show(qtbot, window, ref)
    feature = window.subject_corrections_feature
    assert feature.details.isEnabled() and feature.email.isEnabled()
    prompter.text_answers[:] = ["Hélène Dubois-Martin", "Rue Neuve 3, 1000 Bruxelles"]
    feature.details.trigger()
    assert not prompter.errors
    assert queries.get_case(ws, ref).subject.name == "Hélène Dubois-Martin"
    prompter.text_answers[:] = ["helene.new@proximus.be"]
    feature.email.trigger()
    assert "Verify the subject's identity" in prompter.errors[-1].text      # refused, and said why
    cases.start_work(ws, ref)
    cases.ask_subject(ws, ref, "additional_info", "The number of your last order")
    cases.record_answer(ws, ref, "Order 2026-118", "verified")
    _show(qtbot, window, ref)
    with smtp_sink() as sink:
        configure_mail(ws, sink)
        prompter.text_answers[:] = ["helene.new@proximus.be"]
        feature.email.trigger()
        assert queries.get_case(ws, ref).subject.email == "helene.new@proximus.be"
        [notice] = outbox.list_outbox(ws, reference=ref)
        assert notice.recipient == "helene.dubois@skynet.be"
