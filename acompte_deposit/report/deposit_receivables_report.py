from decimal import Decimal

from odoo import api, models
from odoo.exceptions import UserError

from ..deposit_rules import AGING_BUCKETS, aging_totals


class DepositReceivablesReport(models.AbstractModel):
    """Receivables and deposits of a company's customers, for the CFO.

    By customer: the open receivables in aging buckets and the overdue
    deposits, and for the whole company a last row of the receivable items
    without a customer, so that the total is the receivables of the DSO; then
    the company's totals by bucket and its DSO. Amounts are in company
    currency, "today" is the company's date in its time zone. The data is
    gathered in a constant number of queries, whatever the number of
    customers.
    """

    _name = "report.acompte_deposit.report_deposit_receivables"
    _description = "Receivables and Deposits Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        company = self._get_receivables_company(data)
        today = company._get_deposit_today()
        customers = (
            self.env["res.partner"].browse(docids).commercial_partner_id
            if docids
            else None
        )
        rows = self._get_receivables_rows(company, today, customers)
        totals = aging_totals([], today)
        for row in rows:
            for bucket, amount in row["buckets"].items():
                totals[bucket] += amount
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": customers or self.env["res.partner"],
            "company": company,
            "currency": company.currency_id,
            "today": today,
            "all_customers": customers is None,
            "buckets": self._get_receivables_buckets(),
            "rows": [self._prepare_receivables_row_values(row) for row in rows],
            "totals": {bucket: float(amount) for bucket, amount in totals.items()},
            "total": float(sum(totals.values(), Decimal(0))),
            "dso": self._get_receivables_dso(company, today, customers),
        }

    @api.model
    def _get_receivables_buckets(self):
        """``(bucket, label)`` of the aging buckets in order, in the user's language."""
        labels = dict(
            self.env["deposit.analysis.report"]
            ._fields["overdue_range"]
            ._description_selection(self.env)
        )
        return [(bucket, labels[bucket]) for bucket, _last_day in AGING_BUCKETS]

    @api.model
    def _get_receivables_company(self, data):
        """The company of the report: the one asked for, else the current one."""
        company_id = data.get("company_id")
        if not company_id:
            return self.env.company
        company = self.env["res.company"].browse(company_id)
        if company not in self.env.companies:
            raise UserError(
                self.env._(
                    "The receivables report is printed for the companies selected in "
                    "the company switcher only. Select %(company)s, then print it "
                    "again.",
                    company=company.sudo().display_name,
                )
            )
        return company

    @api.model
    def _get_receivables_rows(self, company, today, customers=None):
        """One dict per customer with open receivables or overdue deposits.

        Each row holds the commercial ``partner``, its aging ``buckets``
        (Decimals), its ``overdue_deposits`` and its ``dso``; rows are sorted by
        customer name. Receivable items without a partner come last, in a row
        without ``partner`` nor ``dso``.
        """
        residuals = self._get_open_receivable_residuals(company, customers)
        deposits = self._get_overdue_deposits(company, customers)

        # A receivable line's partner may be a contact of the customer.
        partners = self.env["res.partner"].browse(
            {partner_id for partner_id, _date, _amount in residuals if partner_id}
            | {deposit.partner_id.id for deposit in deposits}
        )
        commercial_ids = {
            partner.id: partner.commercial_partner_id.id for partner in partners
        }
        items_by_customer = {}
        for partner_id, date_maturity, amount in residuals:
            customer_id = commercial_ids[partner_id] if partner_id else False
            items_by_customer.setdefault(customer_id, []).append(
                (date_maturity, amount)
            )
        without_customer = items_by_customer.pop(False, None)
        deposits_by_customer = {}
        for deposit in deposits:
            deposits_by_customer.setdefault(deposit.partner_id.id, []).append(
                self._prepare_overdue_deposit_values(deposit)
            )

        rows = []
        customer_ids = set(items_by_customer) | set(deposits_by_customer)
        customers_dso = company._get_dso_by_partner(
            today, partners=self.env["res.partner"].browse(customer_ids)
        )
        for customer in self.env["res.partner"].browse(customer_ids):
            rows.append(
                {
                    "partner": customer,
                    "buckets": aging_totals(
                        items_by_customer.get(customer.id, []), today
                    ),
                    "overdue_deposits": deposits_by_customer.get(customer.id, []),
                    "dso": customers_dso[customer.id],
                }
            )
        rows.sort(key=lambda row: (row["partner"].name or "", row["partner"].id))
        if without_customer:
            rows.append(
                {
                    "partner": self.env["res.partner"],
                    "buckets": aging_totals(without_customer, today),
                    "overdue_deposits": [],
                    "dso": None,
                }
            )
        return rows

    @api.model
    def _prepare_receivables_row_values(self, row):
        """A customer row as the template prints it, amounts as floats."""
        return {
            **row,
            "name": row["partner"].display_name or self.env._("No customer"),
            "buckets": {
                bucket: float(amount) for bucket, amount in row["buckets"].items()
            },
            "total": float(sum(row["buckets"].values(), Decimal(0))),
        }

    @api.model
    def _get_open_receivable_residuals(self, company, customers=None):
        """``(partner_id, date_maturity, residual)`` of the open receivable lines.

        Posted receivable lines of the company not fully reconciled, summed by
        partner and maturity date, in company currency; ``partner_id`` is False
        for the lines without a partner, left out when customers are selected.
        """
        domain = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
        ]
        if customers is not None:
            domain.append(("partner_id", "child_of", customers.ids))
        groups = self.env["account.move.line"]._read_group(
            domain,
            groupby=["partner_id", "date_maturity:day"],
            aggregates=["amount_residual:sum"],
        )
        currency = company.currency_id
        return [
            (partner.id, date_maturity or None, Decimal(str(currency.round(amount))))
            for partner, date_maturity, amount in groups
            if not currency.is_zero(amount)
        ]

    @api.model
    def _get_overdue_deposits(self, company, customers=None):
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "overdue"),
        ]
        if customers is not None:
            domain.append(("partner_id", "in", customers.ids))
        return self.env["deposit.analysis.report"].search_fetch(
            domain,
            [
                "move_id",
                "order_id",
                "partner_id",
                "date_due",
                "days_overdue",
                "amount_residual",
            ],
            order="date_due, move_id",
        )

    @api.model
    def _prepare_overdue_deposit_values(self, deposit):
        return {
            "invoice": deposit.move_id.name,
            "order": deposit.order_id.name or "",
            "date_due": deposit.date_due,
            "days_overdue": deposit.days_overdue,
            "amount_residual": deposit.amount_residual,
        }

    @api.model
    def _get_receivables_dso(self, company, date_to, customers=None):
        """DSO on ``date_to`` of the company, or of the selected customers together.

        ``customers`` are commercial partners; the period is the last 90 days, as
        on the dashboard.
        """
        return company._get_dso(date_to, partner=customers)
