from odoo import api, fields, models
from odoo.tools import SQL

from ..deposit_rules import AGING_BUCKETS
from ..deposit_rules.aging import DAYS_1_30, DAYS_31_60, DAYS_61_90, NOT_DUE, OVER_90
from ..deposit_rules.risk import MEDIUM
from ..deposit_rules.state import AWAITING, CANCELLED, OVERDUE, PAID, PARTIAL
from ..models.account_move import SETTLED_PAYMENT_STATES
from ..models.res_partner import RISK_LEVELS

ANALYSIS_STATES = [
    (AWAITING, "Awaiting Payment"),
    (OVERDUE, "Overdue"),
    (PARTIAL, "Partially Paid"),
    (PAID, "Paid"),
    (CANCELLED, "Cancelled"),
]
AGING_RANGES = [
    (NOT_DUE, "Not Due"),
    (DAYS_1_30, "1-30 Days"),
    (DAYS_31_60, "31-60 Days"),
    (DAYS_61_90, "61-90 Days"),
    (OVER_90, "Over 90 Days"),
]


class DepositAnalysisReport(models.Model):
    """One row per posted deposit invoice, in company currency.

    The query is built from small pieces that other modules may extend
    (``_select_deposit``, ``_from_deposit``, ``_where_deposit``). "Today" is each
    company's date in its time zone, taken when the query runs.
    """

    _name = "deposit.analysis.report"
    _description = "Deposit Analysis"
    _auto = False
    _rec_name = "move_id"
    _order = "invoice_date desc, move_id desc"
    _depends = {
        "account.move": [
            "amount_residual_signed",
            "amount_total",
            "amount_total_signed",
            "commercial_partner_id",
            "company_id",
            "invoice_date",
            "invoice_date_due",
            "invoice_user_id",
            "is_deposit",
            "matched_payment_ids",
            "move_type",
            "payment_state",
            "reversed_entry_id",
            "state",
        ],
        "account.move.line": ["display_type", "move_id", "sale_line_ids"],
        "account.partial.reconcile": ["debit_move_id", "max_date"],
        "account.payment": ["date", "move_id", "state"],
        "res.partner": ["deposit_risk_level"],
        "sale.order": ["user_id"],
        "sale.order.line": ["is_downpayment", "order_id"],
    }

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Deposit Invoice",
        readonly=True,
    )
    order_id = fields.Many2one(
        comodel_name="sale.order",
        readonly=True,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        readonly=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        string="Company Currency",
        readonly=True,
    )
    invoice_date = fields.Date(
        readonly=True,
    )
    month = fields.Date(
        readonly=True,
        help="First day of the month of the invoice date.",
    )
    date_due = fields.Date(
        string="Due Date",
        readonly=True,
    )
    date_paid = fields.Date(
        string="Payment Date",
        readonly=True,
        help="Date of the last payment, once the deposit is fully paid.",
    )
    amount_total = fields.Monetary(
        string="Total",
        readonly=True,
        currency_field="currency_id",
    )
    amount_residual = fields.Monetary(
        string="Amount Due",
        readonly=True,
        currency_field="currency_id",
    )
    amount_paid = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
    )
    days_overdue = fields.Integer(
        readonly=True,
        aggregator="avg",
        help="Days past the due date of a deposit not fully paid yet; empty once "
        "it is paid or cancelled.",
    )
    days_to_collect = fields.Integer(
        string="Days to Collect",
        readonly=True,
        aggregator="avg",
        help="Days from the invoice date to the payment date of a paid deposit.",
    )
    overdue_range = fields.Selection(
        selection=AGING_RANGES,
        string="Days Overdue Range",
        readonly=True,
        help="Aging bucket of a deposit not fully paid yet, by its days overdue.",
    )
    risk_level = fields.Selection(
        selection=RISK_LEVELS,
        readonly=True,
        help="Risk level of the customer in the invoice's company.",
    )
    state = fields.Selection(
        selection=ANALYSIS_STATES,
        string="Deposit Status",
        readonly=True,
    )

    @property
    def _table_query(self):
        return SQL(
            "SELECT %s FROM %s WHERE %s",
            self._select_deposit(),
            self._from_deposit(),
            self._where_deposit(),
        )

    def _select_deposit(self):
        days_overdue = self._days_overdue_sql()
        return SQL(
            """
            move.id AS id,
            move.id AS move_id,
            deposit_order.order_id AS order_id,
            move.commercial_partner_id AS partner_id,
            COALESCE(sale.user_id, move.invoice_user_id) AS user_id,
            move.company_id AS company_id,
            company.currency_id AS currency_id,
            move.invoice_date AS invoice_date,
            date_trunc('month', move.invoice_date)::date AS month,
            move.invoice_date_due AS date_due,
            payment.date_paid AS date_paid,
            move.amount_total_signed AS amount_total,
            %(amount_residual)s AS amount_residual,
            %(amount_paid)s AS amount_paid,
            %(days_overdue)s AS days_overdue,
            payment.date_paid - move.invoice_date AS days_to_collect,
            %(overdue_range)s AS overdue_range,
            %(risk_level)s AS risk_level,
            %(state)s AS state
            """,
            amount_residual=self._amount_residual_sql(),
            amount_paid=self._amount_paid_sql(),
            days_overdue=days_overdue,
            overdue_range=self._overdue_range_sql(days_overdue),
            risk_level=self._risk_level_sql(),
            state=self._state_sql(),
        )

    def _from_deposit(self):
        return SQL(
            """
            account_move move
            JOIN res_company company ON company.id = move.company_id
            JOIN res_partner customer ON customer.id = move.commercial_partner_id
            LEFT JOIN %(today_table)s ON today_table.company_id = move.company_id
            CROSS JOIN LATERAL (SELECT %(credited)s AS credited) credit
            LEFT JOIN LATERAL (
                SELECT MIN(order_line.order_id) AS order_id
                  FROM account_move_line line
                  JOIN sale_order_line_invoice_rel rel
                    ON rel.invoice_line_id = line.id
                  JOIN sale_order_line order_line
                    ON order_line.id = rel.order_line_id
                 WHERE line.move_id = move.id
                   AND order_line.is_downpayment
            ) deposit_order ON TRUE
            LEFT JOIN sale_order sale ON sale.id = deposit_order.order_id
            LEFT JOIN LATERAL (
                SELECT %(paid_date)s AS date_paid
                 WHERE move.payment_state IN %(settled)s
                   AND NOT credit.credited
            ) payment ON TRUE
            """,
            today_table=self._today_table_sql(),
            credited=self.env["account.move"]._deposit_credited_sql("move"),
            paid_date=self.env["account.move"]._deposit_paid_date_sql("move"),
            settled=SETTLED_PAYMENT_STATES,
        )

    def _where_deposit(self):
        return SQL(
            """
            move.is_deposit
            AND move.move_type = 'out_invoice'
            AND move.state = 'posted'
            """
        )

    @api.model
    def _today_table_sql(self):
        """Each allowed company with its today, as ``today_table(company_id, today)``.

        Rows of companies outside the allowed ones (seen with elevated rights) are
        counted from the current company's today.
        """
        companies = self.env.companies | self.env.company
        return SQL(
            "(VALUES %s) AS today_table(company_id, today)",
            SQL(", ").join(
                SQL("(%s, %s::date)", company.id, company._get_deposit_today())
                for company in companies
            ),
        )

    @api.model
    def _today_sql(self):
        return SQL(
            "COALESCE(today_table.today, %s::date)",
            self.env.company._get_deposit_today(),
        )

    @api.model
    def _cancelled_sql(self):
        """Whether the deposit is dead: reversed, or covered by credit notes.

        Posted credit notes that cover the whole deposit cancel it even when
        they are not reconciled with it, as on the dashboard and for reminders.
        """
        return SQL("(move.payment_state = 'reversed' OR credit.credited)")

    @api.model
    def _open_sql(self):
        """Whether the deposit still has something to pay."""
        return SQL(
            """
            (
                move.amount_residual_signed > 0
                AND move.payment_state NOT IN %(closed)s
                AND NOT %(cancelled)s
            )
            """,
            closed=SETTLED_PAYMENT_STATES,
            cancelled=self._cancelled_sql(),
        )

    @api.model
    def _amount_residual_sql(self):
        # Nothing is due on a cancelled deposit: its credit notes offset it.
        return SQL(
            "CASE WHEN %s THEN 0 ELSE move.amount_residual_signed END",
            self._cancelled_sql(),
        )

    @api.model
    def _amount_paid_sql(self):
        # A deposit cancelled by credit notes was not paid.
        return SQL(
            """
            CASE
                WHEN %s THEN 0
                ELSE move.amount_total_signed - move.amount_residual_signed
            END
            """,
            self._cancelled_sql(),
        )

    @api.model
    def _days_overdue_sql(self):
        """Days past due of an open deposit; empty once paid or cancelled.

        Empty rather than 0, so that the average counts the open deposits only.
        """
        return SQL(
            """
            CASE
                WHEN %(open)s THEN GREATEST(%(today)s - move.invoice_date_due, 0)
            END
            """,
            open=self._open_sql(),
            today=self._today_sql(),
        )

    @api.model
    def _overdue_range_sql(self, days_overdue):
        """The aging bucket of an open deposit, by the bounds of the aging rule."""
        cases = [
            SQL("WHEN %s <= %s THEN %s", days_overdue, last_day, bucket)
            for bucket, last_day in AGING_BUCKETS
            if last_day is not None
        ]
        open_ended = next(bucket for bucket, last in AGING_BUCKETS if last is None)
        return SQL(
            "CASE WHEN %s IS NULL THEN NULL %s ELSE %s END",
            days_overdue,
            SQL(" ").join(cases),
            open_ended,
        )

    @api.model
    def _risk_level_sql(self):
        # The company-dependent column holds one value per company id.
        return SQL(
            "COALESCE(customer.deposit_risk_level ->> move.company_id::text, %s)",
            MEDIUM,
        )

    @api.model
    def _state_sql(self):
        """The deposit status of one posted invoice, as sale orders count it."""
        return SQL(
            """
            CASE
                WHEN %(is_cancelled)s THEN %(cancelled)s
                WHEN move.payment_state IN %(settled)s
                  OR move.amount_residual_signed <= 0 THEN %(paid)s
                WHEN move.invoice_date_due < %(today)s THEN %(overdue)s
                WHEN move.payment_state = 'partial' THEN %(partial)s
                ELSE %(awaiting)s
            END
            """,
            is_cancelled=self._cancelled_sql(),
            settled=SETTLED_PAYMENT_STATES,
            today=self._today_sql(),
            cancelled=CANCELLED,
            paid=PAID,
            overdue=OVERDUE,
            partial=PARTIAL,
            awaiting=AWAITING,
        )
