"""Days sales outstanding (DSO), by the standard and the count-back methods.

Both methods compare the receivables at an end date with the tax-included
credit sales before it (invoices minus credit notes). The arithmetic works on
whatever numbers it is given (float, Decimal, Fraction) and keeps their type;
the models round the results.
"""

from datetime import date, timedelta

# How far the count-back method looks back, in calendar months, before it gives
# up on receivables that the sales never exhaust.
COUNTBACK_MAX_MONTHS = 24
# Days of sales the standard method divides by, unless told otherwise.
STANDARD_PERIOD_DAYS = 90


# Calendar helpers


def month_start(day):
    """First day of the month of ``day``."""
    return day.replace(day=1)


def month_end(day):
    """Last day of the month of ``day``."""
    return add_months(month_start(day), 1) - timedelta(days=1)


def add_months(day, months):
    """First day of the month ``months`` months after (negative: before) ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_month_end(day):
    """Last day of the month before the month of ``day``."""
    return month_start(day) - timedelta(days=1)


def period_start(date_to, period_days):
    """First day of the ``period_days`` days that end on ``date_to`` (included)."""
    if period_days < 1:
        raise ValueError("period_days must be at least 1")
    return date_to - timedelta(days=period_days - 1)


def countback_months(date_to, months=COUNTBACK_MAX_MONTHS):
    """The calendar months of the count-back, newest first, as (start, end) pairs.

    The first one is the month of ``date_to`` from its 1st to ``date_to``; the
    others are whole months going back from it, ``months`` in all.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    windows = [(month_start(date_to), date_to)]
    while len(windows) < months:
        end = windows[-1][0] - timedelta(days=1)
        windows.append((month_start(end), end))
    return windows


def ended_month_ends(today, months=12):
    """Last days of the ``months`` months ended before ``today``, oldest first.

    The month of ``today`` has not ended yet, even on its last day.
    """
    ends = [previous_month_end(today)]
    while len(ends) < months:
        ends.append(previous_month_end(ends[-1]))
    return ends[::-1]


def window_days(start, end):
    """Number of days from ``start`` to ``end``, both included."""
    return (end - start).days + 1


# The two methods


def standard_dso(receivable, sales, period_days):
    """Receivables ÷ credit sales of the period × days of the period.

    No receivables (zero or a credit balance) give 0 days. Receivables without
    positive sales in the period have no standard DSO: None is returned rather
    than dividing by zero.
    """
    if receivable <= 0:
        return 0
    if sales <= 0:
        return None
    return receivable / sales * period_days


def countback_dso(receivable, monthly_sales):
    """Days of sales, counted back month by month, that make up the receivables.

    ``monthly_sales`` gives ``(days, sales)`` for each calendar month, newest
    first, starting with the month of the end date (whose days are the end
    date's day number). Each month's sales are taken off the receivables; while
    what is left covers a month's sales, all its days count, and the month that
    exhausts it counts in proportion (what is left ÷ its sales × its days).
    Months with zero or negative sales count all their days (negative sales,
    net credit notes, add to what is left to explain).

    No receivables give 0 days. Receivables the given months never exhaust
    give the days of all the months: a lower bound, the look-back being capped.
    """
    if receivable <= 0:
        return 0
    left = receivable
    counted = 0
    for days, sales in monthly_sales:
        if 0 < sales and left < sales:
            return counted + left / sales * days
        counted += days
        left -= sales
        if left <= 0:
            return counted
    return counted


def countback_dso_from_dates(receivable, date_to, sales_by_month, months=None):
    """Count-back DSO at ``date_to`` from sales keyed by their month's first day.

    ``sales_by_month`` maps a month's first day to its credit sales (a missing
    month has none); the month of ``date_to`` holds the sales up to
    ``date_to``. The look-back is capped at ``months`` months
    (COUNTBACK_MAX_MONTHS by default), see countback_dso().
    """
    windows = countback_months(date_to, months or COUNTBACK_MAX_MONTHS)
    return countback_dso(
        receivable,
        [
            (window_days(start, end), sales_by_month.get(start, 0))
            for start, end in windows
        ],
    )
