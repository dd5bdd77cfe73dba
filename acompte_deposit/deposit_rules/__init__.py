"""Plain-Python rules of the deposit flow.

Nothing in this package imports Odoo: the models gather the data and call these
functions, and the top-level ``tests/`` exercise them without a database.
"""

from .aging import AGING_BUCKETS, aging_bucket, aging_totals, days_past_due
from .amount import (
    amount_left_to_invoice,
    deposit_amount,
    exceeds_order_total,
    term_errors,
)
from .dashboard import average, count_tone, dashboard_periods, dso_tone
from .dso import (
    countback_dso,
    countback_dso_from_dates,
    countback_months,
    ended_month_ends,
    period_start,
    standard_dso,
)
from .reminder import due_reminder_level, is_on_hold, next_manual_level
from .risk import RiskFigures, risk_level, risk_score, thresholds_are_valid
from .state import DepositInvoice, deposit_state

__all__ = [
    "AGING_BUCKETS",
    "DepositInvoice",
    "RiskFigures",
    "aging_bucket",
    "aging_totals",
    "amount_left_to_invoice",
    "average",
    "count_tone",
    "countback_dso",
    "countback_dso_from_dates",
    "countback_months",
    "dashboard_periods",
    "deposit_amount",
    "days_past_due",
    "deposit_state",
    "dso_tone",
    "due_reminder_level",
    "ended_month_ends",
    "exceeds_order_total",
    "is_on_hold",
    "next_manual_level",
    "period_start",
    "risk_level",
    "risk_score",
    "standard_dso",
    "term_errors",
    "thresholds_are_valid",
]
