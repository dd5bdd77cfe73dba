"""The deposit status of a sale order, derived from its deposit invoices."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

NONE = "none"
TO_INVOICE = "to_invoice"
AWAITING = "awaiting"
OVERDUE = "overdue"
PARTIAL = "partial"
PAID = "paid"
CANCELLED = "cancelled"

# Odoo's payment states that mean the customer has settled the invoice, and
# those of an invoice still waiting for money.
SETTLED_PAYMENT_STATES = frozenset({"paid", "in_payment"})
OPEN_PAYMENT_STATES = frozenset({"not_paid", "partial"})


@dataclass(frozen=True)
class DepositInvoice:
    """What the status needs to know of one deposit invoice."""

    state: str  # draft, posted, cancel
    payment_state: str  # not_paid, partial, in_payment, paid, reversed...
    amount_residual: Decimal
    date_due: date | None
    credited: bool = False  # posted credit notes cover its whole total

    @property
    def is_live(self):
        """Neither cancelled nor reversed by credit notes."""
        return (
            self.state != "cancel"
            and self.payment_state != "reversed"
            and not self.credited
        )


def deposit_state(order_state, has_deposit, invoices, today, prepaid=False):
    """Return the deposit status of an order.

    ``order_state`` is the sale order's state, ``has_deposit`` whether it asks
    for a deposit (terms and a positive amount), ``invoices`` its deposit
    invoices, ``today`` the company's date and ``prepaid`` whether online
    payments already cover the deposit (then no deposit invoice is needed).
    Posted invoices rule: past due with something left is ``overdue`` (even
    when partly paid), then
    ``partial``, ``paid`` or ``awaiting``. A confirmed order whose deposit is
    not posted yet is ``to_invoice``. Deposits that were all cancelled or
    reversed, or a cancelled order that had one, are ``cancelled``.
    """
    live = [invoice for invoice in invoices if invoice.is_live]
    posted = [invoice for invoice in live if invoice.state == "posted"]
    if order_state == "cancel" and not posted:
        return CANCELLED if invoices or has_deposit else NONE
    if posted:
        return _posted_state(posted, today)
    if order_state == "sale" and has_deposit and prepaid and not live:
        return PAID
    if invoices and not live:
        return CANCELLED
    if order_state == "sale" and (has_deposit or live):
        return TO_INVOICE
    return NONE


def _posted_state(posted, today):
    residual = sum((invoice.amount_residual for invoice in posted), Decimal(0))
    if residual <= 0 or all(
        invoice.payment_state in SETTLED_PAYMENT_STATES for invoice in posted
    ):
        return PAID
    overdue = any(
        invoice.amount_residual > 0
        and invoice.date_due is not None
        and invoice.date_due < today
        for invoice in posted
    )
    if overdue:
        return OVERDUE
    if any(invoice.payment_state == "partial" for invoice in posted) or any(
        invoice.payment_state in SETTLED_PAYMENT_STATES for invoice in posted
    ):
        return PARTIAL
    return AWAITING
