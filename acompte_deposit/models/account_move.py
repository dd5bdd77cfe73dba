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
