"""The deposit status of an order, without Odoo."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from deposit_rules import state
from deposit_rules.state import (
    AWAITING,
    CANCELLED,
    NONE,
    OVERDUE,
    PAID,
    PARTIAL,
    TO_INVOICE,
    DepositInvoice,
    deposit_state,
)
from hypothesis import given
from hypothesis import strategies as st

TODAY = date(2025, 3, 14)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)

ALL_STATES = {NONE, TO_INVOICE, AWAITING, OVERDUE, PARTIAL, PAID, CANCELLED}


def invoice(state="posted", payment="not_paid", residual="300", due=TOMORROW):
    return DepositInvoice(
        state=state,
        payment_state=payment,
        amount_residual=Decimal(residual),
        date_due=due,
    )


DRAFT = invoice(state="draft")
UNPAID = invoice()
UNPAID_DUE_TODAY = invoice(due=TODAY)
UNPAID_DUE_YESTERDAY = invoice(due=YESTERDAY)
UNPAID_NO_DUE_DATE = invoice(due=None)
HALF_PAID = invoice(payment="partial", residual="150")
HALF_PAID_LATE = invoice(payment="partial", residual="150", due=YESTERDAY)
PAID_INVOICE = invoice(payment="paid", residual="0")
PAID_LATE = invoice(payment="paid", residual="0", due=YESTERDAY)
IN_PAYMENT = invoice(payment="in_payment", residual="0")
IN_PAYMENT_LATE = invoice(payment="in_payment", residual="0", due=YESTERDAY)
REVERSED = invoice(payment="reversed", residual="0", due=YESTERDAY)
CANCELLED_INVOICE = invoice(state="cancel", residual="300", due=YESTERDAY)


def test_status_values_are_the_public_ones():
    assert ALL_STATES == {
        "none",
        "to_invoice",
        "awaiting",
        "overdue",
        "partial",
        "paid",
        "cancelled",
    }
    assert state.SETTLED_PAYMENT_STATES == {"paid", "in_payment"}


@pytest.mark.parametrize(
    ("order_state", "has_deposit", "invoices", "expected"),
    [
        # Quotations never have a deposit status of their own.
        ("draft", False, [], NONE),
        ("draft", True, [], NONE),
        ("sent", True, [], NONE),
        ("draft", True, [DRAFT], NONE),
        # Confirmed, nothing posted yet.
        ("sale", False, [], NONE),
        ("sale", True, [], TO_INVOICE),
        ("sale", True, [DRAFT], TO_INVOICE),
        ("sale", False, [DRAFT], TO_INVOICE),
        # Posted and unpaid.
        ("sale", True, [UNPAID], AWAITING),
        ("sale", True, [UNPAID_NO_DUE_DATE], AWAITING),
        ("sale", True, [UNPAID, DRAFT], AWAITING),
        # Partly paid.
        ("sale", True, [HALF_PAID], PARTIAL),
        ("sale", True, [PAID_INVOICE, UNPAID], PARTIAL),
        ("sale", True, [IN_PAYMENT, UNPAID], PARTIAL),
        # Settled.
        ("sale", True, [PAID_INVOICE], PAID),
        ("sale", True, [IN_PAYMENT], PAID),
        ("sale", True, [PAID_INVOICE, IN_PAYMENT], PAID),
        ("sale", True, [PAID_LATE], PAID),
        ("sale", True, [IN_PAYMENT_LATE], PAID),
        ("sale", False, [PAID_INVOICE], PAID),
        # Cancelled or reversed deposits.
        ("sale", True, [REVERSED], CANCELLED),
        ("sale", True, [CANCELLED_INVOICE], CANCELLED),
        ("sale", True, [REVERSED, CANCELLED_INVOICE], CANCELLED),
        ("draft", False, [REVERSED], CANCELLED),
        # A reversed deposit replaced by a new one follows the new one.
        ("sale", True, [REVERSED, UNPAID], AWAITING),
        ("sale", True, [CANCELLED_INVOICE, PAID_INVOICE], PAID),
        ("sale", True, [REVERSED, DRAFT], TO_INVOICE),
        # Cancelled orders.
        ("cancel", True, [], CANCELLED),
        ("cancel", False, [CANCELLED_INVOICE], CANCELLED),
        ("cancel", True, [REVERSED], CANCELLED),
        ("cancel", True, [DRAFT], CANCELLED),
        ("cancel", False, [], NONE),
    ],
)
def test_deposit_state(order_state, has_deposit, invoices, expected):
    assert deposit_state(order_state, has_deposit, invoices, TODAY) == expected


@pytest.mark.parametrize(
    ("order_state", "has_deposit", "invoices", "expected"),
    [
        # Paid online before confirmation: nothing left to invoice.
        ("sale", True, [], PAID),
        # Prepayment never hides a deposit invoice that exists.
        ("sale", True, [DRAFT], TO_INVOICE),
        ("sale", True, [UNPAID], AWAITING),
        ("sale", True, [UNPAID_DUE_YESTERDAY], OVERDUE),
        ("sale", True, [PAID_INVOICE], PAID),
        # No deposit asked, or not confirmed yet.
        ("sale", False, [], NONE),
        ("draft", True, [], NONE),
        ("sent", True, [], NONE),
        ("cancel", True, [], CANCELLED),
    ],
)
def test_deposit_state_when_prepaid_online(
    order_state, has_deposit, invoices, expected
):
    result = deposit_state(order_state, has_deposit, invoices, TODAY, prepaid=True)
    assert result == expected


def test_prepaid_defaults_to_false():
    assert deposit_state("sale", True, [], TODAY) == TO_INVOICE


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (TODAY - timedelta(days=30), OVERDUE),
        (YESTERDAY, OVERDUE),
        (TODAY, AWAITING),
        (TOMORROW, AWAITING),
        (None, AWAITING),
    ],
)
def test_overdue_starts_the_day_after_the_due_date(due, expected):
    assert deposit_state("sale", True, [invoice(due=due)], TODAY) == expected


def test_same_invoice_becomes_overdue_as_days_pass():
    deposit = invoice(due=TODAY)
    assert deposit_state("sale", True, [deposit], TODAY) == AWAITING
    assert deposit_state("sale", True, [deposit], TOMORROW) == OVERDUE


def test_partly_paid_and_late_is_overdue():
    assert deposit_state("sale", True, [HALF_PAID_LATE], TODAY) == OVERDUE
    assert deposit_state("sale", True, [HALF_PAID], TODAY) == PARTIAL


def test_a_paid_late_invoice_does_not_make_another_one_overdue():
    deposits = [PAID_LATE, UNPAID]
    assert deposit_state("sale", True, deposits, TODAY) == PARTIAL


def test_one_late_invoice_among_several_makes_the_order_overdue():
    deposits = [PAID_INVOICE, UNPAID, UNPAID_DUE_YESTERDAY]
    assert deposit_state("sale", True, deposits, TODAY) == OVERDUE


def test_cancelled_and_reversed_invoices_are_not_reminded():
    # Late, unpaid, but cancelled or reversed: never overdue.
    late_cancelled = invoice(state="cancel", due=TODAY - timedelta(days=40))
    assert deposit_state("sale", True, [late_cancelled], TODAY) == CANCELLED
    reversed_late = invoice(payment="reversed", due=TODAY - timedelta(days=40))
    assert deposit_state("sale", True, [reversed_late], TODAY) == CANCELLED


def test_nothing_left_to_pay_is_paid_whatever_the_payment_state():
    settled = invoice(payment="not_paid", residual="0", due=YESTERDAY)
    assert deposit_state("sale", True, [settled], TODAY) == PAID


def test_is_live():
    assert UNPAID.is_live
    assert DRAFT.is_live
    assert PAID_INVOICE.is_live
    assert not REVERSED.is_live
    assert not CANCELLED_INVOICE.is_live


def test_deposit_invoice_is_immutable():
    with pytest.raises(AttributeError):
        UNPAID.amount_residual = Decimal("0")


# Properties

invoices = st.builds(
    DepositInvoice,
    state=st.sampled_from(["draft", "posted", "cancel"]),
    payment_state=st.sampled_from(
        ["not_paid", "partial", "in_payment", "paid", "reversed"]
    ),
    amount_residual=st.decimals(min_value=0, max_value=10**6, places=2),
    date_due=st.one_of(
        st.none(), st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 1, 1))
    ),
)
order_states = st.sampled_from(["draft", "sent", "sale", "cancel"])


@given(order_states, st.booleans(), st.lists(invoices, max_size=4))
def test_status_is_always_a_public_value(order_state, has_deposit, deposits):
    assert deposit_state(order_state, has_deposit, deposits, TODAY) in ALL_STATES


@given(order_states, st.booleans(), st.lists(invoices, max_size=4))
def test_never_overdue_before_every_due_date(order_state, has_deposit, deposits):
    due_dates = [d.date_due for d in deposits if d.date_due is not None]
    today = min(due_dates, default=TODAY)
    assert deposit_state(order_state, has_deposit, deposits, today) != OVERDUE


@given(st.booleans(), st.lists(invoices, max_size=4))
def test_without_live_posted_invoice_never_awaiting_or_paid(has_deposit, deposits):
    deposits = [d for d in deposits if not (d.is_live and d.state == "posted")]
    result = deposit_state("sale", has_deposit, deposits, TODAY)
    assert result in {NONE, TO_INVOICE, CANCELLED}
