from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    is_deposit = fields.Boolean(
        string="Is a Deposit",
        compute="_compute_is_deposit",
        store=True,
        help="Customer invoice made only of down payment lines of a sale order.",
    )

    @api.depends(
        "move_type",
        "invoice_line_ids.display_type",
        "invoice_line_ids.sale_line_ids.is_downpayment",
    )
    def _compute_is_deposit(self):
        for move in self:
            product_lines = move.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            )
            move.is_deposit = (
                move.move_type == "out_invoice"
                and bool(product_lines)
                and all(
                    line.sale_line_ids
                    and all(line.sale_line_ids.mapped("is_downpayment"))
                    for line in product_lines
                )
            )

    def _is_deposit_credited(self):
        """True when posted credit notes cover the whole deposit invoice."""
        self.ensure_one()
        credit_notes = self.reversal_move_ids.filtered(
            lambda move: move.state == "posted"
        )
        return (
            bool(credit_notes)
            and self.currency_id.compare_amounts(
                sum(credit_notes.mapped("amount_total")), self.amount_total
            )
            >= 0
        )

    def _filter_live_deposits(self):
        """Deposit invoices neither cancelled nor reversed by credit notes."""
        return self.filtered(
            lambda move: (
                move.state != "cancel"
                and move.payment_state != "reversed"
                and not move._is_deposit_credited()
            )
        )
