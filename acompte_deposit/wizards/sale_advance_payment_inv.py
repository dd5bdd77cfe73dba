from odoo import fields, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        help="Deposit terms this down payment comes from, when the order's "
        "confirmation created it.",
    )
    deposit_invoice_date = fields.Date()

    def _prepare_invoice_values(self, order, so_lines, accounts):
        values = super()._prepare_invoice_values(order, so_lines, accounts)
        if self.deposit_term_id and self.deposit_invoice_date:
            # The deposit is due a number of days after confirmation, whatever
            # the order's payment terms say about the rest.
            values.update(
                invoice_date=self.deposit_invoice_date,
                invoice_payment_term_id=False,
                invoice_date_due=fields.Date.add(
                    self.deposit_invoice_date, days=self.deposit_term_id.due_days
                ),
            )
        return values

    def _get_down_payment_description(self, order):
        if not self.deposit_term_id:
            return super()._get_down_payment_description(order)
        wizard = self.with_context(lang=order.partner_id.lang)
        return wizard.env._("Deposit: %(terms)s", terms=wizard.deposit_term_id.name)
