from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DepositCommon


@tagged("post_install", "-at_install")
class TestDepositTerm(DepositCommon):
    def test_invalid_terms_are_refused_and_nothing_is_created(self):
        Term = self.env["sale.deposit.term"]
        count = Term.search_count([])
        invalid = [
            ("percent", 0.0, 7),
            ("percent", -5.0, 7),
            ("percent", 100.01, 7),
            ("fixed", 0.0, 7),
            ("fixed", -1.0, 7),
            ("percent", 30.0, -1),
        ]
        for amount_type, value, due_days in invalid:
            with self.subTest(amount_type=amount_type, value=value, due_days=due_days):
                with self.assertRaises(ValidationError):
                    Term.create(
                        {
                            "name": "Bad terms",
                            "amount_type": amount_type,
                            "value": value,
                            "due_days": due_days,
                        }
                    )
        self.assertEqual(Term.search_count([]), count)

    def test_editing_a_term_into_an_invalid_one_is_refused(self):
        with self.assertRaises(ValidationError):
            self.term_30.value = 120.0
        self.assertEqual(self.term_30.value, 30.0)

    def test_full_prepayment_and_zero_delay_are_valid(self):
        term = self.env["sale.deposit.term"].create(
            {"name": "All now", "amount_type": "percent", "value": 100.0, "due_days": 0}
        )
        self.assertEqual(term.due_days, 0)
        self.assertIn("100% of the order total, taxes included", term.rule_description)
        self.assertIn("due on confirmation", term.rule_description)

    def test_rule_description_states_the_amount_rule(self):
        self.assertEqual(
            self.term_30.rule_description,
            "Deposit of 30% of the order total, taxes included, due 7 days after "
            "confirmation. Taxes are split per rate as on the order; orders with a "
            "zero total get no deposit.",
        )
        self.assertIn(
            "taxes included, whatever the order total", self.term_fixed.rule_description
        )

    def test_quotation_takes_customer_terms_then_company_terms(self):
        self.company.deposit_term_id = self.term_fixed
        other = self.env["res.partner"].create({"name": "No terms customer"})
        order_customer = self._create_order([(self.product, 1, 100.0, self.tax_20)])
        order_contact = self._create_order(
            [(self.product, 1, 100.0, self.tax_20)], partner=self.customer_contact
        )
        order_other = self._create_order(
            [(self.product, 1, 100.0, self.tax_20)], partner=other
        )
        self.assertEqual(order_customer.deposit_term_id, self.term_30)
        self.assertEqual(order_contact.deposit_term_id, self.term_30)
        self.assertEqual(order_other.deposit_term_id, self.term_fixed)

    def test_customer_terms_are_per_company(self):
        other_company = self.setup_other_company()["company"]
        self.assertEqual(
            self.customer.with_company(self.company).deposit_term_id, self.term_30
        )
        self.assertFalse(self.customer.with_company(other_company).deposit_term_id)

    def test_salesperson_changes_terms_on_a_quotation_only(self):
        order = self._create_order(
            [(self.product, 2, 100.0, self.tax_20)], user_id=self.salesman.id
        )
        with Form(order.with_user(self.salesman)) as form:
            form.deposit_term_id = self.term_fixed
        self.assertEqual(order.deposit_term_id, self.term_fixed)
        # 2 x 100 + 20% tax = 240.00: a fixed 500.00 deposit is above the total.
        self.assertRecordValues(
            order, [{"deposit_amount": 500.0, "deposit_amount_above_total": True}]
        )
        order.deposit_term_id = self.term_30
        order.action_confirm()
        with self.assertRaises(UserError):
            order.deposit_term_id = self.term_fixed
        self.assertEqual(order.deposit_term_id, self.term_30)

    def test_terms_of_another_company_are_refused(self):
        other_company = self.setup_other_company()["company"]
        foreign_term = self.env["sale.deposit.term"].create(
            {
                "name": "Other company 10%",
                "amount_type": "percent",
                "value": 10.0,
                "due_days": 5,
                "company_id": other_company.id,
            }
        )
        order = self._create_order([(self.product, 1, 100.0, self.tax_20)])
        with self.assertRaises(UserError):
            order.deposit_term_id = foreign_term
        self.assertEqual(order.deposit_term_id, self.term_30)
