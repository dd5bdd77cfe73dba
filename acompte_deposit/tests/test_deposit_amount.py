from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import DepositCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 10:00:00")
class TestDepositAmount(DepositCommon):
    """The deposit invoice is exact to the cent whatever the tax set-up."""

    def _deposit_product_lines(self, invoice):
        return invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )

    def test_percent_on_two_tax_rates_splits_per_rate(self):
        # 3 x 411.53 at 20% = 1,234.59 + 246.92; 2 x 89.90 at 5.5% = 179.80 + 9.89
        order = self._create_order(
            [
                (self.product, 3, 411.53, self.tax_20),
                (self.product_2, 2, 89.90, self.tax_5_5),
            ]
        )
        self.assertRecordValues(
            order, [{"amount_total": 1671.20, "deposit_amount": 501.36}]
        )

        order.action_confirm()

        invoice = order.deposit_invoice_ids
        self.assertRecordValues(
            invoice,
            [{"amount_total": 501.36, "is_deposit": True, "state": "posted"}],
        )
        lines = self._deposit_product_lines(invoice).sorted(
            lambda line: -line.price_subtotal
        )
        # 30% of each rate's base: 370.38 at 20% and 53.94 at 5.5%; Odoo takes the
        # cent of rounding on the largest line so that the total is exact.
        self.assertEqual(lines.tax_ids, self.tax_20 | self.tax_5_5)
        self.assertEqual(lines[0].tax_ids, self.tax_20)
        self.assertEqual(lines[1].tax_ids, self.tax_5_5)
        self.assertAlmostEqual(lines[0].price_subtotal, 370.38, delta=0.01)
        self.assertAlmostEqual(lines[1].price_subtotal, 53.94, delta=0.01)

    def test_percent_with_price_included_tax(self):
        order = self._create_order([(self.product, 1, 1200.0, self.tax_20_included)])
        self.assertRecordValues(
            order, [{"amount_total": 1200.0, "deposit_amount": 360.0}]
        )
        order.action_confirm()
        self.assertRecordValues(
            order.deposit_invoice_ids,
            [{"amount_total": 360.0, "amount_untaxed": 300.0, "amount_tax": 60.0}],
        )

    def test_line_discount_is_applied_once(self):
        # 4 x 250 less 10% = 900.00 + 20% = 1,080.00; 30% = 324.00
        order = self._create_order([(self.product, 4, 250.0, self.tax_20, 10.0)])
        order.action_confirm()
        invoice = order.deposit_invoice_ids
        self.assertRecordValues(
            invoice, [{"amount_total": 324.0, "amount_untaxed": 270.0}]
        )
        self.assertEqual(self._deposit_product_lines(invoice).discount, 0.0)

    def test_fiscal_position_maps_the_deposit_taxes(self):
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "Reduced rate",
                "company_id": self.company.id,
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax_20.id, "tax_dest_id": self.tax_5_5.id}
                    )
                ],
            }
        )
        product = self.env["product.product"].create(
            {
                "name": "Oak table",
                "list_price": 1000.0,
                "invoice_policy": "order",
                "taxes_id": [Command.set(self.tax_20.ids)],
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "fiscal_position_id": fiscal_position.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        self.assertEqual(order.order_line.tax_id, self.tax_5_5)
        # 1,000.00 + 5.5% = 1,055.00; 30% = 316.50
        self.assertRecordValues(
            order, [{"amount_total": 1055.0, "deposit_amount": 316.5}]
        )
        order.action_confirm()
        invoice = order.deposit_invoice_ids
        self.assertRecordValues(invoice, [{"amount_total": 316.5, "amount_tax": 16.5}])
        self.assertEqual(self._deposit_product_lines(invoice).tax_ids, self.tax_5_5)

    def test_fixed_deposit_is_exact_and_final_invoice_deducts_it(self):
        order = self._create_order(
            [
                (self.product, 3, 411.53, self.tax_20),
                (self.product_2, 2, 89.90, self.tax_5_5),
            ],
            deposit_term_id=self.term_fixed.id,
        )
        order.action_confirm()
        deposit = order.deposit_invoice_ids
        self.assertRecordValues(deposit, [{"amount_total": 500.0, "is_deposit": True}])

        final = order._create_invoices(final=True)
        final.action_post()
        self.assertRecordValues(final, [{"amount_total": 1171.20, "is_deposit": False}])
        self.assertAlmostEqual(
            deposit.amount_total + final.amount_total, order.amount_total, places=2
        )

    def test_percent_deposit_and_final_invoice_add_up_to_the_order(self):
        order = self._create_order(
            [
                (self.product, 7, 33.33, self.tax_20),
                (self.product_2, 3, 19.99, self.tax_5_5),
            ]
        )
        # 233.31 + 46.66 = 279.97; 59.97 + 3.30 = 63.27; total 343.24; 30% = 102.97
        self.assertRecordValues(
            order, [{"amount_total": 343.24, "deposit_amount": 102.97}]
        )
        order.action_confirm()
        final = order._create_invoices(final=True)
        self.assertRecordValues(
            order.deposit_invoice_ids | final,
            [{"amount_total": 102.97}, {"amount_total": 240.27}],
        )

    def test_zero_total_order_gets_no_deposit(self):
        order = self._create_order([(self.product, 1, 0.0, self.tax_20)])
        order.action_confirm()
        self.assertRecordValues(
            order,
            [{"state": "sale", "deposit_amount": 0.0, "deposit_state": "none"}],
        )
        self.assertFalse(order.invoice_ids)

    def test_fixed_deposit_above_total_refuses_confirmation(self):
        order = self._create_order(
            [(self.product, 1, 100.0, self.tax_20)],
            deposit_term_id=self.term_fixed.id,
        )
        with self.assertRaisesRegex(UserError, "above the total"):
            order.action_confirm()
        self.assertRecordValues(order, [{"state": "draft", "deposit_state": "none"}])
        self.assertFalse(order.invoice_ids)
        self.assertFalse(order.order_line.filtered("is_downpayment"))
