from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from megacase.domain.deadlines import (Suspension, add_months, check_extension, compute_deadline, is_working_day,
                                       next_working_day)
from megacase.errors import RuleViolation


@pytest.mark.parametrize("received, due", [
    # DOMAIN.md and EDPB Guidelines 01/2022 examples 32 and 33 (before the weekend rule)
    (date(2027, 3, 5), date(2027, 4, 5)),
    (date(2026, 8, 31), date(2026, 9, 30)),
    # Thursday 1 April 2027: Saturday 1 May 2027 (also Labour Day) -> Monday 3 May
    (date(2027, 4, 1), date(2027, 5, 3)),
    # 31 February does not exist, 28 February 2027 is a Sunday -> Monday 1 March
    (date(2027, 1, 31), date(2027, 3, 1)),
    # 5 March 2026 -> Sunday 5 April 2026, Easter Monday 6 April -> Tuesday 7 April
    (date(2026, 3, 5), date(2026, 4, 7)),
    # 21 June 2027 -> Wednesday 21 July 2027, National Day -> Thursday 22 July
    (date(2027, 6, 21), date(2027, 7, 22)),
    # 25 November 2027 -> Saturday 25 December -> Sunday -> Monday 27 December
    (date(2027, 11, 25), date(2027, 12, 27)),
    # leap year: 31 January 2028 -> 29 February 2028 (Tuesday)
    (date(2028, 1, 31), date(2028, 2, 29)),
])
def test_one_month_examples(received, due):
    assert compute_deadline(received, today=received).due == due


def test_extension_is_three_months_from_receipt_not_one_plus_two():
    # 30 November 2026: +1 month = 30 Dec, +2 more would be 28/29 Feb... three months = 28 Feb 2027 (Sunday) -> 1 March
    d = compute_deadline(date(2026, 11, 30), extended=True, today=date(2026, 11, 30))
    assert d.due == date(2027, 3, 1)
    assert d.one_month_due == date(2026, 12, 30)


def test_suspension_moves_the_date_before_the_weekend_rule():
    # asked 3 May, answered 10 May: 7 days. Received 1 April 2027: 1 May + 7 = Saturday 8 May -> Monday 10 May.
    d = compute_deadline(date(2027, 4, 1), [Suspension(date(2027, 5, 3), date(2027, 5, 10))], today=date(2027, 5, 11))
    assert d.suspended_days == 7
    assert d.due == date(2027, 5, 10)
    assert not d.suspended_now


def test_running_suspension_counts_up_to_today():
    d = compute_deadline(date(2027, 4, 1), [Suspension(date(2027, 4, 6))], today=date(2027, 4, 9))
    assert d.suspended_now and d.suspended_days == 3
    assert d.due == next_working_day(date(2027, 5, 4))


def test_days_left_and_overdue():
    d = compute_deadline(date(2027, 4, 1), today=date(2027, 4, 1))
    assert d.days_left(date(2027, 4, 30)) == 3
    assert not d.is_overdue(date(2027, 5, 3))
    assert d.is_overdue(date(2027, 5, 4))


def test_extension_rules():
    d = compute_deadline(date(2027, 4, 1), today=date(2027, 4, 1))
    assert d.extension_notice_last_day == date(2027, 5, 3)
    check_extension(d, date(2027, 5, 3), "Complex: six processors to search")
    with pytest.raises(RuleViolation, match="reason"):
        check_extension(d, date(2027, 4, 20), "  ")
    with pytest.raises(RuleViolation, match="first month"):
        check_extension(d, date(2027, 5, 4), "too late")
    extended = compute_deadline(date(2027, 4, 1), extended=True, today=date(2027, 4, 1))
    with pytest.raises(RuleViolation, match="already"):
        check_extension(extended, date(2027, 4, 2), "again")


def test_belgian_holidays_are_not_working_days():
    for day in [date(2027, 1, 1), date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17), date(2027, 7, 21),
                date(2026, 8, 17) - timedelta(days=2), date(2027, 11, 1), date(2027, 11, 11), date(2026, 12, 25)]:
        assert not is_working_day(day), day
    assert is_working_day(date(2027, 5, 3))


def test_add_months_end_of_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=0, max_value=60), st.booleans())
def test_due_is_a_working_day_never_before_the_plain_date(received, suspended, extended):
    susp = [Suspension(received, received + timedelta(days=suspended))] if suspended else []
    d = compute_deadline(received, susp, extended, today=received)
    assert is_working_day(d.due)
    assert d.due >= add_months(received, 1)
    assert d.due >= d.plain_one_month + timedelta(days=suspended)
    base = add_months(received, 3 if extended else 1) + timedelta(days=suspended)
    assert base <= d.due < base + timedelta(days=6)  # the working-day rule adds at most a long weekend


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=1, max_value=120), st.booleans())
def test_a_later_receipt_is_never_due_earlier(received, gap, extended):
    later = received + timedelta(days=gap)
    assert compute_deadline(later, extended=extended, today=later).due >= \
        compute_deadline(received, extended=extended, today=received).due


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=0, max_value=60))
def test_extension_never_shortens(received, suspended):
    susp = [Suspension(received, received + timedelta(days=suspended))]
    plain = compute_deadline(received, susp, False, today=received)
    extended = compute_deadline(received, susp, True, today=received)
    assert extended.due > plain.due
    assert extended.three_month_due == extended.due


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_a_longer_suspension_is_never_due_earlier(received, a, b):
    short, long_ = sorted((a, b))
    d1 = compute_deadline(received, [Suspension(received, received + timedelta(days=short))], today=received)
    d2 = compute_deadline(received, [Suspension(received, received + timedelta(days=long_))], today=received)
    assert d2.due >= d1.due
