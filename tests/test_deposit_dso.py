"""DSO by the standard and the count-back methods, without Odoo."""

import sys
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

# The suite's conftest loads ``deposit_rules`` on its own; run alone, this file
# finds it in the add-on's folder.
if "deposit_rules" not in sys.modules:
    _module_dir = str(Path(__file__).resolve().parent.parent / "acompte_deposit")
    if _module_dir not in sys.path:
        sys.path.insert(0, _module_dir)

import pytest  # noqa: E402 (after the path set-up above)
from deposit_rules.dso import (  # noqa: E402 (after the path set-up above)
    COUNTBACK_MAX_MONTHS,
    add_months,
    countback_dso,
    countback_dso_from_dates,
    countback_months,
    ended_month_ends,
    month_end,
    month_start,
    period_start,
    previous_month_end,
    standard_dso,
    window_days,
)
from hypothesis import assume, given  # noqa: E402 (after the path set-up above)
from hypothesis import strategies as st  # noqa: E402 (after the path set-up above)

D = Decimal
JUNE_30 = date(2026, 6, 30)

# Calendar helpers


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 6, 15), date(2026, 6, 1), date(2026, 6, 30)),
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 10), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29)),
        (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_month_boundaries(day, start, end):
    assert month_start(day) == start
    assert month_end(day) == end


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 6, 30), 1, date(2026, 7, 1)),
        (date(2026, 12, 15), 1, date(2027, 1, 1)),
        (date(2026, 1, 31), -1, date(2025, 12, 1)),
        (date(2026, 3, 31), -14, date(2025, 1, 1)),
        (date(2026, 3, 31), 0, date(2026, 3, 1)),
    ],
)
def test_add_months_lands_on_the_first_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_previous_month_end_crosses_the_year():
    assert previous_month_end(date(2026, 1, 20)) == date(2025, 12, 31)
    assert previous_month_end(date(2026, 3, 1)) == date(2026, 2, 28)


def test_period_start_counts_the_end_date_in():
    # April has 30 days, May 31 and June 30: 90 days from 2 April.
    assert period_start(JUNE_30, 90) == date(2026, 4, 2)
    assert period_start(JUNE_30, 91) == date(2026, 4, 1)
    assert period_start(JUNE_30, 1) == JUNE_30
    with pytest.raises(ValueError):
        period_start(JUNE_30, 0)


def test_countback_months_start_with_the_end_dates_month_up_to_it():
    assert countback_months(date(2026, 3, 12), 3) == [
        (date(2026, 3, 1), date(2026, 3, 12)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 1), date(2026, 1, 31)),
    ]
    assert len(countback_months(JUNE_30)) == COUNTBACK_MAX_MONTHS
    with pytest.raises(ValueError):
        countback_months(JUNE_30, 0)


def test_ended_month_ends_leave_out_the_current_month():
    ends = ended_month_ends(date(2026, 3, 31), 12)
    assert ends[0] == date(2025, 3, 31)
    assert ends[-1] == date(2026, 2, 28)
    assert len(ends) == 12
    assert ended_month_ends(date(2026, 3, 1), 2) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
    ]


def test_window_days_include_both_ends():
    assert window_days(date(2026, 6, 1), JUNE_30) == 30
    assert window_days(JUNE_30, JUNE_30) == 1


# Standard DSO


def test_standard_dso_worked_example():
    # 20,000 owed after 60,000 of sales in 90 days: a third of 90 days.
    assert standard_dso(D("20000"), D("60000"), 90) == D("30")
    assert standard_dso(D("12345.67"), D("45000.00"), 90) == pytest.approx(
        D("24.69134"), abs=D("0.00001")
    )


def test_standard_dso_without_receivables_is_zero():
    assert standard_dso(D("0"), D("60000"), 90) == 0
    assert standard_dso(D("-150"), D("60000"), 90) == 0
    assert standard_dso(D("0"), D("0"), 90) == 0


def test_standard_dso_without_sales_is_undefined():
    assert standard_dso(D("500"), D("0"), 90) is None
    assert standard_dso(D("500"), D("-200"), 90) is None


# Count-back DSO


def test_countback_worked_example():
    # 20,000 on 30 June, 12,000 of sales in June and 10,000 in May:
    # June's 30 days, then 8,000 / 10,000 of May's 31 days.
    assert countback_dso(D("20000"), [(30, D("12000")), (31, D("10000"))]) == D("54.8")
    assert countback_dso_from_dates(
        D("20000"),
        JUNE_30,
        {date(2026, 6, 1): D("12000"), date(2026, 5, 1): D("10000")},
    ) == D("54.8")


