import uuid

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .workers import run_workers


@tagged("post_install", "-at_install")
class TestDepositConcurrency(BaseCase):
    """Two workers at once never leave two live deposit invoices.

    Each worker is a separate Odoo process, as in production; they need data
    committed in the database, so this class commits its own records, under
    unique names, in the test database.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.tag = uuid.uuid4().hex[:8]

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, dict(DISABLED_MAIL_CONTEXT))

    def _create_order(self, confirm=False):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            term = env["sale.deposit.term"].create(
                {
                    "name": f"Concurrency {self.tag}",
                    "amount_type": "percent",
                    "value": 25.0,
                    "due_days": 5,
                    "auto_send": False,
                }
            )
            partner = env["res.partner"].create({"name": f"Concurrent {self.tag}"})
            product = env["product.product"].create(
                {
                    "name": f"Concurrent product {self.tag}",
                    "list_price": 400.0,
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                }
            )
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "deposit_term_id": term.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 2})
                    ],
                }
            )
            # Committed records outlive the test: archive them afterwards.
            self.addCleanup(self._archive, [term, partner, product])
            if confirm:
                # A confirmed order whose deposit is still to invoice, as after a
                # first attempt that failed for want of a sales journal.
                journals = env["account.journal"].search(
                    [("type", "=", "sale"), ("company_id", "=", env.company.id)]
                )
                journals.action_archive()
                order.action_confirm()
                journals.action_unarchive()
            return order.id

    def _archive(self, records):
        with self.registry.cursor() as cr:
            for record in records:
                record.with_env(self._env(cr)).action_archive()

    def _run_workers(self, order_id, method):
        """Run ``method`` on the order from two processes at the same instant."""
        outcomes = []
        for returncode, last_line, stderr in run_workers(
            "concurrent_worker.py", order_id, method
        ):
            self.assertEqual(returncode, 0, stderr)
            outcomes.append(last_line)
        return sorted(outcomes)

    def _live_deposits(self, order_id):
        with self.registry.cursor() as cr:
            order = self._env(cr)["sale.order"].browse(order_id)
            live = order._get_live_deposit_invoices()
            return order.state, live.mapped("amount_total")

    def test_two_workers_confirm_the_same_quotation(self):
        order_id = self._create_order()
        outcomes = self._run_workers(order_id, "action_confirm")
        self.assertEqual(outcomes, ["done", "refused"])
        self.assertEqual(self._live_deposits(order_id), ("sale", [200.0]))

    def test_two_workers_retry_the_same_deposit(self):
        order_id = self._create_order(confirm=True)
        self.assertEqual(self._live_deposits(order_id), ("sale", []))
        outcomes = self._run_workers(order_id, "_create_deposit_invoices")
        self.assertEqual(outcomes, ["done", "done"])
        self.assertEqual(self._live_deposits(order_id), ("sale", [200.0]))
