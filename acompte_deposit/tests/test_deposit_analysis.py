from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import DepositCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-31 10:00:00")
class TestDepositAnalysis(DepositCommon):
    """One analysis row per posted deposit invoice, seen on 31 March 2026.

    Every order is 2 x 500 + 20% = 1,200.00 with deposit terms of 30% in 7 days:
    a deposit of 360.00 due 7 days after the confirmation.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["deposit.analysis.report"]
        cls.customer.with_company(cls.company).sudo().deposit_risk_level = "high"
        cls.new_customer = cls.env["res.partner"].create(
            {"name": "Boulangerie Martin", "is_company": True}
        )

        # Confirmed on 28 March, due on 4 April.
        cls.awaiting = cls._confirmed_invoice("2026-03-28 09:00:00")
        # Confirmed on 2 March, due on 9 March: 22 days late.
        cls.overdue = cls._confirmed_invoice("2026-03-02 09:00:00")
        # Confirmed on 27 March, due on 3 April, 100.00 paid on 29 March.
        cls.partial = cls._confirmed_invoice(
            "2026-03-27 09:00:00", partner=cls.new_customer
        )
        cls._pay(cls.partial, 100.0, date(2026, 3, 29))
        # Confirmed on 5 January, due on 12 January, 60.00 paid on 20 January:
        # 78 days late for the 300.00 left.
        cls.partial_late = cls._confirmed_invoice("2026-01-05 09:00:00")
        cls._pay(cls.partial_late, 60.0, date(2026, 1, 20))
        # Confirmed on 10 February, due on 17 February, paid in two parts on 20
        # and 25 February: collected in 15 days.
        cls.paid = cls._confirmed_invoice(
            "2026-02-10 09:00:00", partner=cls.new_customer
        )
        cls._pay(cls.paid, 160.0, date(2026, 2, 20))
        cls._pay(cls.paid, 200.0, date(2026, 2, 25))
        # Confirmed on 5 March and reversed by a credit note on 6 March.
        cls.reversed = cls._confirmed_invoice("2026-03-05 09:00:00")
        with freeze_time("2026-03-06 09:00:00"):
            cls.reversed._reverse_moves(
                [{"date": date(2026, 3, 6), "invoice_date": date(2026, 3, 6)}],
                cancel=True,
            )
        cls.moves = (
            cls.awaiting
            | cls.overdue
            | cls.partial
            | cls.partial_late
            | cls.paid
            | cls.reversed
        )

    @classmethod
    def _confirmed_invoice(cls, moment, partner=None, company=None):
        with freeze_time(moment):
            order = cls._create_order(
                [(cls.product, 2, 500.0, cls.tax_20)],
                partner=partner,
                user_id=cls.salesman.id,
                deposit_term_id=cls.term_30.id,
            )
            order.action_confirm()
        return order.deposit_invoice_ids

    @classmethod
    def _pay(cls, invoice, amount, payment_date):
        with freeze_time(payment_date):
            cls._register_payment(invoice, amount, payment_date)

    @classmethod
    def _credit_note(cls, invoice, amount):
        """A posted credit note of ``amount`` for ``invoice``, not reconciled."""
        credit_note = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "company_id": invoice.company_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_date": date(2026, 3, 30),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Order lost",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        credit_note.action_post()
        # Posting reconciles it with the invoice; someone undid that.
        invoice.line_ids.remove_move_reconcile()
        return credit_note

    def _rows(self, moves=None):
        return self.Report.search([("move_id", "in", (moves or self.moves).ids)])

    def _assert_table(self, rows, columns, table):
        """Compare rows, sorted by invoice, with ``(invoice, *values)`` tuples."""
        self.assertRecordValues(
            rows.sorted(lambda row: row.move_id.id),
            [
                dict(zip(("move_id", *columns), (move.id, *values), strict=True))
                for move, *values in sorted(table, key=lambda line: line[0].id)
            ],
        )

    def test_one_row_per_posted_deposit_with_its_amounts_and_state(self):
        self.assertEqual(self.partial.payment_state, "partial")
        self.assertIn(self.paid.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.reversed.payment_state, "reversed")
        columns = ("state", "amount_total", "amount_paid", "amount_residual")
        self._assert_table(
            self._rows(),
            columns,
            [
                (self.awaiting, "awaiting", 360.0, 0.0, 360.0),
                (self.overdue, "overdue", 360.0, 0.0, 360.0),
                (self.partial, "partial", 360.0, 100.0, 260.0),
                (self.partial_late, "overdue", 360.0, 60.0, 300.0),
                (self.paid, "paid", 360.0, 360.0, 0.0),
                # Cancelled by a credit note, not paid.
                (self.reversed, "cancelled", 360.0, 0.0, 0.0),
            ],
        )

    def test_days_overdue_and_days_to_collect(self):
        columns = (
            "date_due",
            "days_overdue",
            "overdue_range",
            "date_paid",
            "days_to_collect",
        )
        self._assert_table(
            self._rows(),
            columns,
            [
                (self.awaiting, date(2026, 4, 4), 0, "not_due", False, 0),
                (self.overdue, date(2026, 3, 9), 22, "1_30", False, 0),
                (self.partial, date(2026, 4, 3), 0, "not_due", False, 0),
                (self.partial_late, date(2026, 1, 12), 78, "61_90", False, 0),
                # Paid and cancelled deposits are in no range.
                (self.paid, date(2026, 2, 17), 0, False, date(2026, 2, 25), 15),
                (self.reversed, date(2026, 3, 12), 0, False, False, 0),
            ],
        )

    def test_deposit_credited_in_full_is_cancelled_not_overdue(self):
        """Credit notes covering the whole deposit cancel it, reconciled or not.

        Both deposits are 360.00 due on 9 March; a credit note of 360.00 covers
        the first, one of 100.00 leaves the second overdue.
        """
        credited = self._confirmed_invoice("2026-03-02 09:00:00")
        self._credit_note(credited, 360.0)
        partly_credited = self._confirmed_invoice("2026-03-02 09:00:00")
        self._credit_note(partly_credited, 100.0)
        self.assertRecordValues(
            credited | partly_credited,
            [
                {"payment_state": "not_paid", "amount_residual": 360.0},
                {"payment_state": "not_paid", "amount_residual": 360.0},
            ],
        )
        self._assert_table(
            self._rows(credited | partly_credited),
            (
                "state",
                "amount_paid",
                "amount_residual",
                "days_overdue",
                "overdue_range",
            ),
            [
                (credited, "cancelled", 0.0, 0.0, 0, False),
                (partly_credited, "overdue", 0.0, 360.0, 22, "1_30"),
            ],
        )
        [[count]] = self.Report._read_group(
            [
                ("move_id", "in", (credited | partly_credited).ids),
                ("state", "in", ("awaiting", "overdue")),
            ],
            aggregates=["__count"],
        )
        self.assertEqual(count, 1)

    def test_days_overdue_follow_the_frozen_date(self):
        with freeze_time("2026-04-05 10:00:00"):
            self.env.invalidate_all()
            self._assert_table(
                self._rows(self.awaiting | self.overdue | self.partial),
                ("state", "days_overdue", "overdue_range"),
                [
                    (self.awaiting, "overdue", 1, "1_30"),
                    (self.overdue, "overdue", 27, "1_30"),
                    (self.partial, "overdue", 2, "1_30"),
                ],
            )

    def test_row_names_the_order_customer_salesperson_and_risk_level(self):
        rows = self._rows(self.overdue | self.partial).sorted(lambda r: r.move_id.id)
        self.assertRecordValues(
            rows,
            [
                {
                    "order_id": self.overdue.invoice_line_ids.sale_line_ids.order_id.id,
                    "partner_id": self.customer.id,
                    "user_id": self.salesman.id,
                    "company_id": self.company.id,
                    "currency_id": self.company.currency_id.id,
                    "invoice_date": date(2026, 3, 2),
                    "month": date(2026, 3, 1),
                    "risk_level": "high",
                },
                {
                    "order_id": self.partial.invoice_line_ids.sale_line_ids.order_id.id,
                    "partner_id": self.new_customer.id,
                    "user_id": self.salesman.id,
                    "company_id": self.company.id,
                    "currency_id": self.company.currency_id.id,
                    "invoice_date": date(2026, 3, 27),
                    "month": date(2026, 3, 1),
                    # No risk level of its own: medium.
                    "risk_level": "medium",
                },
            ],
        )

    def test_invoice_to_a_contact_counts_for_its_customer(self):
        invoice = self._confirmed_invoice(
            "2026-03-30 09:00:00", partner=self.customer_contact
        )
        self.assertEqual(invoice.partner_id, self.customer_contact)
        self.assertRecordValues(
            self._rows(invoice),
            [{"partner_id": self.customer.id, "risk_level": "high"}],
        )

    def test_draft_deposits_and_other_invoices_are_left_out(self):
        with freeze_time("2026-03-30 09:00:00"):
            order = self._create_order(
                [(self.product, 1, 100.0, self.tax_20)],
                deposit_term_id=self.term_draft.id,
            )
            order.action_confirm()
        draft = order.deposit_invoice_ids
        self.assertEqual(draft.state, "draft")
        invoice = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[100.0], post=True
        )
        self.assertFalse(self._rows(draft | invoice))

    def test_group_by_state_adds_up_the_rows(self):
        groups = self.Report._read_group(
            [("move_id", "in", self.moves.ids)],
            groupby=["state"],
            aggregates=["amount_residual:sum", "__count"],
        )
        self.assertEqual(
            {state: (residual, count) for state, residual, count in groups},
            {
                "awaiting": (360.0, 1),
                "overdue": (660.0, 2),
                "partial": (260.0, 1),
                "paid": (0.0, 1),
                "cancelled": (0.0, 1),
            },
        )

    def test_group_by_days_overdue_and_average_of_the_open_deposits(self):
        groups = self.Report._read_group(
            [("move_id", "in", self.moves.ids)],
            groupby=["overdue_range"],
            aggregates=["amount_residual:sum", "__count"],
        )
        self.assertEqual(
            {bucket: (residual, count) for bucket, residual, count in groups},
            {
                "not_due": (620.0, 2),
                "1_30": (360.0, 1),
                "61_90": (300.0, 1),
                False: (0.0, 2),
            },
        )
        # (0 + 22 + 0 + 78) / 4: paid and cancelled deposits do not count.
        [[average]] = self.Report._read_group(
            [("move_id", "in", self.moves.ids)],
            aggregates=["days_overdue:avg"],
        )
        self.assertEqual(average, 25.0)

    def test_group_by_customer_salesperson_and_risk_level(self):
        groups = self.Report._read_group(
            [("move_id", "in", self.moves.ids)],
            groupby=["partner_id", "user_id", "risk_level"],
            aggregates=["amount_total:sum", "amount_residual:sum"],
        )
        self.assertEqual(
            sorted(
                (partner.name, user, risk, total, residual)
                for partner, user, risk, total, residual in groups
            ),
            [
                ("Atelier Dupont", self.salesman, "high", 1440.0, 1020.0),
                ("Boulangerie Martin", self.salesman, "medium", 720.0, 260.0),
            ],
        )

    def test_another_company_deposits_never_show(self):
        other = self.setup_other_company(name="Acomptes Lyon")
        company_2 = other["company"]
        with freeze_time("2026-03-02 09:00:00"):
            order_2 = self._confirm_order_in_company(other)
        invoice_2 = order_2.deposit_invoice_ids
        self.assertEqual(invoice_2.state, "posted")
        both = self.moves | invoice_2
        self.customer.with_company(company_2).sudo().deposit_risk_level = "low"

        # Both companies allowed: each row in its own company, with the risk
        # level of that company.
        rows = self.Report.with_context(
            allowed_company_ids=[self.company.id, company_2.id]
        ).search([("move_id", "in", both.ids)])
        self.assertEqual(rows.move_id, both)
        self.assertRecordValues(
            rows.filtered(lambda row: row.move_id == invoice_2),
            [{"company_id": company_2.id, "risk_level": "low", "amount_total": 300.0}],
        )

        user = new_test_user(
            self.env,
            login="deposit_analyst",
            groups="base.group_user,acompte_deposit.group_deposit_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        rows = self.Report.with_user(user).search([("move_id", "in", both.ids)])
        self.assertEqual(rows.move_id, self.moves)
        self.assertEqual(
            self.Report.with_user(user).search_count(
                [("company_id", "=", company_2.id)]
            ),
            0,
        )

        # A user of both companies sees the rows of the companies selected.
        user.company_ids |= company_2
        rows = (
            self.Report.with_user(user)
            .with_context(allowed_company_ids=[company_2.id])
            .search([("move_id", "in", both.ids)])
        )
        self.assertEqual(rows.move_id, invoice_2)

    def test_invoicing_user_reads_it_and_a_plain_user_cannot(self):
        accountant = new_test_user(
            self.env,
            login="deposit_invoicing",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertEqual(
            self.Report.with_user(accountant)
            .search([("move_id", "in", self.moves.ids)])
            .move_id,
            self.moves,
        )
        employee = new_test_user(
            self.env,
            login="deposit_employee",
            groups="base.group_user",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            self.Report.with_user(employee).search([])

    def test_salesperson_limited_to_own_documents_sees_own_deposits(self):
        """As in Odoo's sales analysis: rows by salesperson and by rights.

        The six deposits of the class are the salesperson's; a seventh is
        another salesperson's and an eighth has no salesperson.
        """
        other_salesman = new_test_user(
            self.env,
            login="deposit_other_seller",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with freeze_time("2026-03-30 09:00:00"):
            order = self._create_order(
                [(self.product, 2, 500.0, self.tax_20)],
                user_id=other_salesman.id,
                deposit_term_id=self.term_30.id,
            )
            order.action_confirm()
        others = order.deposit_invoice_ids
        unassigned = self._confirmed_invoice("2026-03-30 09:00:00")
        unassigned.invoice_line_ids.sale_line_ids.order_id.user_id = False
        unassigned.invoice_user_id = False
        moves = self.moves | others | unassigned
        self.assertEqual(len(moves), 8)
        self.assertFalse(self._rows(unassigned).user_id)

        users = {
            "own_documents": self.salesman,
            "all_documents": new_test_user(
                self.env,
                login="deposit_all_seller",
                groups="sales_team.group_sale_salesman_all_leads",
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            ),
            "billing": new_test_user(
                self.env,
                login="deposit_billing",
                groups="base.group_user,account.group_account_invoice",
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            ),
            "own_documents_and_billing": new_test_user(
                self.env,
                login="deposit_billing_seller",
                groups="sales_team.group_sale_salesman,account.group_account_invoice",
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            ),
        }
        self.assertEqual(
            {
                name: self.Report.with_user(user).search_count(
                    [("move_id", "in", moves.ids)]
                )
                for name, user in users.items()
            },
            {
                # Their six and the one without a salesperson.
                "own_documents": 7,
                "all_documents": 8,
                "billing": 8,
                "own_documents_and_billing": 8,
            },
        )
        self.assertEqual(
            self.Report.with_user(other_salesman)
            .search([("move_id", "in", moves.ids)])
            .move_id,
            others | unassigned,
        )
