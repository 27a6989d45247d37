"""The letters in the real window: compose with the fixed recipient, send through loopback SMTP, the outbox,
.eml import by menu and by drag and drop, the template editor."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from megacase.services.cases import cases
from megacase.services.letters import outbox, templates
from megacase.services.cases.subjects import NewSubject
from megacase.ui.dialogs.compose import ComposeDialog
from tests.smtp_server import LoopbackSmtp, point_at
from tests.ui.conftest import wait_idle

HELENE = NewSubject("Hélène Dubois", "helene.dubois@skynet.be", "fr", "Rue de l'Église 12, 5000 Namur", "C-104233")


@pytest.fixture
def case_ref(ws, clock):
    clock.set("2027-04-01 10:00")
    return cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2027, 4, 1, 9, 0),
                                             new_subject=HELENE)).reference


def shown_case(qtbot, window, ref):
    window.refresh()
    wait_idle(qtbot, window)
    assert window.select_reference(ref)
    qtbot.waitUntil(lambda: window.current_detail() is not None and window.current_detail().reference == ref)


def test_compose_shows_the_known_address_and_sends_there(qtbot, window, prompter, smtp, case_ref, ws):
    shown_case(qtbot, window, case_ref)
    feature = window.letters_feature
    assert feature.compose.isEnabled()
    seen = {}

    def fill(dialog: ComposeDialog) -> bool:
        seen["recipient"] = dialog.recipient.text()
        seen["read_only"] = dialog.recipient.isReadOnly()
        seen["override_enabled"] = dialog.override.isEnabled()
        dialog.template.setCurrentIndex(dialog.template.findData("acknowledgement"))
        assert dialog.subject_line.text().startswith("Accusé de réception")
        assert "Madame, Monsieur" in dialog.body.toPlainText()
        dialog.body.setPlainText(dialog.body.toPlainText().replace("Veuillez agréer", "Nous vous prions d'agréer"))
        return dialog.attempt()

    prompter.on_dialog("ComposeDialog", fill)
    window.findChild(type(feature.compose), "writeLetter").trigger()
    assert seen == {"recipient": "Hélène Dubois <helene.dubois@skynet.be>", "read_only": True,
                    "override_enabled": False}
    qtbot.waitUntil(lambda: feature.deliveries_running == 0 and len(smtp.messages) == 1, timeout=10000)
    wait_idle(qtbot, window)
    assert smtp.messages[0].rcpt_tos == ["helene.dubois@skynet.be"]
    assert "Nous vous prions d'agréer" in smtp.messages[0].message.get_body().get_content()
    qtbot.waitUntil(lambda: any(l.status == "sent" for l in window.current_detail().letters))
    assert any(e.kind == "letter.sent" for e in window.current_detail().timeline)
    assert prompter.errors == []


def test_gaps_block_sending_and_a_down_server_leaves_the_letter_in_the_outbox(qtbot, window, prompter, case_ref, ws):
    server = LoopbackSmtp()
    point_at(ws, server)                  # configured, not running
    shown_case(qtbot, window, case_ref)
    outcome = {}

    def fill(dialog: ComposeDialog) -> bool:
        dialog.template.setCurrentIndex(dialog.template.findData("identity-request"))
        assert not dialog.gaps.isHidden() and "[[À COMPLÉTER" in dialog.gaps.text()
        outcome["first"] = dialog.attempt()
        outcome["error"] = dialog.error_text()
        dialog.requested.setText("le numéro de votre dernière commande")
        dialog.render()
        assert dialog.gaps.isHidden()
        return dialog.attempt()

    prompter.on_dialog("ComposeDialog", fill)
    window.letters_feature.write_letter()
    assert outcome["first"] is False and "gap" in outcome["error"]
    feature = window.letters_feature
    qtbot.waitUntil(lambda: feature.deliveries_running == 0 and bool(prompter.errors), timeout=10000)
    assert "saved in the outbox" in prompter.errors[-1].text
    window.show_view("outbox")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: feature.view.model.rowCount() == 1 and feature.view.model.entry_at(0).status == "queued")
    assert feature.view.send_now.isEnabled()
    assert feature.view_action.text() == "&Outbox (1)"
    server.start()
    try:
        feature.view.send_now.click()
        qtbot.waitUntil(lambda: feature.deliveries_running == 0 and len(server.messages) == 1, timeout=10000)
        qtbot.waitUntil(lambda: feature.view.model.rowCount() == 0)
        assert feature.view_action.text() == "&Outbox"
    finally:
        server.stop()


def test_an_uncertain_letter_is_resolved_from_the_outbox(qtbot, window, prompter, case_ref, ws, smtp):
    from megacase.services.letters import letters
    from megacase.services.mail import DeliveryError

    class Breaks:
        def send(self, *a):
            raise DeliveryError("The connection broke while the message was being handed over.", uncertain=True)

    letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=lambda w: Breaks())
    feature = window.letters_feature
    window.show_view("outbox")
    feature.refresh_outbox()
    wait_idle(qtbot, window)
    feature.view.table.selectRow(0)
    assert feature.view.not_arrived.isEnabled()
    prompter.text_answers.append("Not in the Sent Items.")
    feature.view.not_arrived.click()
    assert outbox.list_outbox(ws)[0].status == "queued"
    wait_idle(qtbot, window)


def eml_bytes(sender="Hélène Dubois <helene.dubois@skynet.be>") -> bytes:
    return ("Received: from mx.skynet.be by mail.megasecurity.eu; Thu, 01 Apr 2027 09:40:12 +0200\r\n"
            f"From: {sender}\r\nTo: info@megasecurity.eu\r\nDate: Thu, 01 Apr 2027 09:40:00 +0200\r\n"
            "Subject: =?utf-8?q?Suppression_de_mes_donn=C3=A9es?=\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "\r\nBonjour, merci d'effacer mon compte client.\r\n").encode("utf-8")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_import_eml_from_the_menu_and_by_drag_and_drop(qtbot, window, prompter, ws, tmp_path, clock, case_ref):
    path = tmp_path / "demande.eml"
    path.write_bytes(eml_bytes())
    types = {}

    def accept(dialog) -> bool:
        types["guessed"] = dialog.request_types()
        return dialog.attempt()

    prompter.on_dialog("EmlImportDialog", accept)
    prompter.path_answers.append(path)
    window.letters_feature.import_eml.trigger()
    assert not prompter.errors, prompter.errors
    assert types["guessed"] == ["erasure"]
    wait_idle(qtbot, window)
    detail = window.current_detail()
    assert detail.summary.request_types[0].value == "erasure" and detail.identified_by_known_address
    assert detail.summary.received_at.strftime("%H:%M") == "09:40"
    # Dropping the same file again: refused with a clear message, nothing new.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert "already imported" in prompter.errors[-1].text
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"\x00\x00not mail")
    window.letters_feature.import_file(bad)
    assert "cannot be imported" in prompter.errors[-1].text


def test_template_editor_saves_versions_and_resets(qtbot, window, prompter, ws):
    from megacase.ui.dialogs.template_editor import TemplateEditorDialog
    dialog = TemplateEditorDialog(ws, prompter, window)
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findData("acknowledgement"))
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    source = dialog.source.toPlainText()
    settled = lambda: qtbot.waitUntil(lambda: dialog.pending == 0, timeout=20000)   # noqa: E731
    settled()
    dialog.source.setPlainText(source.replace("{{ case.reference }}", "{{ case.referense }}", 1))
    dialog.save()
    settled()
    assert "referense" in dialog.message.text() and templates.history(ws, "acknowledgement", "en") == []
    dialog.source.setPlainText(source.replace("Yours sincerely,", "Kind regards,"))
    dialog.save()
    settled()
    assert dialog.state.text() == "edited, version 1" and dialog.versions.count() == 1
    assert "Kind regards," in dialog.preview.toPlainText()
    dialog.reset()
    settled()
    assert dialog.state.text() == "as shipped" and dialog.versions.count() == 2


def test_a_template_that_loops_for_long_is_refused_without_freezing_the_editor(qtbot, window, prompter, ws):
    from megacase.ui.dialogs.template_editor import TemplateEditorDialog
    dialog = TemplateEditorDialog(ws, prompter, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=20000)
    dialog.source.setPlainText("Subject: x {{ case.reference }}\n\n{% for i in range(1000) %}{% for j in range(1000) %}"
                               "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}")
    dialog.save()
    assert dialog.pending == 1 and not dialog.save_button.isEnabled()   # rendering elsewhere; the window lives
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=30000)
    assert "takes too long" in dialog.message.text()
    assert templates.history(ws, dialog.current()[0], dialog.current()[1]) == []


def test_another_address_or_post_only_after_a_verified_identity(qtbot, window, prompter, case_ref, ws, smtp):
    cases.start_work(ws, case_ref)
    cases.ask_subject(ws, case_ref, "additional_info", "Le numéro de votre dernière commande")
    cases.record_answer(ws, case_ref, "Order number matches.", "verified")
    shown_case(qtbot, window, case_ref)

    def post(dialog: ComposeDialog) -> bool:
        assert dialog.override.isEnabled()
        dialog.override.setChecked(True)
        dialog.by_post.setChecked(True)
        dialog.other_address.setText("Rue Haute 190, 1000 Bruxelles")
        dialog.other_reason.setText("The subject asked for the reply on paper.")
        assert dialog.ok_button.text() == "Record as posted"
        return dialog.attempt()

    prompter.on_dialog("ComposeDialog", post)
    window.letters_feature.write_letter("acknowledgement")
    wait_idle(qtbot, window)
    assert prompter.kinds("info")[-1].title == "Letter recorded as posted"
    (letter,) = window.current_detail().letters
    assert letter.recipient == "Rue Haute 190, 1000 Bruxelles" and smtp.messages == []
