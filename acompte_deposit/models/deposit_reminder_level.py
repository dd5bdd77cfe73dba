from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import RISK_LEVELS


class DepositReminderLevel(models.Model):
    _name = "deposit.reminder.level"
    _description = "Deposit Reminder Level"
    _order = "company_id, risk_level, days, sequence, id"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        translate=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    risk_level = fields.Selection(
        selection=RISK_LEVELS,
        required=True,
        default="medium",
        help="Customers of this risk level go through this reminder level.",
    )
    days = fields.Integer(
        required=True,
        aggregator=None,
        help="Days from the deposit's due date on which this reminder level is "
        "sent; a negative number means before the due date.",
    )
    send_email = fields.Boolean(
        string="Send E-mail",
        default=True,
    )
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'account.move')]",
        ondelete="restrict",
    )
    create_activity = fields.Boolean(
        string="Schedule Activity",
    )
    activity_type_id = fields.Many2one(
        comodel_name="mail.activity.type",
        domain="[('res_model', 'in', (False, 'account.move'))]",
        help="Empty: a to-do.",
    )
    activity_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Activity Assigned To",
        check_company=True,
        help="Empty: the salesperson of the order, else the invoice's salesperson.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(
        default=True,
    )

    @api.constrains("send_email", "create_activity", "mail_template_id")
    def _check_action(self):
        for level in self:
            if not (level.send_email or level.create_activity):
                raise ValidationError(
                    self.env._(
                        "The reminder level %(name)s does nothing: tick Send E-mail, "
                        "Schedule Activity, or both.",
                        name=level.name,
                    )
                )
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "The reminder level %(name)s sends an e-mail: choose its "
                        "e-mail template.",
                        name=level.name,
                    )
                )

    @api.constrains("company_id", "risk_level", "days", "active")
    def _check_unique_day(self):
        for level in self.filtered("active"):
            twins = self.search_count(
                [
                    ("id", "!=", level.id),
                    ("company_id", "=", level.company_id.id),
                    ("risk_level", "=", level.risk_level),
                    ("days", "=", level.days),
                ]
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "The %(risk)s risk level already has a reminder level on "
                        "day %(days)s in %(company)s. Change the days of one of them, "
                        "or archive it.",
                        risk=dict(
                            self._fields["risk_level"]._description_selection(self.env)
                        )[level.risk_level],
                        days=level.days,
                        company=level.company_id.name,
                    )
                )
