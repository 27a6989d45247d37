"""The three transports against real loopback servers: SMTP with a password, SMTP with an Office 365 token
(XOAUTH2, MSAL against a loopback Entra ID), and Microsoft Graph sendMail with the stored MIME."""

from __future__ import annotations

import socket
from datetime import datetime

import pytest

from megacase.services import mail
from megacase.services.cases import cases
from megacase.services.letters import letters, outbox
from megacase.services.mail.oauth import GRAPH_SEND, KEYRING_SERVICE, SMTP_SEND
from megacase.services.cases.subjects import NewSubject
from tests.microsoft_server import LoopbackMicrosoft
from tests.smtp_server import LoopbackSmtp, free_port

EMILY = NewSubject("Emily Carter", "emily.carter@protonmail.com", "en", None, "C-102468")
SENDER = "privacy@megasecurity.eu"


@pytest.fixture
def case_ref(ws, clock):
    clock.set("2027-04-01 10:00")
    return cases.open_case(ws, cases.NewCase(("access",), "email", datetime(2027, 4, 1, 9, 0),
                                             new_subject=EMILY)).reference


@pytest.fixture
def microsoft():
    server = LoopbackMicrosoft(user=SENDER).start()
    yield server
    server.stop()


def use_office365(ws, microsoft, transport: str, smtp_port: int = 25) -> None:
    ms = microsoft.ms
    mail.configure(ws, "127.0.0.1", smtp_port, "none", user=SENDER, sender=SENDER, transport=transport,
                   tenant=ms.tenant, client_id=ms.client_id, authority_host=microsoft.base,
                   graph_url=microsoft.base + "/v1.0")


def sign_in(ws, microsoft, scopes) -> str:
    signin = mail.sign_in_for(mail.load_settings(ws), ssl_context=microsoft.client_ssl)
    flow = signin.begin_device_code(scopes)
    assert "ABCD-EFGH" in flow["message"]
    return signin.finish_device_code(flow)


def factory(microsoft):
    return lambda ws: mail.transport_from_settings(ws, timeout=10, ssl_context=microsoft.client_ssl)


def test_password_transport_is_unchanged_and_exchange_refusing_basic_auth_is_one_clear_line(ws, case_ref):
    server = LoopbackSmtp(refuse_logins_with="535 5.7.139 Authentication unsuccessful, basic authentication "
                                             "is disabled. [AM0PR02CA0001.eurprd02.prod.outlook.com]").start()
    try:
        mail.configure(ws, "127.0.0.1", server.port, "none", user=SENDER, sender=SENDER)
        mail.store_password(mail.load_settings(ws), "secret password")
        result = letters.send_letter(ws, case_ref, "acknowledgement")
        assert result.status == "queued"                 # the letter waits in the outbox
        assert "Basic authentication is disabled" in result.error and "5.7.139" in result.error
        assert "--transport smtp-oauth" in result.error and "\n" not in result.error
        assert server.messages == []
    finally:
        server.stop()
    assert "secret password" not in str(audit_dump(ws))


def test_smtp_oauth_delivers_once_with_the_recorded_message_id_and_refreshes_an_expired_token(
        ws, case_ref, microsoft, memory_keyring):
    microsoft.ms.token_lifetime = 60        # under MSAL's five minutes: every use needs a fresh token
    server = LoopbackSmtp(token_check=lambda user, token: microsoft.ms.valid(user, token, "SMTP.Send")).start()
    try:
        use_office365(ws, microsoft, "smtp-oauth", server.port)
        assert sign_in(ws, microsoft, SMTP_SEND) == SENDER
        first_token = next(iter(microsoft.ms.access_tokens))
        microsoft.ms.access_tokens[first_token] = (SENDER, SMTP_SEND[0], 0)   # expired on the server side too
        result = letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft))
        assert result.sent, result.error
        assert microsoft.ms.grants == ["device_code", "refresh_token"]     # refreshed without the officer
        assert server.handler.token_logins == [SENDER]
        (delivered,) = server.messages
        assert delivered.message["Message-ID"] == result.message_id
        assert delivered.data.replace(b"\r\n", b"\n") == outbox.stored_message(ws, result.letter_id) \
            .replace(b"\r\n", b"\n")
        # Sending the same letter again sends nothing.
        assert outbox.deliver(ws, result.letter_id, factory(microsoft)).status == "sent"
        assert len(server.messages) == 1
    finally:
        server.stop()
    # The token cache lives in the keyring only, never in the register.
    stored = [v for (service, _), v in memory_keyring.store.items() if service == KEYRING_SERVICE]
    assert stored and any("refresh_token" in v.lower() or "RefreshToken" in v for v in stored)
    dump = audit_dump(ws)
    assert all(t not in dump for t in list(microsoft.ms.access_tokens) + list(microsoft.ms.refresh_tokens))


