"""The customer risk score and level, without Odoo."""

from dataclasses import replace
from decimal import Decimal

import pytest
from deposit_rules import RiskFigures, risk_level, risk_score, thresholds_are_valid
from deposit_rules.risk import (
    DEFAULT_HIGH_THRESHOLD,
    DEFAULT_MEDIUM_THRESHOLD,
    average_days_late,
    late_share,
    overdue_share,
)
from hypothesis import given
from hypothesis import strategies as st

D = Decimal

# The worked example of the module's docstring.
EXAMPLE = RiskFigures(
    invoiced=D("10000"),
    late_amount=D("4000"),
    late_amount_days=D("60000"),
    open_amount=D("3000"),
    overdue_amount=D("1500"),
    extra_reminders=1,
    unpaid_deposits=1,
    unpaid_deposit_amount=D("360"),
)


def test_worked_example_scores_35_and_is_medium():
    assert late_share(EXAMPLE) == D("0.4")
    assert average_days_late(EXAMPLE) == D("6")
    assert overdue_share(EXAMPLE) == D("0.5")
    # 12 + 2.5 + 10 + 3.33 + 7.5 = 35.33
    assert risk_score(EXAMPLE) == 35
    assert risk_level(35, 30, 60) == "medium"


def test_customer_paying_on_time_with_nothing_overdue_scores_zero():
    figures = RiskFigures(invoiced=D("5000"), open_amount=D("1200"))
    assert risk_score(figures) == 0
    assert risk_level(0, 30, 60) == "low"


def test_no_history_has_no_score_and_is_medium():
    assert risk_score(RiskFigures()) is None
    assert risk_level(None, 30, 60) == "medium"


def test_only_something_open_is_history():
    # Invoiced more than 12 months ago, still open and overdue.
    figures = RiskFigures(open_amount=D("800"), overdue_amount=D("800"))
    assert risk_score(figures) == 20


def test_every_part_at_its_cap_scores_100():
    figures = RiskFigures(
        invoiced=D("1000"),
        late_amount=D("1000"),
        late_amount_days=D("90000"),  # 90 days on average, capped at 60
        open_amount=D("1000"),
        overdue_amount=D("1000"),
        extra_reminders=7,
        unpaid_deposits=4,
    )
    assert average_days_late(figures) == D("60")
    assert risk_score(figures) == 100


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        # Everything paid 12 days late: 30 + 25 x 12 / 60 = 35.
        (
            RiskFigures(
                invoiced=D("2000"),
                late_amount=D("2000"),
                late_amount_days=D("24000"),
            ),
            35,
        ),
        # Half of it late by 30 days: 15 + 25 x 15 / 60 = 21.25.
        (
            RiskFigures(
                invoiced=D("2000"),
                late_amount=D("1000"),
                late_amount_days=D("30000"),
            ),
            21,
        ),
        # Two reminders beyond the first level: 10 x 2 / 3 = 6.67.
        (RiskFigures(invoiced=D("100"), extra_reminders=2), 7),
        # One unpaid overdue deposit: 15 / 2 = 7.5, rounded half up.
        (
            RiskFigures(
                invoiced=D("100"),
                open_amount=D("100"),
                unpaid_deposits=1,
            ),
            8,
        ),
    ],
)
def test_parts_of_the_score(figures, expected):
    assert risk_score(figures) == expected


def test_credit_notes_above_invoices_count_anything_late_in_full():
    figures = RiskFigures(
        invoiced=D("-200"),
        late_amount=D("100"),
        late_amount_days=D("500"),
    )
    assert late_share(figures) == 1
    assert average_days_late(figures) == 60
    assert risk_score(figures) == 55


def test_negative_open_receivable_has_no_overdue_share():
    figures = RiskFigures(invoiced=D("100"), open_amount=D("-50"))
    assert overdue_share(figures) == 0
    assert risk_score(figures) == 0


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, "low"),
        (29, "low"),
        (30, "medium"),
        (59, "medium"),
        (60, "high"),
        (100, "high"),
        (None, "medium"),
    ],
)
def test_level_from_the_default_thresholds(score, expected):
    level = risk_level(score, DEFAULT_MEDIUM_THRESHOLD, DEFAULT_HIGH_THRESHOLD)
    assert level == expected


@pytest.mark.parametrize(
    ("medium", "high", "valid"),
    [
        (30, 60, True),
        (1, 100, True),
        (0, 60, False),
        (60, 60, False),
        (70, 60, False),
        (30, 101, False),
    ],
)
def test_thresholds(medium, high, valid):
    assert thresholds_are_valid(medium, high) is valid


# Properties

amounts = st.decimals(
    min_value=-(10**7),
    max_value=10**7,
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
counts = st.integers(min_value=-2, max_value=50)
figures_strategy = st.builds(
    RiskFigures,
    invoiced=amounts,
    late_amount=amounts,
    late_amount_days=amounts.map(lambda amount: amount * 30),
    open_amount=amounts,
    overdue_amount=amounts,
    extra_reminders=counts,
    unpaid_deposits=counts,
    unpaid_deposit_amount=amounts,
)

# Fields whose growth can only raise the score, and those that can only lower it.
WORSENING = (
    "late_amount",
    "late_amount_days",
    "overdue_amount",
    "extra_reminders",
    "unpaid_deposits",
    "unpaid_deposit_amount",
)
IMPROVING = ("invoiced", "open_amount")


@given(figures_strategy)
def test_score_is_none_or_between_0_and_100(figures):
    score = risk_score(figures)
    if figures.has_history:
        assert isinstance(score, int)
        assert 0 <= score <= 100
    else:
        assert score is None


@given(
    figures_strategy.filter(lambda figures: figures.invoiced and figures.open_amount),
    st.sampled_from(WORSENING),
    st.integers(min_value=0, max_value=10**6),
)
def test_score_never_falls_when_a_bad_figure_grows(figures, name, growth):
    worse = replace(figures, **{name: getattr(figures, name) + growth})
    assert risk_score(worse) >= risk_score(figures)


@given(
    figures_strategy.filter(lambda figures: figures.invoiced and figures.open_amount),
    st.sampled_from(IMPROVING),
    st.integers(min_value=0, max_value=10**6),
)
def test_score_never_rises_when_a_base_grows(figures, name, growth):
    larger = replace(figures, **{name: getattr(figures, name) + growth})
    if larger.has_history:
        assert risk_score(larger) <= risk_score(figures)


@given(
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=1, max_value=99),
)
def test_level_rises_with_the_score(score_a, score_b, medium):
    high = medium + 1
    order = {"low": 0, "medium": 1, "high": 2}
    low_score, high_score = sorted((score_a, score_b))
    assert (
        order[risk_level(low_score, medium, high)]
        <= order[risk_level(high_score, medium, high)]
    )
