"""A register of many cases stays quick where it matters: the duplicate-address check and the date
columns the case list and the dashboard read are served by indexes (migration 0008)."""

from __future__ import annotations

from sqlalchemy import func, select

from megacase.store.orm import Case, Subject


def _plan(session, query) -> str:
    sql = str(query.compile(compile_kwargs={"literal_binds": True}))
    return " ".join(str(r) for r in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))


def test_the_duplicate_address_check_uses_the_lower_email_index(ws):
    with ws.reading() as session:
        plan = _plan(session, select(Subject).where(func.lower(Subject.email) == "zoe@telenet.be"))
    assert "ix_subjects_email_lower" in plan


def test_the_dates_the_lists_read_are_indexed(ws):
    with ws.reading() as session:
        assert "ix_cases_received_on" in _plan(session, select(Case.received_on).where(Case.received_on >= "2027-01-01"))
        assert "ix_cases_closed_at" in _plan(session, select(Case.closed_at).where(Case.closed_at >= "2027-01-01"))
        assert "ix_cases_received_at" in _plan(session, select(Case.id).order_by(Case.received_at.desc()))
