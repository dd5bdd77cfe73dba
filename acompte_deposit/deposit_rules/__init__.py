"""Plain-Python rules of the deposit flow.

Nothing in this package imports Odoo: the models gather the data and call these
functions, and the top-level ``tests/`` exercise them without a database.
"""

from .amount import (
    amount_left_to_invoice,
    deposit_amount,
    exceeds_order_total,
    term_errors,
)
from .reminder import due_reminder_level, is_on_hold, next_manual_level
from .risk import RiskFigures, risk_level, risk_score, thresholds_are_valid
from .state import DepositInvoice, deposit_state

__all__ = [
    "DepositInvoice",
    "RiskFigures",
    "amount_left_to_invoice",
    "deposit_amount",
    "deposit_state",
    "due_reminder_level",
    "exceeds_order_total",
    "is_on_hold",
    "next_manual_level",
    "risk_level",
    "risk_score",
    "term_errors",
    "thresholds_are_valid",
]
