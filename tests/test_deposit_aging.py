"""Aging buckets of open amounts, without Odoo."""

import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

# The suite's conftest loads ``deposit_rules`` on its own; run alone, this file
# finds it in the add-on's folder.
if "deposit_rules" not in sys.modules:
    _module_dir = str(Path(__file__).resolve().parent.parent / "acompte_deposit")
    if _module_dir not in sys.path:
        sys.path.insert(0, _module_dir)

import pytest  # noqa: E402 (after the path set-up above)
from deposit_rules.aging import (  # noqa: E402 (after the path set-up above)
    AGING_BUCKETS,
    DAYS_1_30,
    DAYS_31_60,
    DAYS_61_90,
    NOT_DUE,
    OVER_90,
    aging_bucket,
    aging_totals,
    days_past_due,
)
from hypothesis import given  # noqa: E402 (after the path set-up above)
from hypothesis import strategies as st  # noqa: E402 (after the path set-up above)

TODAY = date(2026, 3, 31)


def late(days):
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize(
    ("date_due", "bucket"),
    [
        (None, NOT_DUE),
        (TODAY + timedelta(days=10), NOT_DUE),
        (TODAY, NOT_DUE),
        (late(1), DAYS_1_30),
        (late(30), DAYS_1_30),
        (late(31), DAYS_31_60),
        (late(60), DAYS_31_60),
        (late(61), DAYS_61_90),
        (late(90), DAYS_61_90),
        (late(91), OVER_90),
        (late(400), OVER_90),
    ],
)
def test_bucket_boundaries(date_due, bucket):
    assert aging_bucket(date_due, TODAY) == bucket


def test_days_past_due_counts_calendar_days_across_months():
    # 28 February to 31 March 2026: 31 days.
    assert days_past_due(date(2026, 2, 28), TODAY) == 31
    assert aging_bucket(date(2026, 2, 28), TODAY) == DAYS_31_60


def test_days_past_due_is_zero_before_the_due_date_and_without_one():
    assert days_past_due(TODAY + timedelta(days=5), TODAY) == 0
    assert days_past_due(None, TODAY) == 0


def test_totals_by_bucket():
    items = [
        (TODAY, Decimal("1200.00")),
        (late(15), Decimal("600.00")),
        (late(15), Decimal("150.50")),
        (late(45), Decimal("300.00")),
        (late(75), Decimal("240.00")),
        (late(120), Decimal("90.00")),
        (None, Decimal("10.00")),
    ]
    assert aging_totals(items, TODAY) == {
        NOT_DUE: Decimal("1210.00"),
        DAYS_1_30: Decimal("750.50"),
        DAYS_31_60: Decimal("300.00"),
        DAYS_61_90: Decimal("240.00"),
        OVER_90: Decimal("90.00"),
    }


def test_a_credit_note_lowers_its_bucket():
    items = [(late(40), Decimal("500.00")), (late(35), Decimal("-120.00"))]
    assert aging_totals(items, TODAY)[DAYS_31_60] == Decimal("380.00")


def test_totals_list_every_bucket_in_order_even_when_empty():
    totals = aging_totals([], TODAY)
    assert list(totals) == [bucket for bucket, _last_day in AGING_BUCKETS]
    assert set(totals.values()) == {Decimal(0)}


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-200, 500)),
            st.decimals(-10_000, 10_000, places=2),
        )
    )
)
def test_totals_add_up_to_the_sum_of_the_items(raw_items):
    items = [
        (None if days is None else late(days), amount) for days, amount in raw_items
    ]
    totals = aging_totals(items, TODAY)
    assert sum(totals.values(), Decimal(0)) == sum(
        (amount for _date_due, amount in items), Decimal(0)
    )
