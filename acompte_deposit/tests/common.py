from odoo import Command

from odoo.addons.sale.tests.common import TestSaleCommon


class DepositCommon(TestSaleCommon):
    """Deposit terms, taxes, customers and a salesperson, built once per class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.partner_id.tz = "Europe/Paris"
        cls.salesman = cls.company_data["default_user_salesman"]

        Term = cls.env["sale.deposit.term"]
        cls.term_30 = Term.create(
            {
                "name": "30% in 7 days",
                "amount_type": "percent",
                "value": 30.0,
                "due_days": 7,
                "company_id": cls.company.id,
            }
        )
        cls.term_fixed = Term.create(
            {
                "name": "500 in 10 days",
                "amount_type": "fixed",
                "value": 500.0,
                "currency_id": cls.company.currency_id.id,
                "due_days": 10,
                "company_id": cls.company.id,
            }
        )
        cls.term_draft = Term.create(
            {
                "name": "40% checked by accounting",
                "amount_type": "percent",
                "value": 40.0,
                "due_days": 0,
                "auto_post": False,
                "company_id": cls.company.id,
            }
        )

        cls.tax_20 = cls._create_sale_tax(20.0)
        cls.tax_5_5 = cls._create_sale_tax(5.5)
        cls.tax_20_included = cls._create_sale_tax(
            20.0, price_include_override="tax_included"
        )

        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Atelier Dupont",
                "email": "compta@atelier-dupont.example.com",
                "is_company": True,
                "invoice_sending_method": "email",
            }
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {
                "name": "Claire Dupont",
                "email": "claire@atelier-dupont.example.com",
                "parent_id": cls.customer.id,
            }
        )
        cls.customer.with_company(cls.company).deposit_term_id = cls.term_30

        cls.product = cls.company_data["product_order_no"]
        cls.product_2 = cls.company_data["product_service_order"]

    @classmethod
    def _create_sale_tax(cls, amount, **values):
        return cls.env["account.tax"].create(
            {
                "name": f"Sale {amount}% {values.get('price_include_override', '')}",
                "amount_type": "percent",
                "amount": amount,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
                **values,
            }
        )

    @classmethod
    def _create_order(cls, lines, partner=None, **values):
        """Create a quotation from (product, quantity, price, taxes[, discount])."""
        order_lines = []
        for product, quantity, price, taxes, *discount in lines:
            order_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "price_unit": price,
                        "tax_id": [Command.set(taxes.ids)],
                        "discount": discount[0] if discount else 0.0,
                    }
                )
            )
        return cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "company_id": cls.company.id,
                "order_line": order_lines,
                **values,
            }
        )

    @classmethod
    def _confirm_order_in_company(cls, company_data, partner=None):
        """Confirm an order of 1,000.00 with a 30% deposit in another company."""
        company = company_data["company"]
        term = cls.env["sale.deposit.term"].create(
            {
                "name": "30% in 7 days",
                "amount_type": "percent",
                "value": 30.0,
                "due_days": 7,
                "company_id": company.id,
            }
        )
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "company_id": company.id,
                    "deposit_term_id": term.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": company_data["product_order_no"].id,
                                "product_uom_qty": 1,
                                "price_unit": 1000.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    @classmethod
    def _post_invoice(
        cls,
        partner,
        amount,
        invoice_date,
        date_due,
        company=None,
        move_type="out_invoice",
    ):
        """A posted customer invoice (or credit note) of one line without taxes."""
        company = company or cls.company
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": date_due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    @classmethod
    def _register_payment(cls, invoice, amount, payment_date=None):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": payment_date or invoice.invoice_date,
                }
            )
        )
        return wizard._create_payments()