def test_revoked_sign_in_says_sign_in_again_and_the_letter_waits(ws, case_ref, microsoft):
    microsoft.ms.token_lifetime = 60
    server = LoopbackSmtp(token_check=lambda user, token: microsoft.ms.valid(user, token, "SMTP.Send")).start()
    try:
        use_office365(ws, microsoft, "smtp-oauth", server.port)
        sign_in(ws, microsoft, SMTP_SEND)
        microsoft.ms.refuse_refresh = True
        result = letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft))
        assert result.status == "queued" and result.error.startswith("Sign in to Office 365 again")
        assert "invalid_grant" in result.error and server.messages == []
        microsoft.ms.refuse_refresh = False
        sign_in(ws, microsoft, SMTP_SEND)          # the officer signs in again; the waiting letter goes
        (sent,) = outbox.retry(ws, factory(microsoft))
        assert sent.sent and server.messages[0].message["Message-ID"] == result.message_id
    finally:
        server.stop()


def test_nobody_signed_in_the_letter_waits(ws, case_ref, microsoft):
    use_office365(ws, microsoft, "smtp-oauth", free_port())
    result = letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft))
    assert result.status == "queued" and "nobody has signed in yet" in result.error


def test_xoauth2_token_refused_by_the_server_is_an_authentication_line(ws, case_ref, microsoft):
    server = LoopbackSmtp(token_check=lambda user, token: False).start()
    try:
        use_office365(ws, microsoft, "smtp-oauth", server.port)
        sign_in(ws, microsoft, SMTP_SEND)
        result = letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft))
        assert result.status == "queued" and "refused the Office 365 token" in result.error
    finally:
        server.stop()


def test_graph_sends_the_stored_mime_once(ws, case_ref, microsoft, caplog):
    import logging
    caplog.set_level(logging.DEBUG)                 # even at DEBUG no token reaches a log
    use_office365(ws, microsoft, "graph")
    sign_in(ws, microsoft, GRAPH_SEND)
    result = letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft))
    assert result.sent and result.server_reply.startswith("202 Accepted by Microsoft Graph")
    ((path, mime),) = microsoft.ms.sent
    assert path == "/v1.0/me/sendMail"
    assert mime == outbox.stored_message(ws, result.letter_id)         # the very bytes recorded
    assert f"Message-ID: {result.message_id}".encode() in mime
    assert outbox.retry(ws, factory(microsoft)) == [] and len(microsoft.ms.sent) == 1
    secrets = list(microsoft.ms.access_tokens) + list(microsoft.ms.refresh_tokens)
    assert caplog.records and not [t for t in secrets if t in caplog.text]


def test_graph_token_expired_is_refreshed_and_refusal_waits(ws, case_ref, microsoft):
    microsoft.ms.token_lifetime = 60
    use_office365(ws, microsoft, "graph")
    sign_in(ws, microsoft, GRAPH_SEND)
    assert letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft)).sent
    assert microsoft.ms.grants == ["device_code", "refresh_token"]
    microsoft.ms.refuse_refresh = True
    result = letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft))
    assert result.status == "queued" and "Sign in to Office 365 again" in result.error
    assert len(microsoft.ms.sent) == 1


def test_send_as_another_mailbox_uses_users_path(ws, case_ref, microsoft):
    use_office365(ws, microsoft, "graph")
    mail.configure(ws, "127.0.0.1", 25, "none", user=SENDER, sender="info@megasecurity.eu")
    sign_in(ws, microsoft, GRAPH_SEND)
    assert letters.send_letter(ws, case_ref, "acknowledgement", transport_factory=factory(microsoft)).sent
    assert microsoft.ms.sent[0][0] == "/v1.0/users/info@megasecurity.eu/sendMail"


