"""Periods, averages and tones of the deposit dashboard.

The dashboard counts on dates taken in the company's time zone; these
functions say which days each tile covers and how a figure is shown.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# Days over which the average time to collect a deposit is taken.
COLLECTION_WINDOW_DAYS = 90
# Months of invoicing that make a customer active for the risk mix.
ACTIVE_CUSTOMER_MONTHS = 12

NEUTRAL = "neutral"
SUCCESS = "success"
WARNING = "warning"
DANGER = "danger"


@dataclass(frozen=True)
class DashboardPeriods:
    """The days each tile covers, ends included."""

    today: date
    month_start: date  # collected this month: paid from this day to today
    collection_start: date  # average days to collect: paid from this day
    active_start: date  # active customers: invoiced from this day


def months_before(day, months):
    """The same day ``months`` calendar months earlier, clamped to month end."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def dashboard_periods(today):
    """The periods of the dashboard on ``today``.

    Each window ends on ``today`` and holds exactly its number of days or
    months: the 90 days to ``today`` start 89 days before it, and the last 12
    months start the day after the same date a year earlier.
    """
    return DashboardPeriods(
        today=today,
        month_start=today.replace(day=1),
        collection_start=today - timedelta(days=COLLECTION_WINDOW_DAYS - 1),
        active_start=months_before(today, ACTIVE_CUSTOMER_MONTHS) + timedelta(days=1),
    )


def average(total, count):
    """``total`` / ``count``, or None when nothing was counted."""
    if not count:
        return None
    return total / count


def dso_tone(days, target):
    """Danger above the target, success at or below it, neutral without DSO."""
    if days is None or target is None:
        return NEUTRAL
    return DANGER if days > target else SUCCESS


def count_tone(count, tone):
    """``tone`` when something is counted, else neutral."""
    return tone if count else NEUTRAL
