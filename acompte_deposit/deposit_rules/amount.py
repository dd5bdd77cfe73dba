"""How much a deposit is, and whether deposit terms make sense.

Amounts are handled as :class:`decimal.Decimal` and rounded half-up to the
currency's rounding step, the way Odoo rounds monetary amounts.
"""

from decimal import ROUND_HALF_UP, Decimal

PERCENT = "percent"
FIXED = "fixed"

# Error codes returned by term_errors(); the models turn them into translated
# messages.
PERCENT_OUT_OF_RANGE = "percent_out_of_range"
FIXED_NOT_POSITIVE = "fixed_not_positive"
NEGATIVE_DUE_DAYS = "negative_due_days"
UNKNOWN_AMOUNT_TYPE = "unknown_amount_type"


def _decimal(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_to_step(amount, rounding):
    """Round ``amount`` half-up to a multiple of ``rounding`` (0.01, 0.05, 1...)."""
    step = _decimal(rounding)
    if step <= 0:
        raise ValueError("rounding must be positive")
    units = (_decimal(amount) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return units * step


def deposit_amount(amount_type, value, order_total, rounding=Decimal("0.01")):
    """Return the tax-included deposit for an order.

    ``percent`` takes ``value`` percent of the tax-included ``order_total``;
    ``fixed`` is ``value`` itself, already tax-included and in the order's
    currency. An order whose total is zero or negative gets no deposit. A fixed
    deposit above the total is returned as is: exceeds_order_total() tells the
    caller to refuse it.
    """
    total = _decimal(order_total)
    if total <= 0:
        return Decimal(0)
    if amount_type == PERCENT:
        return round_to_step(total * _decimal(value) / 100, rounding)
    if amount_type == FIXED:
        return round_to_step(value, rounding)
    raise ValueError(f"unknown amount type {amount_type!r}")


def exceeds_order_total(amount, order_total, rounding=Decimal("0.01")):
    """True when a deposit is larger than the order it is asked for."""
    return round_to_step(amount, rounding) > round_to_step(order_total, rounding)


def amount_left_to_invoice(target, already_paid, rounding=Decimal("0.01")):
    """Part of the deposit still to invoice once online prepayments are counted.

    ``already_paid`` is what the customer already paid online for the order
    (Odoo's prepayment); it is never invoiced twice. Never negative.
    """
    left = round_to_step(_decimal(target) - _decimal(already_paid), rounding)
    return max(left, Decimal(0))


def term_errors(amount_type, value, due_days):
    """List the error codes of deposit terms; an empty list means they are valid.

    A percentage lies in ]0, 100]; a fixed amount is above zero; the due delay
    is zero or more days.
    """
    errors = []
    if amount_type == PERCENT:
        if not 0 < _decimal(value) <= 100:
            errors.append(PERCENT_OUT_OF_RANGE)
    elif amount_type == FIXED:
        if _decimal(value) <= 0:
            errors.append(FIXED_NOT_POSITIVE)
    else:
        errors.append(UNKNOWN_AMOUNT_TYPE)
    if due_days is None or due_days < 0:
        errors.append(NEGATIVE_DUE_DAYS)
    return errors
