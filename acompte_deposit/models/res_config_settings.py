from odoo import fields, models
from odoo.exceptions import AccessError


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
    deposit_risk_medium_threshold = fields.Integer(
        related="company_id.deposit_risk_medium_threshold",
        readonly=False,
    )
    deposit_risk_high_threshold = fields.Integer(
        related="company_id.deposit_risk_high_threshold",
        readonly=False,
    )
    deposit_low_risk_term_id = fields.Many2one(
        related="company_id.deposit_low_risk_term_id",
        readonly=False,
    )
    deposit_medium_risk_term_id = fields.Many2one(
        related="company_id.deposit_medium_risk_term_id",
        readonly=False,
    )
    deposit_high_risk_term_id = fields.Many2one(
        related="company_id.deposit_high_risk_term_id",
        readonly=False,
    )

    def action_update_deposit_risk(self):
        """Refresh the risk of every customer of the company now."""
        if not self.env.user.has_group("acompte_deposit.group_deposit_manager"):
            raise AccessError(
                self.env._(
                    "Only a Deposit Manager may refresh the risk of every customer."
                )
            )
        counts = self.env["res.partner"].sudo()._update_deposit_risk()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Customer risk refreshed"),
                "message": self.env._(
                    "%(low)s low, %(medium)s medium and %(high)s high risk customers.",
                    low=counts["low"],
                    medium=counts["medium"],
                    high=counts["high"],
                ),
                "type": "success",
            },
        }
