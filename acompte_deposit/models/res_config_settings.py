from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    deposit_term_id = fields.Many2one(
        related="company_id.deposit_term_id",
        readonly=False,
    )
    deposit_dso_target = fields.Integer(
        related="company_id.deposit_dso_target",
        readonly=False,
    )
