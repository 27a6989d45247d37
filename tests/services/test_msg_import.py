"""Outlook .msg files open a case like .eml (olefile reads the compound file; tests write one)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from megacase import cli
from megacase.errors import InputError
from megacase.services.intake import eml_import, msg_import
from megacase.services.letters.attachments import list_attachments
from tests.msg_writer import outlook_message

DELIVERED = datetime(2027, 3, 30, 8, 0, tzinfo=timezone.utc)


def helene_msg(**kwargs) -> bytes:
    values = dict(sender="helene.dubois@skynet.be", sender_name="Hélène Dubois", subject="Accès à mes données",
                  body="Bonjour, je voudrais une copie de mes données (article 15).", delivered=DELIVERED,
                  message_id="<abc@skynet.be>")
    values.update(kwargs)
    return outlook_message(**values)


def test_a_msg_from_the_known_address_opens_an_identified_case(ws, open_access_case, clock):
    open_access_case("2027-03-01 09:00")
    clock.set("2027-04-01 10:00")
    data, delivered = msg_import.as_eml(helene_msg(
        attachments=(("carte.pdf", "application/pdf", b"%PDF" + b"x" * 5000),), embedded=1))
    assert delivered == DELIVERED      # the mailbox's delivery time, handed to the import (not the sender's Date:)
    detail = eml_import.import_eml(ws, data, delivered_at=delivered)
    assert detail.summary.received_at == DELIVERED and detail.identified_by_known_address
    assert [t.value for t in detail.summary.request_types] == ["access"]
    names = sorted(a.filename for a in list_attachments(ws, detail.reference))
    assert names == ["carte.pdf", "not-imported.txt", "original-message.eml"]


def test_transport_headers_give_the_date_and_authentication(ws):
    headers = ("Received: from mx.skynet.be by eur.outlook.com; Tue, 30 Mar 2027 10:05:00 +0200\r\n"
               "Authentication-Results: spf=fail smtp.mailfrom=skynet.be; dmarc=fail\r\n"
               "Date: Tue, 30 Mar 2027 10:04:00 +0200\r\nContent-Type: multipart/alternative; boundary=x\r\n")
    data, delivered = msg_import.as_eml(helene_msg(headers=headers))
    parsed = eml_import.parse_eml(data, now=datetime(2027, 4, 1, 8, 0, tzinfo=timezone.utc), delivered_at=delivered)
    # the shop's server stamp (topmost Received:) comes first; never the sender's Date: (08:04)
    assert parsed.received_at == datetime(2027, 3, 30, 8, 5, tzinfo=timezone.utc) and parsed.receipt_source == "server"
    assert parsed.authentication == "fail" and parsed.body.startswith("Bonjour")


@pytest.mark.parametrize("data, why", [
    (b"From: x@y\r\n\r\nnot ole", "not an Outlook message file"),
    (msg_import.OLE_MAGIC + b"\0" * 600, "damaged"),
])
def test_a_damaged_or_foreign_file_is_refused_with_the_reason(data, why):
    with pytest.raises(InputError) as err:
        msg_import.msg_to_eml(data)
    assert why in str(err.value)


def test_import_eml_command_takes_a_msg(tmp_path, capsys, monkeypatch):
    from megacase.store import keys
    from tests.conftest import FAST_SCRYPT, PASSPHRASE
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    d = str(tmp_path / "p")
    assert cli.main(["init", "--data-dir", d]) == 0
    path = tmp_path / "request.msg"
    path.write_bytes(helene_msg(delivered=datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)))   # the CLI's clock is real
    assert cli.main(["import-eml", str(path), "--name", "Hélène Dubois", "--data-dir", d]) == 0
    out = capsys.readouterr().out
    assert "Access, received 2026-11-02 09:00" in out
