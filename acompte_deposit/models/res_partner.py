from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms",
        company_dependent=True,
        domain="[('company_id', 'in', (False, current_company_id))]",
        help="Deposit terms of this customer's new quotations in the current company. "
        "Contacts follow the terms of the customer they belong to. Empty: the "
        "default deposit terms of the Sales settings apply.",
    )
