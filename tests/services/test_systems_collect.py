"""What each system holds, recorded in the case: by connector, by export file, or by a statement; sealed under
the subject's key, audited with its hash, and no credential anywhere in the register, the settings or the logs."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest

from megacase.errors import InputError, NotFound, RuleViolation
from megacase.services import settings, systems
from megacase.services.cases import queries
from megacase.services.integrity import audit
from megacase.services.systems import demo_exports
from megacase.services.systems.http import BadCredential
from megacase.services.systems.loopback import CREDENTIALS
from megacase.services.workspace import Actor
from megacase.store.systems_orm import SystemFinding
from tests import forensics
from tests.services.systems_support import EMAIL, NAME, no_sleep, point_all, start_server

ADDRESS = ("Rue de l'Église 12", "5000", "Namur")


@pytest.fixture
def server(ws):
    s = start_server()
    point_all(ws, s)
    yield s
    s.stop()


@pytest.fixture
def access(open_access_case):
    return open_access_case(types=("access", "portability")).reference


def test_systems_list_shows_each_processor_with_its_connector_and_where_the_credential_is(ws, server, monkeypatch):
    rows = {s.processor: s for s in systems.list_systems(ws)}
    assert set(rows) == {"Lightspeed", "MailChimp", "Office 365", "PayPal", "Carriers", "Silvasoft",
                         "Google Analytics"}
    assert rows["MailChimp"].ready and rows["MailChimp"].credential == "keyring"
    assert rows["MailChimp"].base_url == server.base_url("mailchimp")
    assert rows["PayPal"].connector is None and "17(3)(b)" in rows["PayPal"].hold_ground
    assert rows["Office 365"].options == {"mailboxes": "info@megasecurity.eu"}
    assert systems.test_connection(ws, "mailchimp") == "MailChimp answered: Everything's Chimpy!"
    with pytest.raises(NotFound, match="No system 'Fedex'"):
        systems.configure(ws, "Fedex", base_url="http://127.0.0.1:1")
    with pytest.raises(InputError, match="not an http"):
        systems.configure(ws, "MailChimp", base_url="ftp://x")
    with pytest.raises(InputError, match="no connector"):
        systems.configure(ws, "PayPal", credential="x")
    from megacase.services.systems import credentials
    from megacase.services.systems.catalogue import spec_for
    credentials.forget(spec_for("Silvasoft"))
    monkeypatch.setenv("MEGACASE_SILVASOFT_KEY", CREDENTIALS["silvasoft"])
    assert systems.system_state(ws, "Silvasoft").credential == "environment"
    assert systems.test_connection(ws, "Silvasoft") == "Silvasoft answered"


def test_collecting_by_connector_keeps_the_rows_sealed_and_completes_the_search_step(ws, server, access):
    finding = systems.collect_connector(ws, access, "Lightspeed", sleep=no_sleep)
    assert finding.outcome == "found" and finding.source == "connector" and finding.by == "alice"
    assert finding.category_names == ("identity", "addresses", "orders", "invoices") and finding.row_count == 9
    assert finding.categories["identity"][0]["email"] == EMAIL
    step = next(i for i in queries.get_case(ws, access).checklist if i.processor == "Lightspeed")
    assert step.done_at and step.note == "Found (connector): 1 customer account, 3 orders, 3 invoices"
    event = [e for e in queries.get_case(ws, access).timeline if e.kind == "systems.search"][-1]
    assert event.details["sha256"] == finding.sha256 and event.details["rows"] == 9
    assert EMAIL not in json.dumps(event.details)
    with ws.reading() as s:
        row = s.get(SystemFinding, finding.id)
        assert EMAIL.encode() not in row.data_enc and row.categories == "identity, addresses, orders, invoices"
    results = {r.system: r for r in systems.collect_all(ws, access, sleep=no_sleep)}
    assert results["MailChimp"].finding.row_count == 8 and results["Office 365"].finding.row_count == 3
    assert "no connector" in results["PayPal"].error
    ga = results["Google Analytics"].finding
    assert ga.outcome == "nothing_held" and "cannot search it by person" in ga.how
    from megacase.services.cases.cases import load_case
    with ws.reading() as s:
        status = systems.collection_status(s, load_case(s, access))
        assert status.pending == ("PayPal", "Carriers") and systems.has_collected_data(s, load_case(s, access))
    assert audit.verify(ws).ok


def test_export_files_are_filtered_to_the_subject_parsed_by_category_and_kept(ws, access):
    paypal = demo_exports.paypal_activity_csv(NAME, EMAIL, *ADDRESS)
    f = systems.import_file(ws, access, "PayPal", "Download.CSV", paypal)
    assert f.source == "file" and f.sha256 == hashlib.sha256(paypal).hexdigest() and f.filename == "Download.CSV"
    assert [r["Transaction ID"] for r in f.categories["payments"]] == ["4KX12345AB678901C", "9PL55511QW220033E"]
    assert f.categories["addresses"][0]["Shipping Address"].startswith("Rue de l'Église 12")
    assert "Jan Peeters" not in json.dumps(f.categories) and "(1 row of other people left out)" in f.summary
    assert systems.original_file(ws, f.id) == ("Download.CSV", "text/csv", paypal)

    xlsx = demo_exports.carrier_shipments_xlsx(NAME, EMAIL, *ADDRESS)
    c = systems.import_file(ws, access, "Carriers", "bpost.xlsx", xlsx)
    assert [r["Tracking number"] for r in c.categories["shipments"]] == ["323299001234567890", "323299001234611111"]
    assert c.categories["delivery address"][0]["City"] == "Namur" and c.categories["contact"][0]["Email"] == EMAIL

    pdf = b"%PDF-1.4\n% an invoice\n"
    d = systems.import_file(ws, access, "Silvasoft", "F-2026-0107.pdf", pdf)
    assert d.outcome == "found" and d.has_file and d.row_count == 0 and d.summary == "PDF document kept as received"
    with pytest.raises(InputError, match="not a PDF"):
        systems.import_file(ws, access, "Silvasoft", "fake.pdf", b"hello")
    js = json.dumps({"orders": [{"number": "ORD1", "email": EMAIL}, {"number": "ORD2", "email": "x@y.be"}]})
    j = systems.import_file(ws, access, "Lightspeed", "orders.json", js.encode())
    assert j.categories == {"orders": [{"number": "ORD1", "email": EMAIL}]}


def test_nothing_held_statement_says_how_sealed_in_the_audit_trail(ws, access, open_access_case):
    f = systems.record_nothing_held(ws, access, "Carriers", "Searched the DPD and PostNL portals for the address")
    assert f.outcome == "nothing_held" and f.source == "statement" and f.how.startswith("Searched the DPD")
    event = [e for e in queries.get_case(ws, access).timeline if e.kind == "systems.search"][-1]
    assert event.personal == {"how": "Searched the DPD and PostNL portals for the address"}
    assert "DPD" not in json.dumps(event.details)
    with pytest.raises(InputError):
        systems.record_nothing_held(ws, access, "Carriers", "  ")
    subject_id = queries.get_case(ws, access).subject.id
    erasure_case = open_access_case(types=("erasure",), subject=subject_id).reference
    with pytest.raises(NotFound, match="no step 'search Carriers'"):
        systems.record_nothing_held(ws, erasure_case, "Carriers", "x")
    manager = ws.as_actor(Actor("maria", "manager"))
    with pytest.raises(RuleViolation):
        systems.record_nothing_held(manager, access, "Carriers", "x")


def test_no_credential_in_the_register_the_settings_or_the_logs(ws, server, access, data_dir, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    from megacase.log import configure_file_logging
    log_file = configure_file_logging(tmp_path / "logs", logging.DEBUG)
    try:
        for name in ("Lightspeed", "MailChimp", "Office 365", "Silvasoft"):
            systems.collect_connector(ws, access, name, sleep=no_sleep)
        server.fail("/mailchimp/3.0/ping", 401)
        with pytest.raises(BadCredential):
            systems.test_connection(ws, "MailChimp")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", "").startswith(str(tmp_path))]:
            root.removeHandler(handler)
            handler.close()
    secrets = [part for cred in CREDENTIALS.values() for part in cred.split(":")
               if part != "boekhouding@megasecurity.eu"]
    blobs = forensics.profile_plaintext(data_dir, forensics.engine_key(ws.engine))
    values = json.dumps([[s.key, v] for s, v in settings.all_values(ws)])
    written = caplog.text + log_file.read_text("utf-8")
    assert "127.0.0.1" in values and "MailChimp GET 127.0.0.1 -> 200" in written
    for secret in secrets:
        assert not forensics.occurrences(blobs, secret), secret
        assert secret not in values and secret not in written, secret
    for needle in (EMAIL, "helene", "Dubois"):
        assert needle not in written, needle
