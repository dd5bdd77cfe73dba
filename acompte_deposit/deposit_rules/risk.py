"""The risk score of a customer, and the risk level it gives.

The score runs from 0 (pays on time, owes nothing overdue) to 100 and adds five
parts, each capped so that one bad habit alone cannot reach the top:

    score = 30 x late share
          + 25 x min(average days late, 60) / 60
          + 20 x overdue share
          + 10 x min(reminders beyond the first level, 3) / 3
          + 15 x min(unpaid overdue deposits, 2) / 2

rounded half up to a whole number, where, over the last 12 months and in the
company's currency:

- late share = amount paid after its due date or still overdue / amount
  invoiced (invoices less credit notes), at most 1;
- average days late = sum of (amount x days late) / amount invoiced: every
  unit of currency invoiced counts with its days late, 0 when paid on time;
- overdue share = overdue part of the open receivable / open receivable, at
  most 1 (open receivable of any age);
- reminders beyond the first level: reminders sent on the customer's
  invoices (failed ones and those without an e-mail address left out), less
  the first one of each invoice;
- unpaid overdue deposits: deposit invoices past due with something left,
  unless posted credit notes cover them in full.

A share whose base is zero or negative is 1 when there is something late or
overdue and 0 otherwise, so the score never divides by zero and never falls
when the base shrinks. A customer with nothing invoiced in 12 months and
nothing open has no score (``None``), and is of medium risk.

Worked example: 10,000 invoiced, 4,000 of it paid 15 days late (60,000
amount-days: 6 days on average), 3,000 open of which 1,500 overdue, one
reminder beyond the first level and one unpaid overdue deposit:
30 x 0.4 + 25 x 6 / 60 + 20 x 0.5 + 10 x 1 / 3 + 15 x 1 / 2 = 35.33, score 35.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LOW = "low"
MEDIUM = "medium"
HIGH = "high"

LATE_SHARE_POINTS = Decimal(30)
DAYS_LATE_POINTS = Decimal(25)
DAYS_LATE_CAP = Decimal(60)
OVERDUE_SHARE_POINTS = Decimal(20)
REMINDER_POINTS = Decimal(10)
REMINDER_CAP = 3
DEPOSIT_POINTS = Decimal(15)
DEPOSIT_CAP = 2

DEFAULT_MEDIUM_THRESHOLD = 30
DEFAULT_HIGH_THRESHOLD = 60


@dataclass(frozen=True)
class RiskFigures:
    """What one commercial partner did over the last 12 months, in one company.

    Amounts are in the company's currency.
    """

    invoiced: Decimal = Decimal(0)  # invoices less credit notes
    late_amount: Decimal = Decimal(0)  # paid after due date, or still overdue
    late_amount_days: Decimal = Decimal(0)  # sum of amount x days late
    open_amount: Decimal = Decimal(0)  # open receivable today, of any age
    overdue_amount: Decimal = Decimal(0)  # its part past due
    extra_reminders: int = 0  # reminders beyond the first level of each invoice
    unpaid_deposits: int = 0  # deposit invoices past due with something left
    unpaid_deposit_amount: Decimal = Decimal(0)  # what is left on them

    @property
    def has_history(self):
        """Something invoiced in the last 12 months, or something still open."""
        return bool(self.invoiced or self.open_amount)


def _share(part, base):
    part = Decimal(part)
    if part <= 0:
        return Decimal(0)
    if base <= 0:
        return Decimal(1)
    return min(part / Decimal(base), Decimal(1))


def late_share(figures):
    """Share of the invoiced amount paid late or still overdue, 0 to 1."""
    return _share(figures.late_amount, figures.invoiced)


def average_days_late(figures):
    """Days late of the invoiced amount, weighted by amount, at most 60."""
    late_days = Decimal(figures.late_amount_days)
    if late_days <= 0:
        return Decimal(0)
    if figures.invoiced <= 0:
        return DAYS_LATE_CAP
    return min(late_days / Decimal(figures.invoiced), DAYS_LATE_CAP)


def overdue_share(figures):
    """Share of the open receivable that is past due, 0 to 1."""
    return _share(figures.overdue_amount, figures.open_amount)


def risk_score(figures):
    """Return the score of ``figures`` (0 to 100), or None without history.

    The formula is in this module's docstring.
    """
    if not figures.has_history:
        return None
    reminders = min(max(figures.extra_reminders, 0), REMINDER_CAP)
    deposits = min(max(figures.unpaid_deposits, 0), DEPOSIT_CAP)
    score = (
        LATE_SHARE_POINTS * late_share(figures)
        + DAYS_LATE_POINTS * average_days_late(figures) / DAYS_LATE_CAP
        + OVERDUE_SHARE_POINTS * overdue_share(figures)
        + REMINDER_POINTS * reminders / REMINDER_CAP
        + DEPOSIT_POINTS * deposits / DEPOSIT_CAP
    )
    return int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def risk_level(score, medium_threshold, high_threshold):
    """Return ``low``, ``medium`` or ``high`` for a score.

    Below ``medium_threshold`` is low, below ``high_threshold`` medium, and
    high from there on; no score (no history) is medium.
    """
    if score is None:
        return MEDIUM
    if score < medium_threshold:
        return LOW
    if score < high_threshold:
        return MEDIUM
    return HIGH


def thresholds_are_valid(medium_threshold, high_threshold):
    """Whether the thresholds satisfy 0 < medium < high <= 100."""
    return 0 < medium_threshold < high_threshold <= 100
