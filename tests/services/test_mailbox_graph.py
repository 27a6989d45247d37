"""The privacy mailbox read through Microsoft Graph (messages delta, MIME of each message) on loopback HTTPS."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from megacase.services import mail
from megacase.services.intake import fetch, inbox
from megacase.services.mail.oauth import GRAPH_READ
from tests.microsoft_server import GraphMessage, LoopbackMicrosoft

USER = "privacy@megasecurity.eu"


@pytest.fixture
def microsoft():
    server = LoopbackMicrosoft(user=USER).start()
    yield server
    server.stop()


def raw(sender: str, subject: str) -> bytes:
    return (f"From: {sender}\r\nTo: {USER}\r\nSubject: {subject}\r\nMessage-ID: <{subject.replace(' ', '')}@x>\r\n"
            "Date: Mon, 02 Nov 2026 09:00:00 +0100\r\n\r\nIk wil graag inzage in mijn gegevens.\r\n").encode()


def test_graph_mailbox_delta_fetches_each_message_once_at_the_server_time(ws, clock, microsoft):
    clock.set("2026-11-03 10:00")
    ms = microsoft.ms
    mail.configure(ws, "smtp.office365.com", 587, "starttls", user=USER, sender=USER, transport="graph",
                   tenant=ms.tenant, client_id=ms.client_id, authority_host=microsoft.base,
                   graph_url=microsoft.base + "/v1.0")
    mail.configure_mailbox(ws, "graph", user=USER, folder="INBOX")
    signin = mail.sign_in_for(mail.load_settings(ws), ssl_context=microsoft.client_ssl)
    signin.finish_device_code(signin.begin_device_code(GRAPH_READ))
    ms.mailbox.append(GraphMessage("AAMk1", raw("jan.peeters@telenet.be", "Inzage"), "2026-11-02T08:15:00Z"))
    first = fetch.fetch(ws, ssl_context=microsoft.client_ssl)
    assert first.seen == 1 and len(first.new) == 1
    (item,) = inbox.list_items(ws)
    assert item.received_at == datetime(2026, 11, 2, 8, 15, tzinfo=timezone.utc)
    assert item.language == "nl" and item.guessed_types == ("access",)
    ms.mailbox.append(GraphMessage("AAMk2", raw("an.claes@proximus.be", "Verwijdering"), "2026-11-02T09:00:00Z"))
    second = fetch.fetch(ws, ssl_context=microsoft.client_ssl)      # from the stored delta link: only the new one
    assert second.seen == 1 and len(inbox.list_items(ws)) == 2
    assert fetch.fetch(ws, ssl_context=microsoft.client_ssl).seen == 0
    assert ("GET", "/v1.0/me/mailFolders/inbox/messages/delta") in ms.requests
