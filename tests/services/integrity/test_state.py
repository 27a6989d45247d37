"""The register's current rows against its events: raw SQL changes are found and named."""

import pytest
from sqlalchemy import select, text

from megacase.services.cases import queries
from megacase.services.demo import demo
from megacase.services.integrity import audit
from megacase.store.orm import Subject


@pytest.fixture
def demo_ws(ws):
    demo.populate(ws, count=12)
    return ws


def _raw(ws, sql, **params):
    with ws.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_an_untampered_demo_register_verifies_clean(demo_ws):
    report = audit.verify(demo_ws)
    assert report.ok, report.findings
    assert report.state_checked > 12 and report.state_ok and report.anchors_checked > 0
    assert "records equal their events" in report.summary_line()


def test_a_case_closed_by_raw_sql_is_named_with_its_field_and_event(demo_ws):
    row = next(c for c in queries.list_cases(demo_ws) if c.state.value == "in_progress")
    _raw(demo_ws, "UPDATE cases SET state = 'closed', outcome = 'granted' WHERE reference = :r", r=row.reference)
    report = audit.verify(demo_ws)
    assert not report.ok and report.chain_ok          # the chain itself is intact: only the state check sees it
    lines = [f for f in report.state_differences if row.reference in f]
    assert any(f.startswith(f"case {row.reference}: state is 'closed', its events say 'in_progress' (event ")
               for f in lines), lines
    assert any("outcome is 'granted', its events say None" in f for f in lines)


def test_a_subjects_email_changed_by_raw_sql_is_named_without_printing_it(demo_ws):
    with demo_ws.reading() as s:
        subject = s.execute(select(Subject).limit(1)).scalar_one()
    _raw(demo_ws, "UPDATE subjects SET email = 'mallory@evil.example' WHERE id = :i", i=subject.id)
    report = audit.verify(demo_ws)
    assert not report.ok
    assert any(f.startswith(f"subject {subject.reference}: email differs from what its events say (event ")
               for f in report.state_differences), report.state_differences
    assert not any("mallory" in f or subject.email in f for f in report.findings)


def test_a_role_raised_by_raw_sql_and_a_user_added_are_named(demo_ws):
    _raw(demo_ws, "UPDATE users SET role = 'manager' WHERE name = 'sophie'")
    _raw(demo_ws, "INSERT INTO users (name, role, active, created_at) VALUES ('mallory', 'manager', 1, "
                  "'2027-01-01 00:00:00')")
    report = audit.verify(demo_ws)
    assert any(f.startswith("user sophie: role is 'manager', its events say 'officer'")
               for f in report.state_differences), report.state_differences
    assert "user mallory: no event records this row (added outside the application)" in report.state_differences


def test_a_setting_changed_and_one_deleted_by_raw_sql_are_named(demo_ws):
    from megacase.services import settings
    settings.set_value(demo_ws, "digest.address", "dpo@megasecurity.eu")
    assert audit.verify(demo_ws).ok
    # the demo's sender was asked for by the officer and approved by the manager; now changed behind their backs
    _raw(demo_ws, "UPDATE settings SET value = 'privacy@evil.example' WHERE key = 'smtp.sender'")
    _raw(demo_ws, "DELETE FROM settings WHERE key = 'digest.address'")
    found = audit.verify(demo_ws).state_differences
    assert any(f.startswith("setting smtp.sender: value is 'privacy@evil.example', its events say "
                            "'privacy@megasecurity.eu'") for f in found), found
    assert any(f.startswith("setting digest.address: its events say it exists") for f in found), found


def test_a_register_from_before_gets_one_baseline_when_opened(ws, data_dir, keystore, clock):
    from megacase.services.integrity import state
    from megacase.services.session import open_profile
    assert not audit.record_baseline(ws)           # a register made now needs none
    reopened = open_profile(data_dir, keystore, actor=ws.actor, clock=clock)
    assert audit.verify(reopened).ok


def test_the_case_file_states_both_the_chain_and_the_cases_state(demo_ws):
    from megacase.services.reports import case_file
    from megacase.services.reports.case_file_check import read_pdf_text
    row = next(c for c in queries.list_cases(demo_ws) if c.state.value == "in_progress")
    clean = case_file.collect(demo_ws, row.reference).integrity
    assert clean.ok and clean.state_ok and not clean.state_findings
    _raw(demo_ws, "UPDATE cases SET state = 'closed', outcome = 'granted' WHERE reference = :r", r=row.reference)
    rendered = case_file.render_case_file(demo_ws, row.reference, "en")
    assert rendered.integrity.ok and not rendered.integrity.state_ok
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(rendered.pdf)
        f.flush()
        printed = " ".join(read_pdf_text(f.name).split())
    assert "INTACT" in printed and "DIFFERS FROM ITS EVENTS" in printed
    assert f"case {row.reference}: state is 'closed'" in printed
