import json
import uuid

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from .workers import run_workers


@tagged("post_install", "-at_install")
class TestDepositReminderConcurrency(BaseCase):
    """Two reminder runs at once send each (invoice, level) once.

    Each run is a separate Odoo process that commits, as in production: the
    deposits are committed, under unique names, in the test database.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.tag = uuid.uuid4().hex[:8]

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _create_deposits(self, count):
        """Posted deposits of high risk customers, whose notice is due today."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            term = env["sale.deposit.term"].create(
                {
                    "name": f"Reminder concurrency {self.tag}",
                    "amount_type": "percent",
                    "value": 30.0,
                    "due_days": 1,
                    "auto_send": False,
                }
            )
            product = env["product.product"].create(
                {
                    "name": f"Reminder product {self.tag}",
                    "list_price": 1000.0,
                    "taxes_id": [Command.clear()],
                }
            )
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Reminded {self.tag} {index}",
                        "email": f"reminded.{self.tag}.{index}@example.com",
                        "is_company": True,
                    }
                    for index in range(count)
                ]
            )
            partners.deposit_risk_level = "high"
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "deposit_term_id": term.id,
                        "order_line": [Command.create({"product_id": product.id})],
                    }
                    for partner in partners
                ]
            )
            orders.action_confirm()
            invoices = orders.deposit_invoice_ids
            self.assertEqual(len(invoices), count)
            self.addCleanup(self._archive, [term, product, partners])
            # The invoice PDF would need wkhtmltopdf to call back this very
            # test server: the workers send the e-mails without it.
            templates = env["deposit.reminder.level"].search([]).mail_template_id
            reports = {
                template.id: template.report_template_ids.ids for template in templates
            }
            templates.report_template_ids = False
            self.addCleanup(self._restore_reports, reports)
            return env.company.id, invoices.ids

    def _restore_reports(self, reports):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            for template_id, report_ids in reports.items():
                env["mail.template"].browse(template_id).report_template_ids = [
                    Command.set(report_ids)
                ]

    def _archive(self, records):
        with self.registry.cursor() as cr:
            for record in records:
                record.with_env(self._env(cr)).action_archive()

    def _run_workers(self, company_id):
        counts = []
        for returncode, last_line, stderr in run_workers(
            "reminder_worker.py", company_id
        ):
            self.assertEqual(returncode, 0, stderr)
            counts.append(json.loads(last_line))
        return counts

    def test_two_runs_at_once_send_each_reminder_once(self):
        company_id, invoice_ids = self._create_deposits(5)
        counts = self._run_workers(company_id)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            invoices = env["account.move"].browse(invoice_ids)
            logs = env["deposit.reminder.log"].search([("move_id", "in", invoice_ids)])
            self.assertEqual(len(logs), 5)
            self.assertEqual(logs.move_id, invoices)
            self.assertEqual(set(logs.mapped("state")), {"sent"})
            self.assertEqual(set(logs.level_id.mapped("days")), {-2})
            for invoice in invoices:
                mails = invoice.message_ids.filtered(
                    lambda message, invoice=invoice: (
                        message.message_type == "comment"
                        and invoice.partner_id in message.partner_ids
                    )
                )
                self.assertEqual(len(mails), 1, invoice.name)
        # Other deposits of the database may be reminded too: count ours only.
        self.assertGreaterEqual(sum(count["sent"] for count in counts), 5)
