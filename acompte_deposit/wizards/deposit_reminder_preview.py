from datetime import timedelta

from odoo import api, fields, models


class DepositReminderPreview(models.TransientModel):
    _name = "deposit.reminder.preview"
    _description = "Deposit Reminder Preview"

    date = fields.Date(
        string="Run Of",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        readonly=True,
    )
    line_ids = fields.One2many(
        comodel_name="deposit.reminder.preview.line",
        inverse_name="preview_id",
        string="Reminders",
        readonly=True,
    )

    @api.depends("date")
    def _compute_display_name(self):
        # The breadcrumb of the preview, which has no name of its own.
        for preview in self:
            preview.display_name = self.env._("Reminder Preview")

    @api.model
    def _prepare_preview_values(self, date=None):
        """What the reminder run of ``date`` (tomorrow by default) would send."""
        company = self.env.company
        date = date or company._get_deposit_today() + timedelta(days=1)
        moves = self.env["account.move"].sudo()
        candidates = moves._get_deposit_reminder_candidates(date)
        moves = moves.browse([candidate.move_id for candidate in candidates])
        lines = []
        for candidate in candidates:
            move = moves.browse(candidate.move_id)
            lines.append(
                fields.Command.create(
                    {
                        "move_id": move.id,
                        "level_id": candidate.level_id,
                        "recipient_id": move._get_deposit_reminder_recipient().id,
                    }
                )
            )
        return {
            "date": date,
            "company_id": company.id,
            "line_ids": lines,
        }

    @api.model
    def action_open_preview(self):
        preview = self.create(self._prepare_preview_values())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reminder Preview"),
            "res_model": self._name,
            "res_id": preview.id,
            "view_mode": "form",
            "target": "current",
        }


class DepositReminderPreviewLine(models.TransientModel):
    _name = "deposit.reminder.preview.line"
    _description = "Deposit Reminder Preview Line"
    _order = "date_due, id"

    preview_id = fields.Many2one(
        comodel_name="deposit.reminder.preview",
        required=True,
        ondelete="cascade",
    )
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id",
        string="Customer",
    )
    level_id = fields.Many2one(
        comodel_name="deposit.reminder.level",
        string="Reminder Level",
        required=True,
        ondelete="cascade",
    )
    recipient_id = fields.Many2one(
        comodel_name="res.partner",
    )
    date_due = fields.Date(
        related="move_id.invoice_date_due",
        string="Due Date",
        store=True,
    )
    amount_residual = fields.Monetary(
        related="move_id.amount_residual",
        string="Amount Due",
        currency_field="currency_id",
    )
    currency_id = fields.Many2one(
        related="move_id.currency_id",
    )
