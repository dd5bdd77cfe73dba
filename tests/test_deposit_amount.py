"""Deposit amounts and deposit terms validation, without Odoo."""

from decimal import Decimal

import pytest
from deposit_rules import amount
from deposit_rules.amount import (
    FIXED,
    FIXED_NOT_POSITIVE,
    NEGATIVE_DUE_DAYS,
    PERCENT,
    PERCENT_OUT_OF_RANGE,
    UNKNOWN_AMOUNT_TYPE,
    amount_left_to_invoice,
    deposit_amount,
    exceeds_order_total,
    round_to_step,
    term_errors,
)
from hypothesis import assume, given
from hypothesis import strategies as st

D = Decimal
CENT = D("0.01")
NICKEL = D("0.05")


# round_to_step


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (D("370.371"), CENT, D("370.37")),
        (D("0.005"), CENT, D("0.01")),
        (D("0.0049"), CENT, D("0.00")),
        (D("2.675"), CENT, D("2.68")),
        (D("-0.005"), CENT, D("-0.01")),
        (D("1.225"), NICKEL, D("1.25")),
        (D("1.224"), NICKEL, D("1.20")),
        (D("24.717"), NICKEL, D("24.70")),
        (D("24.725"), NICKEL, D("24.75")),
        (D("300.3"), D("1"), D("300")),
        (D("300.5"), D("1"), D("301")),
        (D("7"), D("0.1"), D("7.0")),
    ],
)
def test_round_to_step_is_half_up_on_the_step(value, step, expected):
    assert round_to_step(value, step) == expected


def test_round_to_step_reads_floats_as_written():
    # The float 2.675 is stored as 2.67499999...; it is read through str(),
    # so it rounds the way a person reads it.
    assert round_to_step(2.675, 0.01) == D("2.68")
    assert round_to_step(0.005, "0.01") == D("0.01")


@pytest.mark.parametrize("step", [0, D("0"), D("-0.01"), -1])
def test_round_to_step_refuses_a_step_that_is_not_positive(step):
    with pytest.raises(ValueError):
        round_to_step(D("10"), step)


# deposit_amount


@pytest.mark.parametrize(
    ("amount_type", "value", "total", "rounding", "expected"),
    [
        (PERCENT, D("30"), D("1234.57"), CENT, D("370.37")),
        (PERCENT, D("30"), D("1000"), CENT, D("300.00")),
        (PERCENT, D("50"), D("0.01"), CENT, D("0.01")),
        (PERCENT, D("33.33"), D("100"), CENT, D("33.33")),
        (PERCENT, D("100"), D("1234.57"), CENT, D("1234.57")),
        (PERCENT, D("0.5"), D("999.99"), CENT, D("5.00")),
        (PERCENT, D("33"), D("74.90"), NICKEL, D("24.70")),
        (PERCENT, D("10"), D("12.25"), NICKEL, D("1.25")),
        (PERCENT, D("30"), D("1001"), D("1"), D("300")),
        (FIXED, D("500"), D("1200"), CENT, D("500.00")),
        (FIXED, D("99.999"), D("1200"), CENT, D("100.00")),
        (FIXED, D("12.22"), D("100"), NICKEL, D("12.20")),
    ],
)
def test_deposit_amount(amount_type, value, total, rounding, expected):
    result = deposit_amount(amount_type, value, total, rounding)
    assert isinstance(result, Decimal)
    assert result == expected


def test_deposit_amount_default_rounding_is_the_cent():
    assert deposit_amount(PERCENT, 30, D("1234.57")) == D("370.37")


def test_deposit_amount_accepts_floats_from_the_orm():
    assert deposit_amount(PERCENT, 30.0, 1234.57, 0.01) == D("370.37")
    assert deposit_amount(FIXED, 250.0, 1000.0, 0.01) == D("250.00")


def test_fixed_deposit_above_the_total_is_returned_unchanged():
    # The caller refuses it with exceeds_order_total(); the amount is not capped
    # silently.
    assert deposit_amount(FIXED, D("500"), D("400")) == D("500.00")
    assert exceeds_order_total(D("500"), D("400"))


@pytest.mark.parametrize("total", [D("0"), D("0.00"), D("-0.01"), D("-250")])
@pytest.mark.parametrize(
    ("amount_type", "value"), [(PERCENT, D("30")), (FIXED, D("100"))]
)
def test_zero_or_negative_total_gets_no_deposit(amount_type, value, total):
    assert deposit_amount(amount_type, value, total) == D("0")


def test_unknown_amount_type_is_refused():
    with pytest.raises(ValueError):
        deposit_amount("share", D("30"), D("100"))


# exceeds_order_total


@pytest.mark.parametrize(
    ("deposit", "total", "rounding", "expected"),
    [
        (D("400.01"), D("400"), CENT, True),
        (D("400"), D("400"), CENT, False),
        (D("399.99"), D("400"), CENT, False),
        # Compared once both are rounded to the currency.
        (D("400.004"), D("400"), CENT, False),
        (D("400.005"), D("400"), CENT, True),
        (D("400.02"), D("400"), NICKEL, False),
        (D("400.03"), D("400"), NICKEL, True),
    ],
)
def test_exceeds_order_total(deposit, total, rounding, expected):
    assert exceeds_order_total(deposit, total, rounding) is expected


