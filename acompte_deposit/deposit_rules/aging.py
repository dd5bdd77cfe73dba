"""Aging of open amounts: how far past their due date they stand.

An amount falls in one of five buckets by the days elapsed since its due date:
not due yet (due today or later, or without a due date), then 1 to 30, 31 to
60, 61 to 90 and over 90 days past due. The analysis and the receivables report
use the same buckets.
"""

from datetime import date
from decimal import Decimal

NOT_DUE = "not_due"
DAYS_1_30 = "1_30"
DAYS_31_60 = "31_60"
DAYS_61_90 = "61_90"
OVER_90 = "over_90"

# Each bucket with the last number of days past due it holds, in order; the
# last one is open-ended.
AGING_BUCKETS = (
    (NOT_DUE, 0),
    (DAYS_1_30, 30),
    (DAYS_31_60, 60),
    (DAYS_61_90, 90),
    (OVER_90, None),
)


def days_past_due(date_due: date | None, today: date) -> int:
    """Days elapsed since ``date_due``; 0 when not due yet or without due date."""
    if date_due is None:
        return 0
    return max((today - date_due).days, 0)


def aging_bucket(date_due: date | None, today: date) -> str:
    """The bucket of an amount due on ``date_due``, seen on ``today``."""
    days = days_past_due(date_due, today)
    for bucket, last_day in AGING_BUCKETS:
        if last_day is None or days <= last_day:
            return bucket
    raise AssertionError("the last aging bucket is open-ended")


def aging_totals(items, today: date) -> dict[str, Decimal]:
    """Sum ``(date_due, amount)`` items by bucket.

    Every bucket is in the result, in the order of ``AGING_BUCKETS``, zero when
    nothing falls in it. Amounts are Decimals and may be negative (a credit
    note or an unreconciled payment lowers the bucket of its date).
    """
    totals = {bucket: Decimal(0) for bucket, _last_day in AGING_BUCKETS}
    for date_due, amount in items:
        totals[aging_bucket(date_due, today)] += amount
    return totals
