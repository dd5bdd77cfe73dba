from odoo import fields, models


class DepositDsoSnapshot(models.Model):
    """The DSO of a company at the end of a month, stored once the month ended."""

    _name = "deposit.dso.snapshot"
    _description = "DSO History"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id",
    )
    date = fields.Date(
        string="Month End",
        required=True,
        readonly=True,
    )
    period_days = fields.Integer(
        string="Period (Days)",
        readonly=True,
        help="Days of sales the standard DSO compares the receivables with.",
    )
    receivable = fields.Monetary(
        string="Receivables",
        currency_field="currency_id",
        readonly=True,
        aggregator=None,
        help="Balance of the customer receivables on the month end.",
    )
    sales = fields.Monetary(
        string="Credit Sales",
        currency_field="currency_id",
        readonly=True,
        aggregator=None,
        help="Customer invoices minus credit notes, taxes included, over the "
        "period that ends on the month end.",
    )
    dso_standard = fields.Float(
        string="DSO (Standard)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Receivables divided by the credit sales of the period, times the "
        "days of the period.",
    )
    dso_standard_defined = fields.Boolean(
        string="Standard DSO Defined",
        readonly=True,
        help="Unset when receivables were owed without any sales in the period.",
    )
    dso_countback = fields.Float(
        string="DSO (Count-Back)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Days of sales, counted back month by month from the month end, "
        "that make up the receivables.",
    )

    _sql_constraints = [
        (
            "company_date_unique",
            "UNIQUE(company_id, date)",
            "A company has one DSO snapshot per month.",
        ),
    ]
