import io
from datetime import date

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common import DepositCommon

REPORT = "acompte_deposit.deposit_receivables_report_action"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-31 10:00:00")
class TestDepositReceivablesReport(DepositCommon):
    """The receivables and deposits report, seen on 31 March 2026.

    Atelier Dupont owes invoices 0, 15 (partly paid), 45, 75 and 120 days past
    due, the last one invoiced to its contact, and a deposit 22 days late;
    Boulangerie Martin owes one invoice 10 days past due and has paid another.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["report.acompte_deposit.report_deposit_receivables"]
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Boulangerie Martin", "is_company": True}
        )

        cls.invoice_0 = cls._invoice(cls.customer, date(2026, 3, 31), 1000.0)
        cls.invoice_15 = cls._invoice(cls.customer, date(2026, 3, 16), 500.0)
        cls._register_payment(cls.invoice_15, 200.0, date(2026, 3, 20))
        cls.invoice_45 = cls._invoice(cls.customer, date(2026, 2, 14), 300.0)
        cls.invoice_75 = cls._invoice(cls.customer, date(2026, 1, 15), 200.0)
        cls.invoice_120 = cls._invoice(cls.customer_contact, date(2025, 12, 1), 100.0)
        cls.invoice_martin = cls._invoice(cls.other_customer, date(2026, 3, 21), 250.0)
        cls.paid_martin = cls._invoice(cls.other_customer, date(2026, 3, 1), 400.0)
        cls._register_payment(cls.paid_martin, 400.0, date(2026, 3, 10))

        # 2 x 500 + 20% = 1,200.00; the 30% deposit of 360.00 is due on 9 March.
        with freeze_time("2026-03-02 09:00:00"):
            cls.order = cls._create_order(
                [(cls.product, 2, 500.0, cls.tax_20)],
                deposit_term_id=cls.term_30.id,
            )
            cls.order.action_confirm()
        cls.deposit = cls.order.deposit_invoice_ids

    @classmethod
    def _invoice(cls, partner, date_due, amount, company=None):
        """A posted customer invoice without taxes, dated and due on ``date_due``."""
        return cls._post_invoice(partner, amount, date_due, date_due, company=company)

    def _values(self, docids=None, company=None):
        return self.Report._get_report_values(
            docids, data={"company_id": (company or self.company).id}
        )

    def _row(self, values, partner):
        rows = [row for row in values["rows"] if row["partner"] == partner]
        self.assertEqual(len(rows), 1)
        return rows[0]

    def test_buckets_of_the_open_residuals_by_customer(self):
        self.assertEqual(self.invoice_15.amount_residual, 300.0)
        self.assertEqual(self.invoice_120.invoice_date_due, date(2025, 12, 1))
        values = self._values()
        self.assertEqual(
            [row["partner"] for row in values["rows"]],
            [self.customer, self.other_customer],
        )
        dupont = self._row(values, self.customer)
        self.assertEqual(
            dupont["buckets"],
            {
                "not_due": 1000.0,
                # 300.00 left of the invoice 15 days late and the deposit.
                "1_30": 660.0,
                "31_60": 300.0,
                "61_90": 200.0,
                # Invoiced to the contact, owed by the customer.
                "over_90": 100.0,
            },
        )
        self.assertEqual(dupont["total"], 2260.0)
        martin = self._row(values, self.other_customer)
        self.assertEqual(
            martin["buckets"],
            {"not_due": 0.0, "1_30": 250.0, "31_60": 0.0, "61_90": 0.0, "over_90": 0.0},
        )
        self.assertEqual(martin["total"], 250.0)

    def test_company_totals_by_bucket(self):
        values = self._values()
        self.assertEqual(
            values["totals"],
            {
                "not_due": 1000.0,
                "1_30": 910.0,
                "31_60": 300.0,
                "61_90": 200.0,
                "over_90": 100.0,
            },
        )
        self.assertEqual(values["total"], 2510.0)
        self.assertEqual(values["today"], date(2026, 3, 31))
        self.assertTrue(values["all_customers"])

    def test_overdue_deposits_of_the_customer(self):
        values = self._values()
        self.assertEqual(
            self._row(values, self.customer)["overdue_deposits"],
            [
                {
                    "invoice": self.deposit.name,
                    "order": self.order.name,
                    "date_due": date(2026, 3, 9),
                    "days_overdue": 22,
                    "amount_residual": 360.0,
                }
            ],
        )
        self.assertEqual(self._row(values, self.other_customer)["overdue_deposits"], [])

    def test_deposit_credited_in_full_is_not_an_overdue_deposit(self):
        """A posted credit note of the whole deposit, not reconciled with it."""
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "reversed_entry_id": self.deposit.id,
                "invoice_date": date(2026, 3, 31),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Order lost",
                            "quantity": 1,
                            "price_unit": 360.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        credit_note.action_post()
        self.deposit.line_ids.remove_move_reconcile()
        self.assertEqual(self.deposit.amount_residual, 360.0)

        values = self._values()
        dupont = self._row(values, self.customer)
        self.assertEqual(dupont["overdue_deposits"], [])
        # The credit note, due today, offsets the deposit in the receivables.
        self.assertEqual(
            (dupont["buckets"]["not_due"], dupont["buckets"]["1_30"]), (640.0, 660.0)
        )
        self.assertEqual(dupont["total"], 1900.0)

    def test_receivables_without_a_customer_have_a_row_of_their_own(self):
        """A receivable of 150.00 brought in by a journal entry, no partner."""
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": date(2026, 1, 15),
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Opening balance",
                            "account_id": self.company_data[
                                "default_account_receivable"
                            ].id,
                            "debit": 150.0,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Opening balance",
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 150.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        self.assertFalse(entry.line_ids.partner_id)

        values = self._values()
        self.assertEqual(
            [row["name"] for row in values["rows"]],
            ["Atelier Dupont", "Boulangerie Martin", "No customer"],
        )
        row = values["rows"][-1]
        self.assertEqual(row["total"], 150.0)
        self.assertIsNone(row["dso"])
        self.assertEqual(row["overdue_deposits"], [])
        self.assertEqual(
            (values["total"], values["dso"]["receivable"]), (2660.0, 2660.0)
        )
        self.assertEqual(sum(row["total"] for row in values["rows"]), values["total"])
        html, _report_type = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, None, data={"company_id": self.company.id}
        )
        self.assertIn("No customer", html.decode())

        # The customers selected have no such row.
        values = self._values(docids=self.customer.ids)
        self.assertEqual([row["name"] for row in values["rows"]], ["Atelier Dupont"])

    def test_dso_of_the_company_and_of_each_customer(self):
        # Sales from 1 January to 31 March: 2,360.00 to Atelier Dupont (the
        # invoice of 1 December is older) and 650.00 to Boulangerie Martin.
        values = self._values()
        self.assertEqual(
            values["dso"],
            {
                # 2,510 / 3,010 x 90.
                "standard": 75.05,
                # March sales (2,510.00) cover the whole receivable.
                "countback": 31.0,
                "receivable": 2510.0,
                "sales": 3010.0,
            },
        )
        dupont = self._row(values, self.customer)["dso"]
        # 2,260 - 1,860 in March - 300 in February: 31 + 28 + 100 / 200 x 31.
        self.assertEqual((dupont["standard"], dupont["countback"]), (86.19, 74.5))
        martin = self._row(values, self.other_customer)["dso"]
        # 250 / 650 x 90 and 250 / 650 x 31.
        self.assertEqual((martin["standard"], martin["countback"]), (34.62, 11.92))

    def test_selected_customers_only(self):
        values = self._values(docids=self.customer_contact.ids)
        self.assertEqual([row["partner"] for row in values["rows"]], [self.customer])
        self.assertEqual(values["total"], 2260.0)
        self.assertFalse(values["all_customers"])

        values = self._values(docids=self.other_customer.ids)
        self.assertEqual(values["totals"]["1_30"], 250.0)
        self.assertEqual(values["total"], 250.0)
        self.assertEqual(
            values["dso"],
            {
                "standard": 34.62,
                "countback": 11.92,
                "receivable": 250.0,
                "sales": 650.0,
            },
        )

        # Both customers together: the figures of the whole company.
        values = self._values(docids=(self.customer | self.other_customer).ids)
        self.assertEqual(values["total"], 2510.0)
        self.assertEqual(values["dso"], self._values()["dso"])

    def test_another_company_receivables_never_count(self):
        other = self.setup_other_company(name="Acomptes Lyon")
        company_2 = other["company"]
        self._invoice(self.customer, date(2026, 2, 1), 999.0, company=company_2)
        self.env.user.company_ids |= company_2

        values = self._values()
        self.assertEqual(values["total"], 2510.0)
        values_2 = self.Report.with_context(
            allowed_company_ids=[company_2.id, self.company.id]
        )._get_report_values(None, data={"company_id": company_2.id})
        self.assertEqual([row["partner"] for row in values_2["rows"]], [self.customer])
        self.assertEqual(values_2["totals"]["31_60"], 999.0)
        self.assertEqual(values_2["total"], 999.0)
        # Invoiced on 1 February, nothing in March: 31 + 28 days.
        self.assertEqual(
            values_2["dso"],
            {"standard": 90.0, "countback": 59.0, "receivable": 999.0, "sales": 999.0},
        )
        self.assertEqual(values["dso"]["receivable"], 2510.0)

        with self.assertRaises(UserError):
            self.Report.with_context(
                allowed_company_ids=[self.company.id]
            )._get_report_values(None, data={"company_id": company_2.id})

    def test_company_action_prints_every_customer(self):
        accountant = new_test_user(
            self.env,
            login="receivables_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        action = self.company.with_user(accountant).action_print_deposit_receivables()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "acompte_deposit.report_deposit_receivables"
        )
        self.assertEqual(action["data"], {"company_id": self.company.id})
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "res.partner")

    def test_html_shows_the_customers_and_the_totals(self):
        html, _report_type = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, None, data={"company_id": self.company.id}
        )
        html = html.decode()
        for text in (
            "Receivables and Deposits",
            "Atelier Dupont",
            "Boulangerie Martin",
            self.deposit.name,
            self.order.name,
            "2,260.00",
            "2,510.00",
            "910.00",
            "03/09/2026",
            # Count-back DSO of Atelier Dupont, Boulangerie Martin, the company.
            "74.5",
            "11.9",
            "31.0",
        ):
            self.assertIn(text, html)
        self.assertNotIn("Claire Dupont", html)

    def test_html_of_the_customers_selected_in_the_list(self):
        html, _report_type = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, self.other_customer.ids
        )
        html = html.decode()
        self.assertIn("Boulangerie Martin", html)
        self.assertIn("Selected customers and their contacts.", html)
        self.assertNotIn("Atelier Dupont", html)
        self.assertNotIn(self.deposit.name, html)

    def test_queries_do_not_grow_with_customers(self):
        def report_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            values = self._values()
            return self.env.cr.sql_log_count - before, len(values["rows"])

        # The first run fills the caches of the registry (rules, languages).
        report_queries()
        queries, customers = report_queries()
        self.assertEqual(customers, 2)

        for number in range(5):
            partner = self.env["res.partner"].create(
                {"name": f"Client {number}", "is_company": True}
            )
            self._invoice(partner, date(2026, 3, 1), 100.0 + number)
            self._invoice(partner, date(2026, 1, 1), 50.0)
            with freeze_time("2026-03-02 09:00:00"):
                order = self._create_order(
                    [(self.product, 1, 100.0, self.tax_20)],
                    partner=partner,
                    deposit_term_id=self.term_30.id,
                )
                order.action_confirm()

        more_queries, customers = report_queries()
        self.assertEqual(customers, 7)
        self.assertEqual(more_queries, queries)


@tagged("post_install", "-at_install")
class TestDepositReceivablesPdf(DepositCommon, HttpCase):
    """The real PDF, printed by wkhtmltopdf with the test server's styles."""

    def test_pdf_renders_the_receivables(self):
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=fields.Date.today(),
            amounts=[1234.56],
            taxes=[],
            post=True,
        )
        self.assertEqual(invoice.amount_residual, 1234.56)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, None, data={"company_id": self.company.id})
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # The figures are checked on the HTML; here, that a real page comes out.
        self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 1)