# amount_left_to_invoice


@pytest.mark.parametrize(
    ("target", "paid", "rounding", "expected"),
    [
        (D("300"), D("0"), CENT, D("300.00")),
        (D("300"), D("100"), CENT, D("200.00")),
        (D("300"), D("299.99"), CENT, D("0.01")),
        (D("300"), D("300"), CENT, D("0")),
        (D("300"), D("350"), CENT, D("0")),
        (D("370.37"), D("100.004"), CENT, D("270.37")),
        (D("24.70"), D("10.02"), NICKEL, D("14.70")),
    ],
)
def test_amount_left_to_invoice(target, paid, rounding, expected):
    assert amount_left_to_invoice(target, paid, rounding) == expected


def test_amount_left_to_invoice_is_never_negative():
    assert amount_left_to_invoice(D("100"), D("1000")) == D("0")
    assert amount_left_to_invoice(D("100"), D("1000")) >= 0


# term_errors


@pytest.mark.parametrize(
    ("amount_type", "value", "due_days", "expected"),
    [
        (PERCENT, D("30"), 0, []),
        (PERCENT, D("0.01"), 15, []),
        (PERCENT, D("100"), 30, []),
        (PERCENT, 100.0, 30, []),
        (PERCENT, D("0"), 0, [PERCENT_OUT_OF_RANGE]),
        (PERCENT, 0.0, 0, [PERCENT_OUT_OF_RANGE]),
        (PERCENT, D("-5"), 0, [PERCENT_OUT_OF_RANGE]),
        (PERCENT, D("100.01"), 0, [PERCENT_OUT_OF_RANGE]),
        (PERCENT, 100.01, 0, [PERCENT_OUT_OF_RANGE]),
        (FIXED, D("0.01"), 0, []),
        (FIXED, D("5000"), 10, []),
        (FIXED, D("0"), 0, [FIXED_NOT_POSITIVE]),
        (FIXED, D("-1"), 0, [FIXED_NOT_POSITIVE]),
        (FIXED, -1.0, 0, [FIXED_NOT_POSITIVE]),
        (PERCENT, D("30"), -1, [NEGATIVE_DUE_DAYS]),
        (PERCENT, D("30"), None, [NEGATIVE_DUE_DAYS]),
        (FIXED, D("100"), -1, [NEGATIVE_DUE_DAYS]),
        (PERCENT, D("0"), -1, [PERCENT_OUT_OF_RANGE, NEGATIVE_DUE_DAYS]),
        (FIXED, D("-1"), -30, [FIXED_NOT_POSITIVE, NEGATIVE_DUE_DAYS]),
        ("share", D("30"), 0, [UNKNOWN_AMOUNT_TYPE]),
        (False, D("30"), -1, [UNKNOWN_AMOUNT_TYPE, NEGATIVE_DUE_DAYS]),
    ],
)
def test_term_errors(amount_type, value, due_days, expected):
    assert term_errors(amount_type, value, due_days) == expected


def test_error_codes_are_distinct_strings():
    codes = {
        amount.PERCENT_OUT_OF_RANGE,
        amount.FIXED_NOT_POSITIVE,
        amount.NEGATIVE_DUE_DAYS,
        amount.UNKNOWN_AMOUNT_TYPE,
    }
    assert len(codes) == 4
    assert all(isinstance(code, str) for code in codes)


# Properties

steps = st.sampled_from([CENT, NICKEL, D("0.1"), D("1")])
percents = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def totals_on_step(draw):
    """An order total that is a whole number of rounding steps, as Odoo keeps it."""
    step = draw(steps)
    units = draw(st.integers(min_value=1, max_value=10**11))
    return units * step, step


@given(totals_on_step(), percents)
def test_percent_deposit_never_exceeds_the_total(total_and_step, percent):
    total, step = total_and_step
    deposit = deposit_amount(PERCENT, percent, total, step)
    assert D("0") <= deposit <= total
    assert not exceeds_order_total(deposit, total, step)


@given(
    st.sampled_from([PERCENT, FIXED]),
    st.decimals(min_value=0, max_value=10**6, places=4),
    st.decimals(min_value=-(10**9), max_value=10**9, places=3),
    steps,
)
def test_deposit_is_a_whole_number_of_rounding_steps(
    amount_type, value, total, step
):
    assume(amount_type == FIXED or value <= 100)
    deposit = deposit_amount(amount_type, value, total, step)
    assert deposit % step == 0
    assert round_to_step(deposit, step) == deposit


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=6),
    steps,
)
def test_rounding_moves_by_at_most_half_a_step(value, step):
    rounded = round_to_step(value, step)
    assert abs(rounded - value) <= step / 2
    assert round_to_step(rounded, step) == rounded


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.decimals(min_value=0, max_value=10**9, places=2),
)
def test_prepayment_and_invoice_add_up_to_the_deposit(target, paid):
    left = amount_left_to_invoice(target, paid)
    assert left >= 0
    if paid <= target:
        assert left + paid == target
    else:
        assert left == 0
