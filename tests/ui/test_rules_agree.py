"""Overdue and due soon mean one thing everywhere (domain.case_status): the case list's colours, the home
view's tiles, the reminder banner, `megacase remind` and the overdue report agree on the demo register,
day after day."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt

from megacase import cli
from megacase.services import users
from megacase.services.cases import queries
from megacase.services.demo import demo
from megacase.services.reports import overdue_report
from megacase.services.review import dashboard, reminders
from megacase.services.session import create_profile
from megacase.services.workspace import Actor
from megacase.store.keys import KeyStore
from megacase.ui.models.cases import COL_DUE, DUE_SOON, OVERDUE, CaseTableModel
from megacase.ui.reminders import ReminderBanner, ReminderCenter
from tests.conftest import FAST_SCRYPT, PASSPHRASE, Clock

DAYS = ("2027-05-10", "2027-05-12", "2027-05-14", "2027-05-19", "2027-05-26", "2027-06-07")


@pytest.fixture
def demo_register(tmp_path, monkeypatch):
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    clock = Clock(datetime(2027, 1, 1, tzinfo=timezone.utc))
    clock.set("2027-05-10 10:00")
    folder = tmp_path / "demo"
    ws = create_profile(folder, PASSPHRASE, KeyStore(), Actor("alice"), clock=clock, scrypt_n=FAST_SCRYPT)
    demo.populate(ws, count=22)
    return ws, folder, clock


def _coloured(listed) -> tuple[set, set]:
    model = CaseTableModel()
    model.set_cases(listed)
    red, amber = set(), set()
    for row in range(model.rowCount()):
        brush = model.data(model.index(row, COL_DUE), Qt.ItemDataRole.ForegroundRole)
        colour = brush.color() if brush is not None else None
        if colour == OVERDUE:
            red.add(model.case_at(row).reference)
        elif colour == DUE_SOON:
            amber.add(model.case_at(row).reference)
    return red, amber


def test_list_tiles_banner_remind_and_report_agree(qtbot, demo_register, capsys):
    ws, folder, clock = demo_register
    seen_overdue = seen_soon = 0
    for day in DAYS:
        clock.set(f"{day} 09:00")
        listed = queries.list_cases(ws)
        overdue = {c.reference for c in listed if c.overdue}
        soon = {c.reference for c in listed if c.due_soon}
        seen_overdue, seen_soon = seen_overdue + len(overdue), seen_soon + len(soon)

        assert _coloured(listed) == (overdue, soon), day

        board = dashboard.build(ws)
        assert set(board.count("overdue").references) == overdue, day
        assert set(board.count("due_soon").references) == soon, day

        current = reminders.current(ws)
        assert {r.reference for r in current if r.kind == reminders.OVERDUE} == overdue, day
        assert {r.reference for r in current if r.kind == reminders.DUE_SOON} == soon, day

        center = ReminderCenter(ws, tray_factory=lambda parent: None)
        banner = ReminderBanner(center, lambda text: None)
        qtbot.addWidget(banner)
        pending = center.check()
        assert pending == current, day          # nothing acknowledged on the demo register
        if pending:
            headline = banner.headline.text()
            assert (f"{len(overdue)} overdue" in headline) == bool(overdue), (day, headline)
            assert (f"{len(soon)} due soon" in headline) == bool(soon), (day, headline)
        center.timer.stop()

        code = cli.main(["remind", "--json", "--data-dir", str(folder)], clock=clock)
        printed = json.loads(capsys.readouterr().out)
        assert {r["reference"] for r in printed if r["kind"] == "overdue"} == overdue, day
        assert {r["reference"] for r in printed if r["kind"] == "due_soon"} == soon, day
        assert code == (1 if overdue else 0)

        report = overdue_report.compute(ws)
        assert {i.reference for i in report.overdue} == overdue, day
        assert {i.reference for i in report.at_risk} == soon, day
    assert seen_overdue and seen_soon           # the walk met both kinds


def test_due_soon_counts_working_days(demo_register):
    ws, _folder, clock = demo_register
    clock.set("2027-05-14 09:00")               # a Friday: the weekend does not count
    for c in queries.list_cases(ws):
        if c.due_soon:
            assert 0 <= c.working_days_left <= 5 and not c.suspended and not c.overdue
            assert c.due - (clock().date()) <= timedelta(days=9)
