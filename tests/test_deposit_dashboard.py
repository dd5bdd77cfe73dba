"""Periods, averages and tones of the deposit dashboard, without Odoo."""

from datetime import date, timedelta

import pytest
from deposit_rules.dashboard import (
    DANGER,
    NEUTRAL,
    SUCCESS,
    WARNING,
    average,
    count_tone,
    dashboard_periods,
    dso_tone,
    months_before,
)
from hypothesis import given
from hypothesis import strategies as st


def test_periods_in_the_middle_of_a_month():
    periods = dashboard_periods(date(2026, 3, 15))
    assert periods.month_start == date(2026, 3, 1)
    # 90 days, 15 March included: 15 days of March, 28 of February, 31 of
    # January and 16 of December.
    assert periods.collection_start == date(2025, 12, 16)
    assert periods.active_start == date(2025, 3, 16)


def test_periods_on_the_first_day_of_a_month():
    periods = dashboard_periods(date(2026, 1, 1))
    assert periods.month_start == date(2026, 1, 1)
    assert periods.collection_start == date(2025, 10, 4)
    assert periods.active_start == date(2025, 1, 2)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 12, 31), 12, date(2025, 12, 31)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
    ],
)
def test_months_before_clamps_to_the_end_of_the_month(day, months, expected):
    assert months_before(day, months) == expected


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 12, 31)))
def test_windows_hold_their_exact_length(today):
    periods = dashboard_periods(today)
    assert (today - periods.collection_start).days + 1 == 90
    assert periods.month_start <= today
    assert periods.month_start.month == today.month
    assert periods.active_start > today - timedelta(days=367)
    assert periods.active_start <= today - timedelta(days=364)


def test_average_of_days():
    assert average(17, 4) == 4.25
    assert average(0, 3) == 0


def test_average_of_nothing_is_none():
    assert average(0, 0) is None


@pytest.mark.parametrize(
    ("days", "target", "tone"),
    [
        (30.1, 30, DANGER),
        (30, 30, SUCCESS),
        (12.5, 30, SUCCESS),
        (None, 30, NEUTRAL),
        (45, None, NEUTRAL),
    ],
)
def test_dso_is_danger_only_above_its_target(days, target, tone):
    assert dso_tone(days, target) == tone


def test_count_tone_only_when_something_is_counted():
    assert count_tone(3, WARNING) == WARNING
    assert count_tone(0, WARNING) == NEUTRAL
