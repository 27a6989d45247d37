"""The window's erasure, restriction, objection, processor register and retention, on the real register."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from megacase.services.cases import cases, queries
from megacase.services.privacy import processor_steps, processors, retention
from megacase.services.workspace import Actor
from megacase.ui.models.cases import COL_SUBJECT
from megacase.ui.models.privacy import PROCESSING
from tests.mail_sink import configure_mail, smtp_sink
from tests.services.erasure_flow import granted_erasure
from tests.ui.conftest import wait_idle


@pytest.fixture
def sink(ws):
    with smtp_sink() as s:
        configure_mail(ws, s)
        yield s


def _show(qtbot, window, ref):
    window.refresh()
    wait_idle(qtbot, window)
    window.case_list.set_quick("all")
    assert window.select_reference(ref)
    wait_idle(qtbot, window)


def _row(window, ref):
    model = window.case_list.model
    return model.index(model.row_of(ref), COL_SUBJECT)


def test_processing_flags_show_in_the_list_and_the_detail(qtbot, make_window, ws, clock, open_access_case, prompter):
    restricted = open_access_case(types=("restriction",)).reference
    subject = queries.get_case(ws, restricted).subject.id
    plain = open_access_case(types=("access",), subject=subject).reference
    cases.start_work(ws, restricted)
    objection = open_access_case(types=("objection",), subject=subject).reference
    window = make_window()
    _show(qtbot, window, restricted)

    # Not yet restricted; the objection already suspends the subject's processing.
    feature = window.privacy_feature
    assert feature.restrict.isEnabled() and not feature.lift.isEnabled()
    prompter.on_dialog("RestrictionDialog", lambda d: (d.ground.setCurrentIndex(0), d.attempt())[1])
    feature.restrict.trigger()
    assert queries.get_case(ws, restricted).subject.restricted_since == date(2027, 4, 1)
    wait_idle(qtbot, window)

    index = _row(window, plain)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == PROCESSING
    tooltip = window.case_list.model.index(index.row(), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Processing restricted (Art. 18)" in tooltip and "Processing suspended (Art. 21" in tooltip

    block = feature.block
    assert not block.isHidden() and block.flag.text() == "RESTRICTED (Art. 18) · PROCESSING SUSPENDED (Art. 21)"
    assert block.grid.value("Restriction").startswith("In force since 01/04/2027")
    assert "restriction-lifting" in block.grid.value("Restriction")
    assert "restricted since" in window.detail.overview.subject_flags.text()
    assert feature.lift.isEnabled() and not feature.restrict.isEnabled()

    # Lifting before the Art. 18(3) notice is refused by the service; the window says why.
    prompter.text_answers.append("Accuracy verified")
    feature.lift.trigger()
    assert prompter.errors and "Art. 18(3)" in prompter.errors[-1].text
    assert queries.get_case(ws, restricted).subject.restricted_since is not None

    _show(qtbot, window, objection)
    assert feature.direct_marketing.isEnabled()
    feature.direct_marketing.trigger()
    assert block.grid.value("Direct marketing").startswith("Objection to direct marketing")
    assert not feature.direct_marketing.isEnabled()


def test_a_subject_without_flags_has_no_mark(qtbot, make_window, ws, open_access_case):
    ref = open_access_case(types=("access",)).reference
    window = make_window()
    _show(qtbot, window, ref)
    index = _row(window, ref)
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert window.privacy_feature.block.isHidden()
    assert not window.privacy_feature.erasure.isEnabled()


def test_the_erasure_dialog_records_the_last_notice_and_erases(qtbot, make_window, ws, clock, open_access_case,
                                                               prompter, sink):
    ref = granted_erasure(ws, open_access_case, clock)
    processor_steps.reopen_step(ws, ref, "Carriers", "notify")
    window = make_window()
    _show(qtbot, window, ref)
    feature = window.privacy_feature
    assert feature.erasure.isEnabled()
    assert "1 thing(s) to do" in feature.block.grid.value("Erasure")
    seen = {}

    def work(dialog):
        seen["before"] = dialog.blockers.text()
        assert not dialog.erase_button.isEnabled()
        assert dialog.select_processor("Carriers")
        dialog.sent_on.setDate(QDate(2027, 4, 5))
        assert dialog._record("notified")
        assert dialog.erase_button.isEnabled() and "Ready" in dialog.blockers.text()
        dialog.invoices.setText("F-2026-0042, F-2026-0107")
        dialog.last_invoice.setDate(QDate(2026, 11, 3))
        assert "31/12/2036" in dialog.until.text()
        return dialog.erase()

    prompter.on_dialog("ErasureDialog", work)
    feature.erasure.trigger()
    assert "Record the Art. 19 notice" in seen["before"] and "Carriers" in seen["before"]
    confirm = prompter.kinds("confirm")[-1]
    assert "cannot be undone" in confirm.text and "31/12/2036" in confirm.text
    assert "outside the database" in prompter.kinds("info")[-1].text
    wait_idle(qtbot, window)
    d = queries.get_case(ws, ref)
    assert d.subject.anonymised
    carriers = next(r for r in processor_steps.processor_steps(ws, ref) if r.processor == "Carriers")
    assert carriers.notify.on == date(2027, 4, 5)
    assert window.detail.headline.text().startswith("Anonymous subject S-00001")
    assert feature.block.flag.text() == "ERASED"
    assert _row(window, ref).data(Qt.ItemDataRole.DisplayRole) == "Anonymous subject S-00001"


def test_retention_shows_the_dry_run_and_applies_exactly_it(qtbot, make_window, ws, clock, open_access_case, prompter):
    ref = open_access_case(types=("access",)).reference
    cases.add_note(ws, ref, "Sent the copy by e-mail.")
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "granted")
    cases.close(ws, ref)
    clock.set("2029-06-01 10:00")
    window = make_window()
    shown = {}

    def run(dialog):
        assert dialog.years.value() == 5 and not dialog.apply_button.isEnabled()   # nothing is 5 years old
        dialog.years.setValue(2)
        assert dialog.change_years()
        shown["lines"] = dialog.plan_lines()
        shown["plan"] = dialog.plan
        return dialog.apply()

    prompter.on_dialog("RetentionDialog", run)
    window.privacy_feature.retention.trigger()
    assert shown["lines"] == shown["plan"].lines()[1:] and len(shown["lines"]) == 1
    assert shown["lines"][0].startswith(f"{ref} (closed 01/04/2027): reduced to its skeleton, removing 1 note, the request")
    assert shown["lines"][0].endswith("subject S-00001 anonymised and its key destroyed")
    assert "Apply retention" == prompter.kinds("confirm")[-1].title
    assert retention.plan(ws).empty
    assert queries.get_case(ws, ref).notes == () and queries.get_case(ws, ref).subject.anonymised


def test_the_processor_register_view_edits_and_is_read_only_for_a_manager(qtbot, make_window, ws, prompter):
    window = make_window()
    window.show_view("processors")
    view = window.privacy_feature.register
    assert view.model.rowCount() == 7 and view.isVisible()
    view.table.selectRow(1)
    assert view.editors["name"].text() == "MailChimp"
    view.editors["notice_channel"].setText("E-mail to privacy@mailchimp.example")
    view.editors["retention"].setPlainText("Until the subscriber unsubscribes")
    assert view.save()
    p = processors.get_processor(ws, "MailChimp")
    assert p.notice_channel == "E-mail to privacy@mailchimp.example" and p.retention.startswith("Until")
    view.editors["role"].setText("")
    assert not view.save() and "cannot be empty" in prompter.errors[-1].text

    view.start_new()
    view.editors["name"].setText("Bpost")
    view.editors["role"].setText("Parcel delivery")
    view.editors["categories"].setPlainText("name, delivery address")
    assert view.save() and view.model.rowCount() == 8

    manager = make_window(ws.as_actor(Actor("maria", "manager")))
    mview = manager.privacy_feature.register
    assert not mview.save_button.isEnabled() and mview.editors["role"].isReadOnly()
    assert manager.privacy_feature.invoices.isEnabled() and not window.privacy_feature.invoices.isEnabled()
    prompter.on_dialog("InvoiceRetentionDialog", lambda d: d.model.rowCount() == 0)
    manager.privacy_feature.invoices.trigger()
    assert prompter.kinds("dialog")[-1].text == "InvoiceRetentionDialog"
