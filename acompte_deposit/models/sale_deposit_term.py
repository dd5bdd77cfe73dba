from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..deposit_rules import amount as deposit_amount_rules


class SaleDepositTerm(models.Model):
    _name = "sale.deposit.term"
    _description = "Deposit Terms"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        translate=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    active = fields.Boolean(
        default=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Leave empty to share these deposit terms between all companies.",
    )
    amount_type = fields.Selection(
        selection=[
            ("percent", "Percentage of the Order Total"),
            ("fixed", "Fixed Amount"),
        ],
        string="Deposit Type",
        required=True,
        default="percent",
    )
    value = fields.Float(
        required=True,
        digits="Account",
        default=30.0,
        help="A percentage of the order's total, taxes included (between 0 and 100), "
        "or a fixed amount, taxes included, in the currency of these terms.",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="Currency of a fixed deposit; orders in another currency get it "
        "converted at the confirmation date.",
    )
    due_days = fields.Integer(
        string="Due Delay (Days)",
        required=True,
        default=7,
        help="Number of days after the order confirmation by which the deposit is due.",
    )
    auto_post = fields.Boolean(
        string="Post Automatically",
        default=True,
        help="Post the deposit invoice as soon as the order is confirmed. Otherwise "
        "it stays in draft for the accountant to check.",
    )
    auto_send = fields.Boolean(
        string="Send Automatically",
        default=True,
        help="E-mail the posted deposit invoice to the customer with the link to pay "
        "it online.",
    )
    note = fields.Html(
        string="Payment Instructions",
        translate=True,
        help="Printed on quotations and shown on the customer portal below the "
        "deposit amount.",
    )
    rule_description = fields.Char(
        string="Amount Rule",
        compute="_compute_rule_description",
    )

    @api.depends("amount_type", "value", "currency_id", "due_days")
    @api.depends_context("lang")
    def _compute_rule_description(self):
        for term in self:
            term.rule_description = term._get_rule_description()

    @api.onchange("amount_type")
    def _onchange_amount_type(self):
        # A percentage is no amount: make the user type the fixed amount.
        if self.amount_type == "fixed":
            self.value = 0.0

    @api.constrains("amount_type", "value", "due_days")
    def _check_value(self):
        for term in self:
            errors = deposit_amount_rules.term_errors(
                term.amount_type, term.value, term.due_days
            )
            if errors:
                raise ValidationError(
                    "\n".join(term._get_term_error_message(error) for error in errors)
                )

    def _get_term_error_message(self, error):
        self.ensure_one()
        if error == deposit_amount_rules.PERCENT_OUT_OF_RANGE:
            return self.env._(
                "The deposit percentage of %(terms)s must be above 0 and at most 100.",
                terms=self.display_name,
            )
        if error == deposit_amount_rules.FIXED_NOT_POSITIVE:
            return self.env._(
                "The fixed deposit amount of %(terms)s must be above zero.",
                terms=self.display_name,
            )
        if error == deposit_amount_rules.NEGATIVE_DUE_DAYS:
            return self.env._(
                "The due delay of %(terms)s cannot be negative: use 0 for a deposit "
                "due on confirmation.",
                terms=self.display_name,
            )
        return self.env._(
            "The deposit type of %(terms)s must be a percentage or a fixed amount.",
            terms=self.display_name,
        )

    def _get_rule_description(self):
        """Say in words how the deposit of these terms is computed."""
        self.ensure_one()
        if self.amount_type == "percent":
            percent = f"{self.value:g}"
            amount = self.env._(
                "%(percent)s%% of the order total, taxes included",
                percent=percent,
            )
        else:
            amount = self.env._(
                "%(amount)s, taxes included, whatever the order total (an order "
                "below that amount cannot be confirmed with these terms)",
                amount=self.currency_id.format(self.value),
            )
        if self.due_days:
            due = self.env._("due %(days)s days after confirmation", days=self.due_days)
        else:
            due = self.env._("due on confirmation")
        return self.env._(
            "Deposit of %(amount)s, %(due)s. Taxes are split per rate as on the "
            "order; orders with a zero total get no deposit.",
            amount=amount,
            due=due,
        )

    def _get_deposit_amount(self, order):
        """Tax-included deposit these terms ask of ``order``, in its currency."""
        self.ensure_one()
        value = self.value
        if self.amount_type == "fixed" and self.currency_id != order.currency_id:
            value = self.currency_id._convert(
                value,
                order.currency_id,
                order.company_id,
                order.date_order or fields.Date.context_today(self),
            )
        return float(
            deposit_amount_rules.deposit_amount(
                self.amount_type,
                value,
                order.amount_total,
                rounding=order.currency_id.rounding,
            )
        )