def test_diagnosis_of_dns_tls_relay_and_size(ws):
    from megacase.services.mail.errors import classify_reply, network_failure
    dns = network_failure(socket.gaierror(-2, "Name or service not known"), "smtp.example.invalid", 587)
    assert dns.kind == "dns" and "does not resolve (DNS)" in str(dns)
    port = free_port()
    with socket.socket() as plain:               # a server that speaks no TLS: the handshake fails
        plain.bind(("127.0.0.1", port))
        plain.listen(1)
        mail.configure(ws, "127.0.0.1", port, "tls", sender=SENDER)
        result = mail.send_test_message(ws, lambda w: mail.transport_from_settings(w, timeout=2))
    assert not result.ok and result.kind in ("tls", "connect")
    assert classify_reply(550, "5.7.60 SMTP; Client does not have permissions to send as this sender") == "relay"
    assert classify_reply(554, "5.7.1 Relay access denied") == "relay"
    assert classify_reply(552, "5.3.4 Message size exceeds fixed maximum message size") == "size"
    assert classify_reply(550, "5.7.30 Basic authentication is not supported for Client Submission") \
        == "basic-auth-disabled"


def test_relay_refused_and_size_at_the_server(ws, case_ref):
    server = LoopbackSmtp().start()
    server.handler.refuse.add(EMILY.email)
    try:
        mail.configure(ws, "127.0.0.1", server.port, "none", sender=SENDER)
        server.handler.refuse_reply = "554 5.7.1 <x@y>: Relay access denied"
        result = letters.send_letter(ws, case_ref, "acknowledgement")
        assert result.status == "queued" and "refuses to relay" in result.error and "@" not in result.error
    finally:
        server.stop()


def test_a_letter_too_large_for_the_server_is_refused_for_good_in_one_line(ws, case_ref):
    server = LoopbackSmtp(size_limit=1000).start()
    try:
        mail.configure(ws, "127.0.0.1", server.port, "none", sender=SENDER)
        result = letters.send_letter(ws, case_ref, "acknowledgement")
        assert result.status == "failed" and result.error.startswith("The letter is too large for the mail server")
        assert server.messages == []
    finally:
        server.stop()


@pytest.mark.parametrize("reply, status", [("554 5.6.0 Message content rejected by the content filter", "failed"),
                                           ("451 4.3.0 Temporary content scanning failure", "queued")])
def test_a_letter_refused_after_its_text_is_not_recorded_as_sent(ws, case_ref, reply, status):
    """smtplib checks the answer to DATA, not the one after the message: a refusal there was taken for sent."""
    server = LoopbackSmtp()
    server.handler.data_reply = reply
    server.start()
    try:
        mail.configure(ws, "127.0.0.1", server.port, "none", sender=SENDER)
        result = letters.send_letter(ws, case_ref, "acknowledgement")
    finally:
        server.stop()
    assert not result.sent and result.status == status and reply[:3] in result.error
    assert result.error.startswith("The mail server refused the message: ")
    events = audit_dump(ws)
    assert "letter.send_failed" in events and "letter.sent " not in events


def test_test_message_to_myself_is_audited_without_secrets(ws, smtp):
    result = mail.send_test_message(ws)
    assert result.ok and result.kind == "sent"
    (msg,) = smtp.messages
    assert msg.rcpt_tos == [SENDER] and msg.message["Subject"] == "MegaCase: test message"
    assert "mail.tested" in audit_dump(ws)


def audit_dump(ws) -> str:
    from sqlalchemy import select

    from megacase.store.orm import AuditEvent, Setting
    with ws.reading() as s:
        rows = [f"{e.kind} {e.details}" for e in s.execute(select(AuditEvent)).scalars()]
        rows += [f"{r.key}={r.value}" for r in s.execute(select(Setting)).scalars()]
    return "\n".join(rows)


def test_keyring_cache_survives_a_restart(ws, microsoft, memory_keyring):
    use_office365(ws, microsoft, "graph")
    sign_in(ws, microsoft, GRAPH_SEND)
    again = mail.sign_in_for(mail.load_settings(ws), ssl_context=microsoft.client_ssl)
    assert again.signed_in_as() == SENDER
    user, token = again.token(GRAPH_SEND, SENDER)
    assert user == SENDER and microsoft.ms.valid(SENDER, token, "Mail.Send")