def test_countback_inside_the_end_dates_month():
    # 3,000 owed on 12 March after 9,000 of sales since 1 March: 12 × 1/3.
    assert countback_dso_from_dates(
        D("3000"), date(2026, 3, 12), {date(2026, 3, 1): D("9000")}
    ) == D("4")


def test_countback_month_exactly_covered_counts_whole():
    assert countback_dso(D("12000"), [(30, D("12000")), (31, D("10000"))]) == 30


def test_countback_months_without_sales_count_their_days():
    # June has no sales and May a net credit note of 1,000: both count in full,
    # and the credit note adds to what April must explain (5,000 + 1,000).
    monthly = [(30, D("0")), (31, D("-1000")), (30, D("12000"))]
    assert countback_dso(D("5000"), monthly) == 30 + 31 + D("6000") / 12000 * 30


def test_countback_without_receivables_is_zero():
    assert countback_dso(D("0"), [(30, D("12000"))]) == 0
    assert countback_dso(D("-40"), [(30, D("12000"))]) == 0


def test_countback_never_exhausted_returns_the_whole_look_back():
    assert countback_dso(D("50000"), [(30, D("12000")), (31, D("10000"))]) == 61
    # No sales at all in 24 months: every day of the look-back counts.
    look_back = countback_months(JUNE_30)
    days = sum(window_days(start, end) for start, end in look_back)
    assert countback_dso_from_dates(D("500"), JUNE_30, {}) == days
    assert days == 730


def test_countback_look_back_is_capped():
    # Sales older than the cap are not read: the count stops at 2 months.
    sales = {date(2026, 6, 1): D("100"), date(2026, 4, 1): D("1000")}
    assert countback_dso_from_dates(D("500"), JUNE_30, sales, months=2) == 61
    assert countback_dso_from_dates(D("500"), JUNE_30, sales, months=3) == 30 + 31 + (
        D("400") / 1000 * 30
    )


# Properties

amounts = st.fractions(min_value=-10_000, max_value=100_000, max_denominator=100)
positive = st.fractions(min_value=Fraction(1, 100), max_value=100_000)
month_days = st.integers(min_value=1, max_value=31)
months = st.lists(st.tuples(month_days, amounts), min_size=1, max_size=30)


@given(receivable=amounts, sales=positive, days=st.integers(1, 730))
def test_standard_dso_times_sales_gives_back_the_receivables(receivable, sales, days):
    result = standard_dso(receivable, sales, days)
    if receivable <= 0:
        assert result == 0
    else:
        assert result * sales == receivable * days


@given(receivable=amounts, monthly=months)
def test_countback_stays_within_the_look_back(receivable, monthly):
    result = countback_dso(receivable, monthly)
    assert 0 <= result <= sum(days for days, _sales in monthly)


@given(receivable=positive, extra=positive, monthly=months)
def test_countback_grows_with_the_receivables(receivable, extra, monthly):
    assert countback_dso(receivable, monthly) <= countback_dso(
        receivable + extra, monthly
    )


@given(
    rate=positive,
    receivable=positive,
    monthly_days=st.lists(month_days, min_size=1, max_size=24),
)
def test_countback_of_even_sales_is_receivables_over_the_daily_rate(
    rate, receivable, monthly_days
):
    # Selling the same amount every day, the receivables are so many days of it.
    monthly = [(days, rate * days) for days in monthly_days]
    total_days = sum(monthly_days)
    expected = min(receivable / rate, total_days)
    assert countback_dso(receivable, monthly) == expected


@given(receivable=positive, first=positive, days=month_days, monthly=months)
def test_countback_within_the_first_month_is_its_share(
    receivable, first, days, monthly
):
    assume(receivable <= first)
    assert countback_dso(receivable, [(days, first), *monthly]) == (
        receivable / first * days
    )


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_countback_months_tile_the_calendar(day):
    windows = countback_months(day, 13)
    assert windows[0] == (month_start(day), day)
    for (start, _end), (_previous_start, previous_end) in pairwise(windows):
        assert previous_end == start - timedelta(days=1)
    for start, end in windows[1:]:
        assert start.day == 1
        assert end == month_end(start)


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_ended_month_ends_are_consecutive_month_ends(day):
    ends = ended_month_ends(day, 12)
    assert ends[-1] < month_start(day)
    assert all(end == month_end(end) for end in ends)
    assert all(add_months(a, 1) == month_start(b) for a, b in pairwise(ends))
