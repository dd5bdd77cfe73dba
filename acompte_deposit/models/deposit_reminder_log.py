from odoo import fields, models

REMINDER_LOG_STATES = [
    ("sent", "Sent"),
    ("no_email", "No E-mail Address"),
    ("failed", "Failed"),
]


class DepositReminderLog(models.Model):
    _name = "deposit.reminder.log"
    _description = "Deposit Reminder History"
    _order = "create_date desc, id desc"
    _rec_name = "level_id"

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    level_id = fields.Many2one(
        comodel_name="deposit.reminder.level",
        string="Reminder Level",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    state = fields.Selection(
        selection=REMINDER_LOG_STATES,
        string="Status",
        required=True,
        default="sent",
    )
    reason = fields.Text()
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Recipient",
        ondelete="set null",
    )
    mail_message_id = fields.Many2one(
        comodel_name="mail.message",
        string="E-mail",
        ondelete="set null",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="move_id.company_id",
        store=True,
        index=True,
    )
    customer_id = fields.Many2one(
        related="move_id.commercial_partner_id",
    )
    invoice_origin = fields.Char(
        related="move_id.invoice_origin",
        string="Order",
    )
    amount_residual = fields.Monetary(
        related="move_id.amount_residual",
        string="Amount Due",
        currency_field="currency_id",
    )
    currency_id = fields.Many2one(
        related="move_id.currency_id",
    )

    _sql_constraints = [
        (
            "move_level_unique",
            "UNIQUE(move_id, level_id)",
            "An invoice gets each reminder level once only.",
        ),
    ]
