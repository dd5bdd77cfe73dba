import pytz

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Default Deposit Terms",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations whose customer has none of its own.",
    )

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
