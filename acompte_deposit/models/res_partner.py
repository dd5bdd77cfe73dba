from odoo import api, fields, models

RISK_LEVELS = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]


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
    deposit_risk_level = fields.Selection(
        selection=RISK_LEVELS,
        string="Risk Level",
        company_dependent=True,
        help="Picks the reminder levels that chase this customer's unpaid "
        "deposits in the current company. Contacts show the risk level of the "
        "customer they belong to.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["deposit_risk_level"]
