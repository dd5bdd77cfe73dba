import logging

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_round, format_amount, format_date, formatLang

from ..deposit_rules import risk as risk_rules
from ..deposit_rules.dashboard import (
    DANGER,
    NEUTRAL,
    WARNING,
    average,
    count_tone,
    dashboard_periods,
    dso_tone,
)
from ..deposit_rules.dso import (
    STANDARD_PERIOD_DAYS,
    countback_dso_from_dates,
    countback_months,
    ended_month_ends,
    period_start,
    standard_dso,
)

from .account_move import OPEN_PAYMENT_STATES, SETTLED_PAYMENT_STATES

_logger = logging.getLogger(__name__)

# Invoicing users see every invoice and journal item of their companies: each
# tile's records are all theirs to open. A salesperson may see only its own.
DASHBOARD_GROUP = "account.group_account_invoice"


class ResCompany(models.Model):
    _inherit = "res.company"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Default Deposit Terms",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations whose customer has none of its own.",
    )
    deposit_risk_medium_threshold = fields.Integer(
        string="Medium Risk From",
        default=risk_rules.DEFAULT_MEDIUM_THRESHOLD,
        help="Customers whose risk score is at least this are of medium risk.",
    )
    deposit_risk_high_threshold = fields.Integer(
        string="High Risk From",
        default=risk_rules.DEFAULT_HIGH_THRESHOLD,
        help="Customers whose risk score is at least this are of high risk.",
    )
    deposit_low_risk_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms for Low Risk",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations of low risk customers without "
        "deposit terms of their own. Empty: the default deposit terms.",
    )
    deposit_medium_risk_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms for Medium Risk",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations of medium risk customers (and of "
        "customers without history) without deposit terms of their own. Empty: "
        "the default deposit terms.",
    )
    deposit_high_risk_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms for High Risk",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations of high risk customers without "
        "deposit terms of their own. Empty: the default deposit terms.",
    )
    deposit_dso_target = fields.Integer(
        string="DSO Target",
        default=30,
        help="Days of sales outstanding the company aims at, drawn against the DSO "
        "trend. French companies average about 44 days.",
    )

    @api.constrains("deposit_risk_medium_threshold", "deposit_risk_high_threshold")
    def _check_deposit_risk_thresholds(self):
        for company in self:
            if not risk_rules.thresholds_are_valid(
                company.deposit_risk_medium_threshold,
                company.deposit_risk_high_threshold,
            ):
                raise ValidationError(
                    self.env._(
                        "The risk thresholds of %(company)s must satisfy 0 < medium "
                        "< high <= 100 (now medium %(medium)s, high %(high)s).",
                        company=company.name,
                        medium=company.deposit_risk_medium_threshold,
                        high=company.deposit_risk_high_threshold,
                    )
                )

    @api.constrains("deposit_dso_target")
    def _check_deposit_dso_target(self):
        for company in self:
            if company.deposit_dso_target <= 0:
                raise ValidationError(
                    self.env._(
                        "The DSO target of %(company)s must be a positive number "
                        "of days.",
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.sudo()._create_deposit_reminder_levels()
        return companies

    def action_print_deposit_receivables(self):
        """The receivables and deposits report of the company, for every customer.

        Every customer with open receivables or overdue deposits in the company is
        in it; the company is the first of ``self``, else the current one.
        """
        company = self[:1] or self.env.company
        return self.env.ref(
            "acompte_deposit.deposit_receivables_report_action"
        ).report_action(None, data={"company_id": company.id})

    def _get_deposit_today(self):
        """Today's date for the company, in the company's time zone.

        The time zone is the company address's, else the current user's, else UTC;
        the clock is Python's, so frozen time in tests applies.
        """
        self.ensure_one()
        tz_name = self.partner_id.tz or self.env.user.tz or "UTC"
        return (
            fields.Datetime.now()
            .replace(tzinfo=pytz.utc)
            .astimezone(pytz.timezone(tz_name))
            .date()
        )

    def _get_deposit_risk_term(self, risk_level):
        """The deposit terms the company gives to customers of ``risk_level``."""
        self.ensure_one()
        return {
            risk_rules.LOW: self.deposit_low_risk_term_id,
            risk_rules.MEDIUM: self.deposit_medium_risk_term_id,
            risk_rules.HIGH: self.deposit_high_risk_term_id,
        }.get(risk_level or risk_rules.MEDIUM, self.deposit_medium_risk_term_id)

    def _create_deposit_reminder_levels(self):
        """Give companies without reminder levels the shipped ones.

        The shipped levels are the data records of the module (those of the
        first company); they are copied with their translations.
        """
        Level = self.env["deposit.reminder.level"].with_context(active_test=False)
        shipped_ids = (
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("module", "=", "acompte_deposit"),
                    ("model", "=", "deposit.reminder.level"),
                ]
            )
            .mapped("res_id")
        )
        shipped = Level.browse(shipped_ids).exists()
        if not shipped:
            return Level
        equipped = set(Level.search([("company_id", "in", self.ids)]).company_id.ids)
        created = Level
        for company in self.filtered(lambda company: company.id not in equipped):
            for level in shipped:
                created |= level.copy(
                    {
                        "company_id": company.id,
                        "activity_user_id": False,
                    }
                )
        return created

    @api.model
    def _install_deposit_reminder_levels(self):
        """Shipped reminder levels for the companies that exist at installation."""
        # Every company, whatever their number: this runs once, at installation.
        companies = self.search([])  # pylint: disable=no-search-all
        return companies._create_deposit_reminder_levels()

    # DSO

    def _get_dso(self, date_to, period_days=STANDARD_PERIOD_DAYS, partner=None):
        """DSO of the company on ``date_to``, by the standard and count-back methods.

        The company is the record, or the current one when called on the empty
        recordset; ``date_to`` is a date or its string. Figures are in company
        currency from posted entries only: receivables are the balance of the
        receivable lines dated on or before ``date_to`` (later payments do not
        count), sales the tax-included customer invoices minus credit notes of
        the ``period_days`` days that end on ``date_to``. With ``partner``, only
        its commercial partner and contacts count; several partners count
        together, as one customer. Return ``{"standard", "countback",
        "receivable", "sales"}``; ``standard`` is None when receivables are
        owed without any sales in the period.
        """
        company = self._get_deposit_dso_company()
        date_to = fields.Date.to_date(date_to)
        commercial_ids = None
        if partner is not None:
            commercial_ids = company._get_deposit_dso_commercial_ids(partner)
        figures = company._get_deposit_dso_figures(
            date_to, period_days, commercial_ids=commercial_ids
        )
        return figures.get(None) or company._prepare_deposit_dso_values(
            date_to, period_days, 0, 0, {}
        )

    def _get_dso_by_partner(
        self, date_to, period_days=STANDARD_PERIOD_DAYS, partners=None
    ):
        """DSO of many customers at once, keyed by commercial partner id.

        Same figures as _get_dso() for each commercial partner of ``partners``
        (every one of them, with zeros when they have nothing), or, without
        ``partners``, for every commercial partner with receivables or sales.
        The number of queries does not depend on the number of customers.
        """
        company = self._get_deposit_dso_company()
        date_to = fields.Date.to_date(date_to)
        commercial_ids = None
        if partners is not None:
            commercial_ids = company._get_deposit_dso_commercial_ids(partners)
        figures = company._get_deposit_dso_figures(
            date_to,
            period_days,
            commercial_ids=commercial_ids,
            by_partner=True,
        )
        figures.pop(None, None)
        for commercial_id in commercial_ids or []:
            if commercial_id not in figures:
                figures[commercial_id] = company._prepare_deposit_dso_values(
                    date_to, period_days, 0, 0, {}
                )
        return figures

    def _get_deposit_dso_commercial_ids(self, partners):
        """Ids of the commercial partners of ``partners``, in one query."""
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT commercial_partner_id
                  FROM res_partner
                 WHERE id = ANY(%(ids)s)
                """,
                ids=partners.ids,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _get_deposit_dso_trend(self, months=12):
        """The last ``months`` DSO snapshots of the current company, oldest first.

        Each is ``{"date", "label", "standard", "countback", "target"}``: the
        month end as a string, the month's name, both DSO (``standard`` None
        when undefined) and the company's DSO target.
        """
        company = self._get_deposit_dso_company()
        snapshots = self.env["deposit.dso.snapshot"].search(
            [("company_id", "=", company.id)],
            order="date desc",
            limit=months,
        )
        return [
            {
                "date": fields.Date.to_string(snapshot.date),
                "label": format_date(self.env, snapshot.date, date_format="MMM yyyy"),
                "standard": (
                    snapshot.dso_standard if snapshot.dso_standard_defined else None
                ),
                "countback": snapshot.dso_countback,
                "target": company.deposit_dso_target,
            }
            for snapshot in reversed(snapshots)
        ]

    def _get_deposit_dso_company(self):
        if not self:
            return self.env.company
        self.ensure_one()
        return self

    def _get_deposit_dso_figures(
        self,
        date_to,
        period_days,
        commercial_ids=None,
        by_partner=False,
    ):
        """DSO values keyed by commercial partner id, or by None for the company.

        Two queries whatever the data: the receivables on ``date_to`` and the
        sales by month over the count-back look-back and the period.
        """
        self.ensure_one()
        if period_days < 1:
            raise UserError(self.env._("The DSO period must be at least one day."))
        date_from = period_start(date_to, period_days)
        look_back_start = min(date_from, countback_months(date_to)[-1][0])
        for model in ("account.move.line", "account.move", "account.account"):
            self.env[model].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])

        receivables = self._read_deposit_dso_receivables(
            date_to, commercial_ids, by_partner
        )
        sales, monthly = self._read_deposit_dso_sales(
            look_back_start, date_from, date_to, commercial_ids, by_partner
        )
        return {
            key: self._prepare_deposit_dso_values(
                date_to,
                period_days,
                receivables.get(key, 0),
                sales.get(key, 0),
                monthly.get(key, {}),
            )
            for key in receivables.keys() | sales.keys()
        }

    def _deposit_dso_filter(self, column, commercial_ids):
        if commercial_ids is None:
            return SQL()
        return SQL("AND %s = ANY(%s)", column, commercial_ids)

    def _read_deposit_dso_receivables(self, date_to, commercial_ids, by_partner):
        commercial = SQL("partner.commercial_partner_id")
        self.env.cr.execute(
            SQL(
                """
                SELECT %(key)s, SUM(line.balance)
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
             LEFT JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE line.company_id = %(company)s
                   AND line.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND line.date <= %(date_to)s
                   %(partner_filter)s
                 GROUP BY 1
                """,
                key=commercial if by_partner else SQL("NULL::integer"),
                company=self.id,
                date_to=date_to,
                partner_filter=self._deposit_dso_filter(commercial, commercial_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _read_deposit_dso_sales(
        self,
        look_back_start,
        date_from,
        date_to,
        commercial_ids,
        by_partner,
    ):
        # Old invoices may have no invoice date: their accounting date stands in.
        commercial = SQL("move.commercial_partner_id")
        move_date = SQL("COALESCE(move.invoice_date, move.date)")
        self.env.cr.execute(
            SQL(
                """
                SELECT %(key)s,
                       DATE_TRUNC('month', %(move_date)s)::date,
                       SUM(move.amount_total_signed),
                       SUM(move.amount_total_signed)
                           FILTER (WHERE %(move_date)s >= %(date_from)s)
                  FROM account_move move
                 WHERE move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND %(move_date)s BETWEEN %(look_back_start)s AND %(date_to)s
                   %(partner_filter)s
                 GROUP BY 1, 2
                """,
                key=commercial if by_partner else SQL("NULL::integer"),
                move_date=move_date,
                date_from=date_from,
                company=self.id,
                look_back_start=look_back_start,
                date_to=date_to,
                partner_filter=self._deposit_dso_filter(commercial, commercial_ids),
            )
        )
        sales = {}
        monthly = {}
        for key, month, month_sales, period_sales in self.env.cr.fetchall():
            monthly.setdefault(key, {})[month] = month_sales
            sales[key] = sales.get(key, 0) + (period_sales or 0)
        return sales, monthly

    def _prepare_deposit_dso_values(
        self,
        date_to,
        period_days,
        receivable,
        sales,
        monthly_sales,
    ):
        standard = standard_dso(receivable, sales, period_days)
        countback = countback_dso_from_dates(receivable, date_to, monthly_sales)
        return {
            "standard": (
                None
                if standard is None
                else float_round(float(standard), precision_digits=2)
            ),
            "countback": float_round(float(countback), precision_digits=2),
            "receivable": self.currency_id.round(float(receivable)),
            "sales": self.currency_id.round(float(sales)),
        }

    def _prepare_deposit_dso_snapshot_values(
        self, date_to, period_days=STANDARD_PERIOD_DAYS
    ):
        self.ensure_one()
        dso = self._get_dso(date_to, period_days=period_days)
        return {
            "company_id": self.id,
            "date": date_to,
            "period_days": period_days,
            "receivable": dso["receivable"],
            "sales": dso["sales"],
            "dso_standard": dso["standard"] or 0.0,
            "dso_standard_defined": dso["standard"] is not None,
            "dso_countback": dso["countback"],
        }

    def _store_deposit_dso_snapshots(self, months=12):
        """Store the DSO of the last ``months`` months ended that have none yet.

        Months already stored are left as they are: running twice adds nothing.
        """
        Snapshot = self.env["deposit.dso.snapshot"].sudo()
        created = Snapshot
        for company in self:
            month_ends = ended_month_ends(company._get_deposit_today(), months)
            stored = set(
                Snapshot.search(
                    [("company_id", "=", company.id), ("date", "in", month_ends)]
                ).mapped("date")
            )
            created |= Snapshot.create(
                [
                    company._prepare_deposit_dso_snapshot_values(month_end)
                    for month_end in month_ends
                    if month_end not in stored
                ]
            )
        return created

    @api.model
    def _install_deposit_dso_history(self):
        """Back-fill the last 12 months of DSO history at installation."""
        # Every company, whatever their number: this runs once, at installation.
        companies = self.search([])  # pylint: disable=no-search-all
        return companies._store_deposit_dso_snapshots()

    # Deposit dashboard

    @api.model
    def get_deposit_dashboard_data(self):
        """What the deposit dashboard shows, for the current company.

        The entry point of the dashboard's client action, for the users who
        see all the invoices and journal items of the company: invoicing users
        and accountants. See ``_get_deposit_dashboard_data``.
        """
        if not self.env.user.has_group(DASHBOARD_GROUP):
            raise AccessError(
                self.env._(
                    "The deposit dashboard shows the receivables of the whole "
                    "company. Ask your administrator for invoicing rights "
                    "(Invoicing: Billing or above)."
                )
            )
        return self._get_deposit_dashboard_data()

    @api.model
    def _get_deposit_dashboard_data(self):
        """Figures of the deposit dashboard of the current company.

        Return ``kpis``, one dict per tile with its ``key``, ``label``,
        ``value`` (company currency or days), ``count`` and the window
        ``action`` that opens exactly the records the tile counts, plus how to
        show it (``display_value``, ``count_label``, ``tone``) and a ``help``
        saying what it counts; ``dso_trend``,
        the DSO history of the last 12 months, and ``dso_target``. Dates are
        the company's, in its time zone. A constant number of queries, whatever
        the number of invoices and customers.
        """
        company = self.env.company
        periods = dashboard_periods(company._get_deposit_today())
        settled = self._get_deposit_dashboard_settled(company, periods)
        kpis = [
            *self._get_deposit_dashboard_open_kpis(
                company, periods, settled["credited_open_ids"]
            ),
            *self._get_deposit_dashboard_settled_kpis(company, settled),
            *self._get_deposit_dashboard_dso_kpis(company, periods),
            *self._get_deposit_dashboard_risk_kpis(company, periods),
            self._get_deposit_dashboard_reminder_kpi(company),
        ]
        return {
            "company_id": company.id,
            "company_name": company.name,
            "today": fields.Date.to_string(periods.today),
            "subtitle": self.env._(
                "%(company)s, figures of %(date)s",
                company=company.name,
                date=format_date(self.env, periods.today),
            ),
            "kpis": kpis,
            "dso_target": company.deposit_dso_target,
            "dso_trend": company._get_deposit_dso_trend(months=12),
        }

    # Open deposits: awaited and overdue

    def _get_deposit_dashboard_open_kpis(self, company, periods, credited_ids):
        today = fields.Date.to_string(periods.today)
        open_domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("is_deposit", "=", True),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
        ]
        if credited_ids:
            # Credit notes cover them in full: no longer live deposits.
            open_domain.append(("id", "not in", credited_ids))
        awaiting_domain = [
            *open_domain,
            "|",
            ("invoice_date_due", "=", False),
            ("invoice_date_due", ">=", today),
        ]
        overdue_domain = [*open_domain, ("invoice_date_due", "<", today)]

        helps = {
            "awaiting": self.env._(
                "Posted deposit invoices not paid yet and not due yet, by the "
                "amount left to pay."
            ),
            "overdue": self.env._(
                "Posted deposit invoices past their due date and not fully "
                "paid, by the amount left to pay."
            ),
        }
        kpis = []
        for key, label, domain, tone in (
            ("awaiting", self.env._("Deposits Awaited"), awaiting_domain, NEUTRAL),
            ("overdue", self.env._("Deposits Overdue"), overdue_domain, DANGER),
        ):
            [(residual, count)] = self.env["account.move"]._read_group(
                domain,
                aggregates=["amount_residual_signed:sum", "__count"],
            )
            kpis.append(
                self._prepare_deposit_dashboard_kpi(
                    key,
                    label,
                    value=company.currency_id.round(residual or 0.0),
                    count=count,
                    display_value=format_amount(
                        self.env, residual or 0.0, company.currency_id
                    ),
                    count_label=self._get_deposit_dashboard_invoice_count(count),
                    help=helps[key],
                    tone=count_tone(count, tone),
                    action=self._prepare_deposit_dashboard_action(
                        label,
                        "account.move",
                        domain,
                        "acompte_deposit.account_move_view_list_deposit_open",
                    ),
                )
            )
        return kpis

    # Settled deposits: collected this month, days to collect

    def _get_deposit_dashboard_settled(self, company, periods):
        """Deposits settled in the dashboard's windows, in one query.

        A deposit's paid date is the latest date of what settled it: the
        reconciliations of its receivable lines, and the payments registered
        without a journal entry. Credit notes covering a deposit in full make
        it a dead one: those still open are returned to be left out.
        """
        for model in (
            "account.move",
            "account.move.line",
            "account.partial.reconcile",
            "account.payment",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH deposit AS (
                    SELECT move.id,
                           move.invoice_date,
                           move.payment_state,
                           move.amount_total_signed,
                           %(credited)s AS credited
                      FROM account_move move
                     WHERE move.company_id = %(company)s
                       AND move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.is_deposit
                       AND move.payment_state IN %(live_states)s
                ),
                settled AS (
                    SELECT deposit.id,
                           deposit.invoice_date,
                           deposit.amount_total_signed,
                           %(paid_date)s AS paid_date
                      FROM deposit
                     WHERE deposit.payment_state IN %(settled_states)s
                       AND NOT deposit.credited
                )
                SELECT ARRAY(
                           SELECT id
                             FROM deposit
                            WHERE credited AND payment_state IN %(open_states)s
                         ORDER BY id
                       ),
                       ARRAY_AGG(id ORDER BY id) FILTER (WHERE in_month),
                       SUM(amount_total_signed) FILTER (WHERE in_month),
                       ARRAY_AGG(id ORDER BY id) FILTER (WHERE in_window),
                       SUM(paid_date - invoice_date) FILTER (WHERE in_window)
                  FROM (
                      SELECT settled.*,
                             paid_date BETWEEN %(month_start)s AND %(today)s
                                 AS in_month,
                             invoice_date IS NOT NULL
                             AND paid_date BETWEEN %(collection_start)s
                                               AND %(today)s
                                 AS in_window
                        FROM settled
                  ) windows
                """,
                credited=self.env["account.move"]._deposit_credited_sql("move"),
                company=company.id,
                live_states=OPEN_PAYMENT_STATES + SETTLED_PAYMENT_STATES,
                open_states=OPEN_PAYMENT_STATES,
                settled_states=SETTLED_PAYMENT_STATES,
                paid_date=self.env["account.move"]._deposit_paid_date_sql("deposit"),
                month_start=periods.month_start,
                collection_start=periods.collection_start,
                today=periods.today,
            )
        )
        credited, collected_ids, collected, collecting_ids, days = (
            self.env.cr.fetchone()
        )
        return {
            "credited_open_ids": credited,
            "collected_ids": collected_ids or [],
            "collected_total": collected or 0.0,
            "collecting_ids": collecting_ids or [],
            "collecting_days": days or 0,
        }

    def _get_deposit_dashboard_settled_kpis(self, company, settled):
        collected_label = self.env._("Collected This Month")
        collected_count = len(settled["collected_ids"])
        collected = company.currency_id.round(settled["collected_total"])
        collecting_label = self.env._("Average Days to Collect")
        collecting_count = len(settled["collecting_ids"])
        days = average(settled["collecting_days"], collecting_count)
        return [
            self._prepare_deposit_dashboard_kpi(
                "collected_month",
                collected_label,
                value=collected,
                count=collected_count,
                display_value=format_amount(self.env, collected, company.currency_id),
                count_label=self._get_deposit_dashboard_invoice_count(collected_count),
                help=self.env._(
                    "Deposit invoices whose payment was completed this month, "
                    "by their total."
                ),
                action=self._prepare_deposit_dashboard_action(
                    collected_label,
                    "account.move",
                    [("id", "in", settled["collected_ids"])],
                    "acompte_deposit.account_move_view_list_deposit_collected",
                ),
            ),
            self._prepare_deposit_dashboard_kpi(
                "avg_days_to_collect",
                collecting_label,
                value=days,
                count=collecting_count,
                display_value=self._format_deposit_dashboard_days(days),
                count_label=(
                    self.env._("1 deposit paid in 90 days")
                    if collecting_count == 1
                    else self.env._(
                        "%(count)s deposits paid in 90 days",
                        count=collecting_count,
                    )
                ),
                help=self.env._(
                    "Average days from the invoice date to the payment of the "
                    "deposits paid in the last 90 days."
                ),
                action=self._prepare_deposit_dashboard_action(
                    collecting_label,
                    "account.move",
                    [("id", "in", settled["collecting_ids"])],
                    "acompte_deposit.account_move_view_list_deposit_collected",
                ),
            ),
        ]

    # DSO against the target

    def _get_deposit_dashboard_dso_kpis(self, company, periods):
        """Both DSO of today, each opening the receivables it divides.

        The journal items opened add up (balance) to the receivables of the
        DSO: every posted receivable item dated up to today, less the fully
        reconciled groups whose items are all dated up to today, which add up
        to zero.
        """
        today = fields.Date.to_string(periods.today)
        dso = company._get_dso(periods.today)
        target = company.deposit_dso_target
        domain = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("date", "<=", today),
            "|",
            ("full_reconcile_id", "=", False),
            ("full_reconcile_id.reconciled_line_ids.date", ">", today),
        ]
        count = self.env["account.move.line"].search_count(domain)
        count_label = self.env._(
            "Target %(target)s days · receivables %(receivable)s",
            target=target,
            receivable=format_amount(self.env, dso["receivable"], company.currency_id),
        )
        helps = {
            "dso_standard": self.env._(
                "Receivables today divided by the credit sales of the last 90 "
                "days, times 90 days."
            ),
            "dso_countback": self.env._(
                "Days of sales, counted back month by month from today, that "
                "make up the receivables today."
            ),
        }
        kpis = []
        for key, label, days in (
            ("dso_standard", self.env._("DSO, Standard Method"), dso["standard"]),
            ("dso_countback", self.env._("DSO, Count-Back Method"), dso["countback"]),
        ):
            kpis.append(
                self._prepare_deposit_dashboard_kpi(
                    key,
                    label,
                    value=days,
                    count=count,
                    amount=dso["receivable"],
                    sales=dso["sales"],
                    target=target,
                    display_value=self._format_deposit_dashboard_days(days),
                    count_label=count_label,
                    help=helps[key],
                    tone=dso_tone(days, target),
                    action=self._prepare_deposit_dashboard_action(
                        self.env._("Receivables of the DSO"),
                        "account.move.line",
                        domain,
                        "acompte_deposit.account_move_line_view_list_deposit_dso",
                    ),
                )
            )
        return kpis

    # Customers by risk level

    def _get_deposit_dashboard_risk_kpis(self, company, periods):
        """Active customers by risk level, in one query.

        Active: a commercial partner with a posted customer invoice dated in
        the last 12 months in the company. Its level is the one of the
        company; without one, the default level applies.
        """
        self.env["account.move"].flush_model(
            [
                "company_id",
                "move_type",
                "state",
                "invoice_date",
                "commercial_partner_id",
            ]
        )
        partners = self.env["res.partner"].with_company(company)
        # Run by execute_query, which flushes the risk levels first.
        risk_sql = partners._field_to_sql("customer", "deposit_risk_level")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(%(risk)s, %(default_level)s),
                       ARRAY_AGG(customer.id ORDER BY customer.id)
                  FROM res_partner customer
                 WHERE customer.active
                   AND customer.id IN (
                           SELECT move.commercial_partner_id
                             FROM account_move move
                            WHERE move.company_id = %(company)s
                              AND move.move_type = 'out_invoice'
                              AND move.state = 'posted'
                              AND move.invoice_date BETWEEN %(start)s AND %(today)s
                       )
              GROUP BY 1
                """,
                risk=risk_sql,
                default_level=risk_rules.MEDIUM,
                company=company.id,
                start=periods.active_start,
                today=periods.today,
            )
        )
        partner_ids = dict(rows)
        helps = {
            "low": self.env._(
                "Customers invoiced in the last 12 months whose risk level is low."
            ),
            "medium": self.env._(
                "Customers invoiced in the last 12 months whose risk level is "
                "medium, or who have none."
            ),
            "high": self.env._(
                "Customers invoiced in the last 12 months whose risk level is high."
            ),
        }
        kpis = []
        for level, label, tone in (
            ("low", self.env._("Low Risk Customers"), NEUTRAL),
            ("medium", self.env._("Medium Risk Customers"), NEUTRAL),
            ("high", self.env._("High Risk Customers"), WARNING),
        ):
            ids = partner_ids.get(level, [])
            kpis.append(
                self._prepare_deposit_dashboard_kpi(
                    f"risk_{level}",
                    label,
                    value=len(ids),
                    count=len(ids),
                    display_value=formatLang(self.env, len(ids), digits=0),
                    count_label=self.env._("invoiced in 12 months"),
                    help=helps[level],
                    tone=count_tone(len(ids), tone),
                    action=self._prepare_deposit_dashboard_action(
                        label,
                        "res.partner",
                        [("id", "in", ids)],
                    ),
                )
            )
        return kpis

    # Reminders that failed

    def _get_deposit_dashboard_reminder_kpi(self, company):
        label = self.env._("Failed Reminders")
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "failed"),
            ("move_id.state", "=", "posted"),
            ("move_id.payment_state", "in", OPEN_PAYMENT_STATES),
        ]
        count = self.env["deposit.reminder.log"].search_count(domain)
        return self._prepare_deposit_dashboard_kpi(
            "reminders_failed",
            label,
            value=count,
            count=count,
            display_value=formatLang(self.env, count, digits=0),
            count_label=self.env._("on unpaid deposits"),
            help=self.env._(
                "Reminders that could not be sent, on deposits still unpaid."
            ),
            tone=count_tone(count, WARNING),
            action=self._prepare_deposit_dashboard_action(
                label,
                "deposit.reminder.log",
                domain,
            ),
        )

    # Shaping

    def _prepare_deposit_dashboard_kpi(self, key, label, **values):
        return {
            "key": key,
            "label": label,
            "value": 0,
            "count": 0,
            "display_value": "",
            "count_label": "",
            "help": "",
            "tone": NEUTRAL,
            "action": False,
            **values,
        }

    def _prepare_deposit_dashboard_action(self, name, model, domain, view_xmlid=None):
        list_view = self.env.ref(view_xmlid).id if view_xmlid else False
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "domain": domain,
            "views": [[list_view, "list"], [False, "form"]],
            "context": {"create": False},
            "target": "current",
        }

    def _get_deposit_dashboard_invoice_count(self, count):
        if count == 1:
            return self.env._("1 invoice")
        return self.env._("%(count)s invoices", count=count)

    def _format_deposit_dashboard_days(self, days):
        if days is None:
            return "–"
        # Half up, as people round: 51.25 days show as 51.3.
        days = float_round(days, precision_digits=1, rounding_method="HALF-UP")
        return self.env._("%(days)s days", days=formatLang(self.env, days, digits=1))

    @api.model
    def _cron_store_deposit_dso(self):
        """Store, for every company, the DSO of the months ended and missing.

        Run daily: a month is stored once it has ended in the company's time
        zone, so a company west of UTC gets it on its own first day of the
        month, and any month of the last 12 still missing (a day the cron did
        not run, a company created since) is filled too; a month already
        stored is never stored twice. Each company runs in its own savepoint:
        one that fails is logged and the others are stored all the same.
        """
        # Every company, whatever their number: one snapshot search each.
        companies = self.search([])  # pylint: disable=no-search-all
        created = self.env["deposit.dso.snapshot"]
        failed = self.env["res.company"]
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    created |= company._store_deposit_dso_snapshots()
            except Exception:  # noqa: BLE001 (logged; the other companies go on)
                _logger.exception(
                    "DSO history of company %s (%s) could not be stored",
                    company.name,
                    company.id,
                )
                failed |= company
        _logger.info(
            "DSO history: %d month(s) stored for %d companies, %d failed",
            len(created),
            len(companies) - len(failed),
            len(failed),
        )
        return created
