"""The Mail dialog (test message to myself, Office 365 fields) and the Inbox view fed by a real Dovecot."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from megacase.services import mail
from megacase.services.intake import inbox
from tests.dovecot_server import PASSWORD, USER, Dovecot, dovecot_binary
from tests.ui.conftest import wait_idle

SENDER = "privacy@megasecurity.eu"


def test_mail_dialog_sends_a_test_message_to_myself(qtbot, window, prompter, smtp):
    seen = {}

    def handle(dialog):
        assert not dialog.form.isRowVisible(dialog.tenant)         # password SMTP: no Office 365 fields
        dialog.transport.setCurrentIndex(dialog.transport.findData("smtp-oauth"))
        assert dialog.form.isRowVisible(dialog.tenant) and not dialog.form.isRowVisible(dialog.password)
        dialog.transport.setCurrentIndex(dialog.transport.findData("smtp-password"))
        dialog.test_button.click()
        qtbot.waitUntil(lambda: dialog.test_button.isEnabled() and dialog.test_result.text() != "Sending…",
                        timeout=15000)
        seen["result"] = dialog.test_result.text()
        return dialog.attempt()

    prompter.on_dialog("MailSettingsDialog", handle)
    window.findChild(type(window.letters_feature.mail), "mailSettings").trigger()
    assert seen["result"].startswith("Sent: 250")
    assert smtp.messages[0].rcpt_tos == [SENDER]


def test_mail_dialog_refuses_office365_without_tenant(qtbot, window, prompter):
    def handle(dialog):
        dialog.transport.setCurrentIndex(dialog.transport.findData("graph"))
        dialog.sender.setText(SENDER)
        assert not dialog.attempt()
        assert "tenant" in dialog.error_text()
        return False

    prompter.on_dialog("MailSettingsDialog", handle)
    window.letters_feature.mail_settings()
    assert mail.load_settings(window.ws).transport == "smtp-password"


@pytest.fixture
def dovecot(tmp_path):
    if dovecot_binary() is None:
        pytest.skip("Dovecot is not installed here (apt-get install dovecot-imapd; .ci/run installs it)")
    server = Dovecot(tmp_path / "dovecot").start()
    yield server
    server.stop()


def test_inbox_fetched_on_start_open_a_case_and_dismiss(qtbot, ws, clock, dovecot, make_window, prompter):
    clock.set("2026-11-03 10:00")
    box = mail.configure_mailbox(ws, "imap", host="127.0.0.1", port=dovecot.port, security="none", user=USER)
    mail.store_mailbox_password(box, PASSWORD)
    when = datetime(2026, 11, 2, 8, 15, tzinfo=timezone.utc)
    for sender, subject, body in (("Emily Carter <emily.carter@protonmail.com>", "Delete my account",
                                   "Please erase all my data."),
                                  ("news@shop.example", "Weekly offers", "<p>Our offers</p>")):
        dovecot.append((f"From: {sender}\r\nTo: {USER}\r\nSubject: {subject}\r\nMessage-ID: <{subject[:6]}@x>\r\n"
                        f"Date: Mon, 02 Nov 2026 09:00:00 +0100\r\n\r\n{body}\r\n").encode(), when)
    window = make_window()
    feature = window.mailbox_feature
    qtbot.waitUntil(lambda: feature.view.model.rowCount() == 2, timeout=20000)
    window.show_view("inbox")
    rows = {feature.view.model.entry_at(r).subject_line: r for r in range(2)}
    feature.view.table.selectRow(rows["Delete my account"])
    assert "Please erase all my data." in feature.view.text.toPlainText()

    def open_case(dialog):
        assert dialog.boxes["erasure"].isChecked()
        dialog.name.setText("Emily Carter")
        return dialog.attempt()

    prompter.on_dialog("OpenFromInboxDialog", open_case)
    feature.view.open_button.click()
    wait_idle(qtbot, window)
    detail = window.current_detail()
    assert detail is not None and detail.summary.received_at == when
    window.show_view("inbox")
    qtbot.waitUntil(lambda: feature.view.model.rowCount() == 1, timeout=10000)
    feature.view.table.selectRow(0)
    prompter.text_answers.append("A newsletter")
    feature.view.dismiss_button.click()
    qtbot.waitUntil(lambda: feature.view.model.rowCount() == 0, timeout=10000)
    assert inbox.count_new(ws) == 0


def test_an_outlook_msg_file_imports_like_an_eml(qtbot, window, prompter, ws, tmp_path, open_access_case, clock):
    from tests.msg_writer import outlook_message
    open_access_case("2027-03-01 09:00")           # Hélène is a known subject
    clock.set("2027-04-01 10:00")
    path = tmp_path / "demande.msg"
    path.write_bytes(outlook_message(sender="helene.dubois@skynet.be", sender_name="Hélène Dubois",
                                     subject="Suppression", body="Merci d'effacer mon compte.",
                                     delivered=datetime(2027, 3, 31, 7, 30, tzinfo=timezone.utc)))
    prompter.on_dialog("EmlImportDialog", lambda dialog: dialog.attempt())
    detail = window.letters_feature.import_file(path)
    assert not prompter.errors, prompter.errors
    assert detail is not None and detail.identified_by_known_address
    assert [t.value for t in detail.summary.request_types] == ["erasure"]


def test_mail_dialog_signs_in_with_a_code_and_sends_by_graph(qtbot, window, prompter, ws, tmp_path, monkeypatch):
    from tests.microsoft_server import LoopbackMicrosoft
    microsoft = LoopbackMicrosoft(user=SENDER).start()
    monkeypatch.setenv("SSL_CERT_FILE", microsoft.cafile(tmp_path))      # trusted like a system CA
    ms = microsoft.ms
    mail.configure(ws, "smtp.office365.com", 587, "starttls", user=SENDER, sender=SENDER,
                   authority_host=microsoft.base, graph_url=microsoft.base + "/v1.0")
    seen = {}

    def handle(dialog):
        dialog.transport.setCurrentIndex(dialog.transport.findData("graph"))
        dialog.tenant.setText(ms.tenant)
        dialog.client_id.setText(ms.client_id)
        dialog.sign_in_button.click()
        seen["code"] = dialog.code.text()
        qtbot.waitUntil(lambda: dialog.signed_in.text() == f"Signed in as {SENDER}", timeout=15000)
        dialog.test_button.click()
        qtbot.waitUntil(lambda: dialog.test_button.isEnabled() and dialog.test_result.text() != "Sending…",
                        timeout=15000)
        seen["result"] = dialog.test_result.text()
        return dialog.attempt()

    prompter.on_dialog("MailSettingsDialog", handle)
    try:
        window.letters_feature.mail_settings()
    finally:
        microsoft.stop()
    assert "ABCD-EFGH" in seen["code"]
    assert seen["result"].startswith("Sent: 202 Accepted by Microsoft Graph")
    assert mail.load_settings(ws).transport == "graph" and len(ms.sent) == 1


def test_privacy_mailbox_dialog_saves_and_keeps_the_password_in_the_keyring(qtbot, window, prompter, ws,
                                                                           memory_keyring):
    def handle(dialog):
        dialog.kind.setCurrentIndex(dialog.kind.findData("imap"))
        assert dialog.form.isRowVisible(dialog.password)
        dialog.user.setText(SENDER)
        dialog.password.setText("mailbox secret")
        dialog.since.setText("2026-11-01")
        return dialog.attempt()

    prompter.on_dialog("MailboxSettingsDialog", handle)
    window.mailbox_feature.mailbox_settings()
    box = mail.load_mailbox(ws)
    assert (box.kind, box.host, box.port, box.since) == ("imap", "outlook.office365.com", 993, "2026-11-01")
    assert mail.mailbox_password_for(box) == "mailbox secret"
    assert window.mailbox_feature.timer.isActive()
    from sqlalchemy import select

    from megacase.store.orm import Setting
    with ws.reading() as s:
        assert "mailbox secret" not in " ".join(v for v in s.execute(select(Setting.value)).scalars())
