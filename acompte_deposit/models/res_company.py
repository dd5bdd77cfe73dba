import logging

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_round, format_date

from ..deposit_rules.dso import (
    countback_dso_from_dates,
    countback_months,
    ended_month_ends,
    period_start,
    standard_dso,
)

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Default Deposit Terms",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations whose customer has none of its own.",
    )
    deposit_dso_target = fields.Integer(
        string="DSO Target",
        default=30,
        help="Days of sales outstanding the company aims at, drawn against the DSO "
        "trend. French companies average about 44 days.",
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

    def _get_dso(self, date_to, period_days=90, partner=None):
        """DSO of the company on ``date_to``, by the standard and count-back methods.

        The company is the record, or the current one when called on the empty
        recordset. Figures are in company currency from posted entries only:
        receivables are the balance of the receivable lines dated on or before
        ``date_to`` (later payments do not count), sales the tax-included
        customer invoices minus credit notes of the ``period_days`` days that
        end on ``date_to``. With ``partner``, only its commercial partner and
        contacts count. Return ``{"standard", "countback", "receivable",
        "sales"}``; ``standard`` is None when receivables are owed without any
        sales in the period.
        """
        company = self._get_deposit_dso_company()
        if partner:
            by_partner = company._get_dso_by_partner(
                date_to,
                period_days=period_days,
                partners=partner,
            )
            return next(iter(by_partner.values()))
        figures = company._get_deposit_dso_figures(date_to, period_days)
        return figures.get(None) or company._prepare_deposit_dso_values(
            date_to, period_days, 0, 0, {}
        )

    def _get_dso_by_partner(self, date_to, period_days=90, partners=None):
        """DSO of many customers at once, keyed by commercial partner id.

        Same figures as _get_dso() for each commercial partner of ``partners``
        (every one of them, with zeros when they have nothing), or, without
        ``partners``, for every commercial partner with receivables or sales.
        The number of queries does not depend on the number of customers.
        """
        company = self._get_deposit_dso_company()
        commercial_ids = None
        if partners is not None:
            company.env["res.partner"].flush_model(["commercial_partner_id"])
            company.env.cr.execute(
                SQL(
                    """
                    SELECT DISTINCT commercial_partner_id
                      FROM res_partner
                     WHERE id = ANY(%(ids)s)
                    """,
                    ids=partners.ids,
                )
            )
            commercial_ids = [row[0] for row in company.env.cr.fetchall()]
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

    def _prepare_deposit_dso_snapshot_values(self, date_to, period_days=90):
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

    @api.model
    def _cron_store_deposit_dso(self):
        """Store the DSO of the month just ended for the current company.

        Any month of the last 12 still missing (a cron that did not run, a
        company created since) is filled at the same time; a month already
        stored is never stored twice.
        """
        company = self.env.company
        created = company._store_deposit_dso_snapshots()
        _logger.info(
            "DSO history of %s: %d month(s) stored", company.name, len(created)
        )
        return created
