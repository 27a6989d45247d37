"""The case's Systems page in the real window: collect through a connector (off the GUI thread), import an
export file, state nothing held, see the evidence, erase after a dry run; connectors configured and tested."""

from __future__ import annotations

import pytest

from megacase.services import systems
from megacase.services.cases import cases
from megacase.services.systems import demo_exports
from tests.services.systems_support import EMAIL, NAME, point_all, start_server
from tests.ui.conftest import wait_idle


@pytest.fixture
def server(ws):
    s = start_server()
    point_all(ws, s)
    yield s
    s.stop()


def rows(window):
    panel = window.systems_feature.panel
    return {panel.model.record_at(i).system: panel.model.record_at(i) for i in range(panel.model.rowCount())}


def show(qtbot, window, ref):
    window.refresh()
    wait_idle(qtbot, window)
    window.select_reference(ref)
    wait_idle(qtbot, window)
    window.detail.show_page("checklist")


def test_the_systems_page_collects_imports_states_and_shows_the_evidence(qtbot, window, ws, server,
                                                                        open_access_case, prompter, tmp_path):
    ref = open_access_case(types=("access",)).reference
    show(qtbot, window, ref)
    panel = window.systems_feature.panel
    assert window.detail.tabs.tabText(1) == "Systems 0/7"
    assert rows(window)["Lightspeed"].searched == "To search" and rows(window)["Lightspeed"].connector_ready
    panel.select("Lightspeed")
    panel.buttons["collect"].click()
    qtbot.waitUntil(lambda: rows(window)["Lightspeed"].searched.startswith("Found (connector)"), timeout=10000)
    assert rows(window)["Lightspeed"].categories == "identity, addresses, orders, invoices"
    assert window.detail.tabs.tabText(1) == "Systems 1/7"

    export = tmp_path / "paypal.csv"
    export.write_bytes(demo_exports.paypal_activity_csv(NAME, EMAIL, "Rue de l'Église 12", "5000", "Namur"))
    panel.select("PayPal")
    prompter.path_answers.append(export)
    panel.buttons["import"].click()
    assert rows(window)["PayPal"].searched.startswith("Found (export file)")

    panel.select("Carriers")
    prompter.text_answers.append("Searched the bpost portal by postcode and name")
    panel.buttons["nothing"].click()
    assert rows(window)["Carriers"].searched.startswith("Nothing held (statement)")

    seen = {}

    def withhold(d):
        seen["html"] = d.browser.toPlainText()
        d.category.setCurrentText("payments")
        d.row.setValue(2)
        d.field.setCurrentIndex(d.field.findData("Item Title"))
        d.reason.setText("Gift bought for a named third person")
        assert d.withhold()
        seen["after"] = d.browser.toPlainText()
        return False

    prompter.on_dialog("EvidenceDialog", withhold)
    panel.select("PayPal")
    panel.buttons["evidence"].click()
    assert "4KX12345AB678901C" in seen["html"] and "SHA-256" in seen["html"]
    assert "Withheld (Art. 15(4)): payments row 2, field Item Title — Gift bought" in seen["after"]
    [f] = [f for f in systems.case_findings(ws, ref) if f.processor == "PayPal"]
    assert [(w.category, w.row_index, w.field) for w in f.withheld] == [("payments", 1, "Item Title")]
    assert not prompter.errors


def test_erase_at_a_system_shows_the_dry_run_then_keeps_the_receipt(qtbot, window, ws, server, open_access_case,
                                                                     prompter):
    ref = open_access_case(types=("erasure",)).reference
    cases.start_work(ws, ref)
    show(qtbot, window, ref)
    panel = window.systems_feature.panel
    panel.select("MailChimp")
    prompter.confirm_answers.append(False)                 # the officer reads the dry run and stops
    panel.buttons["erase"].click()
    assert "delete-permanent" in prompter.kinds("confirm")[-1].text and server.deleted == []
    assert rows(window)["MailChimp"].erasure.startswith("Dry run")
    panel.select("MailChimp")
    prompter.confirm_answers.append(True)
    panel.buttons["erase"].click()
    qtbot.waitUntil(lambda: rows(window)["MailChimp"].erasure.startswith("Erased"), timeout=10000)
    assert "receipt" in rows(window)["MailChimp"].erasure and server.deleted
    panel.select("Silvasoft")
    panel.buttons["erase"].click()
    qtbot.waitUntil(lambda: rows(window)["Silvasoft"].erasure.startswith("Kept"), timeout=10000)
    assert not prompter.errors


def test_connectors_dialog_stores_the_credential_and_tests_the_connection(qtbot, window, ws, server, prompter):
    seen = {}

    def drive(d):
        d.reload(select="MailChimp")
        d.credential.setText("wrong-key-us21")
        d.test()
        seen["bad"] = d.test_result.text()
        from megacase.services.systems.loopback import CREDENTIALS
        d.credential.setText(CREDENTIALS["mailchimp"])
        d.test()
        seen["good"] = d.test_result.text()
        return False

    prompter.on_dialog("ConnectorsDialog", drive)
    window.systems_feature.connectors.trigger()
    assert "credential was refused" in seen["bad"] and seen["good"] == "MailChimp answered: Everything's Chimpy!"
    assert systems.system_state(ws, "MailChimp").credential == "keyring"


def test_the_access_reply_compose_window_shows_the_package(qtbot, window, ws, open_access_case, prompter):
    ref = open_access_case(types=("access",)).reference
    systems.record_nothing_held(ws, ref, "Carriers", "bpost portal searched")
    export = demo_exports.paypal_activity_csv(NAME, EMAIL, "Rue de l'Église 12", "5000", "Namur")
    systems.import_file(ws, ref, "PayPal", "paypal.csv", export)
    show(qtbot, window, ref)
    seen = {}

    def look(d):
        seen["package"] = d.package_contents.text()
        seen["label"] = d.access_copy.text()
        return False

    prompter.on_dialog("ComposeDialog", look)
    window.letters_feature.write_letter("access-reply")
    assert "Access package (PDF)" in seen["label"]
    assert seen["package"].startswith("The package holds: PayPal: 6 rows; Carriers: nothing held")
    assert "Not searched yet: Lightspeed, MailChimp, Office 365, Silvasoft, Google Analytics" in seen["package"]
