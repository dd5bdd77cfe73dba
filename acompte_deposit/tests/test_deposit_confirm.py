from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import DepositCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 10:00:00")
class TestDepositConfirm(DepositCommon):
    """Confirming a quotation creates, posts and sends its deposit invoice once."""

    def _order(self, **values):
        # 2 x 500 + 20% = 1,200.00; a 30% deposit is 360.00
        return self._create_order([(self.product, 2, 500.0, self.tax_20)], **values)

    def _customer_mails(self, invoice):
        return invoice.message_ids.filtered(
            lambda message: (
                message.message_type == "comment"
                and invoice.partner_id in message.partner_ids
            )
        )

    def test_confirm_posts_the_deposit_and_queues_its_email(self):
        # Keep the sent e-mail to read the link it carries.
        self.env.ref("account.email_template_edi_invoice").auto_delete = False
        order = self._order()
        order.action_confirm()

        invoice = order.deposit_invoice_ids
        self.assertRecordValues(
            invoice,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "is_deposit": True,
                    "amount_total": 360.0,
                    "invoice_date": date(2026, 3, 2),
                    "invoice_date_due": date(2026, 3, 9),
                    "partner_id": self.customer.id,
                }
            ],
        )
        self.assertRecordValues(
            order,
            [
                {
                    "deposit_state": "awaiting",
                    "deposit_date_due": date(2026, 3, 9),
                    "deposit_invoice_count": 1,
                }
            ],
        )
        self.assertTrue(invoice.sending_data)
        self.assertFalse(self._customer_mails(invoice))

        # Odoo's background sending job e-mails it with the PDF and the pay link.
        self.env["account.move"]._cron_account_move_send()
        mails = self._customer_mails(invoice)
        self.assertEqual(len(mails), 1)
        self.assertFalse(invoice.sending_data)
        self.assertTrue(invoice.is_move_sent)
        self.assertEqual(len(mails.attachment_ids), 1)
        self.assertTrue(invoice.access_token)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", mails.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn(f"access_token={invoice.access_token}", mail.body_html)

    def test_salesperson_with_sales_rights_only_gets_the_deposit(self):
        products = self.env["product.product"].search_count([])
        order = self._order(user_id=self.salesman.id).with_user(self.salesman)
        order.action_confirm()
        self.assertRecordValues(order, [{"state": "sale", "deposit_state": "awaiting"}])
        self.assertEqual(order.sudo().deposit_invoice_ids.amount_total, 360.0)
        self.assertEqual(self.env["product.product"].search_count([]), products)

    def test_customer_signing_online_gets_the_deposit_from_the_salesperson(self):
        portal_user = self.company_data["default_user_portal"]
        order = self._order(user_id=self.salesman.id, require_signature=True)
        # The portal controller confirms with the customer's user, in sudo.
        order.with_user(portal_user).sudo().action_confirm()
        invoice = order.deposit_invoice_ids
        self.assertRecordValues(invoice, [{"state": "posted", "amount_total": 360.0}])
        self.assertEqual(invoice.sending_data["author_user_id"], self.salesman.id)
        self.assertEqual(order.deposit_state, "awaiting")

    def test_terms_kept_in_draft_leave_the_deposit_to_invoice(self):
        order = self._order(deposit_term_id=self.term_draft.id)
        order.action_confirm()
        self.assertRecordValues(
            order.deposit_invoice_ids,
            [
                {
                    "state": "draft",
                    "amount_total": 480.0,
                    "invoice_date_due": date(2026, 3, 2),
                }
            ],
        )
        self.assertFalse(order.deposit_invoice_ids.sending_data)
        self.assertEqual(order.deposit_state, "to_invoice")
        order.deposit_invoice_ids.action_post()
        self.assertEqual(order.deposit_state, "awaiting")

    def test_terms_without_sending_post_only(self):
        self.term_30.auto_send = False
        order = self._order()
        order.action_confirm()
        self.assertEqual(order.deposit_invoice_ids.state, "posted")
        self.assertFalse(order.deposit_invoice_ids.sending_data)

    def test_customer_without_email_gets_a_note_not_an_email(self):
        customer = self.env["res.partner"].create({"name": "Sans Courriel SARL"})
        order = self._order(partner_id=customer.id, deposit_term_id=self.term_30.id)
        order.action_confirm()
        invoice = order.deposit_invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.sending_data)
        notes = order.message_ids.filtered(
            lambda m: "no e-mail address" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)

    def test_confirming_twice_never_makes_a_second_deposit(self):
        order = self._order()
        order.action_confirm()
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertFalse(order._create_deposit_invoices())
        with self.assertRaises(UserError):
            order.action_create_deposit_invoice()
        self.assertEqual(len(order.deposit_invoice_ids), 1)
        self.assertEqual(len(order.invoice_ids), 1)

    def test_cancel_with_posted_deposit_is_refused(self):
        order = self._order()
        order.action_confirm()
        with self.assertRaisesRegex(
            UserError, "Reverse the deposit with a credit note"
        ):
            order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertRecordValues(order, [{"state": "sale", "deposit_state": "awaiting"}])

    def test_cancel_after_credit_note_then_reconfirm_has_one_live_deposit(self):
        order = self._order()
        order.action_confirm()
        first = order.deposit_invoice_ids
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=first.ids)
            .create({"journal_id": first.journal_id.id, "reason": "Order cancelled"})
        )
        reversal.refund_moves()
        credit_note = first.reversal_move_ids
        credit_note.action_post()
        self.assertEqual(first.payment_state, "reversed")

        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertRecordValues(
            order, [{"state": "cancel", "deposit_state": "cancelled"}]
        )
        order.action_draft()
        order.action_confirm()

        live = order._get_live_deposit_invoices()
        self.assertEqual(len(live), 1)
        self.assertNotEqual(live, first)
        self.assertRecordValues(live, [{"state": "posted", "amount_total": 360.0}])
        self.assertEqual(order.deposit_state, "awaiting")

    def test_paid_deposit_refunded_by_credit_note_lets_the_order_cancel(self):
        order = self._order()
        order.action_confirm()
        deposit = order.deposit_invoice_ids
        self._register_payment(deposit, 360.0)
        self.assertEqual(order.deposit_state, "paid")
        with self.assertRaises(UserError):
            order.with_context(disable_cancel_warning=True).action_cancel()

        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=deposit.ids)
            .create({"journal_id": deposit.journal_id.id, "reason": "Refund"})
        )
        reversal.refund_moves()
        credit_note = deposit.reversal_move_ids
        credit_note.action_post()
        self._register_payment(credit_note, 360.0)

        self.assertFalse(order._get_live_deposit_invoices())
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertRecordValues(
            order, [{"state": "cancel", "deposit_state": "cancelled"}]
        )

    def test_deposit_amount_follows_terms_until_confirmation(self):
        order = self._order()
        self.assertEqual(order.deposit_amount, 360.0)
        self.term_30.value = 50.0
        self.assertEqual(order.deposit_amount, 600.0)
        order.action_confirm()
        self.assertEqual(order.deposit_invoice_ids.amount_total, 600.0)
        # An upsell after confirmation does not change the deposit asked.
        order.order_line.filtered(lambda line: not line.is_downpayment)[
            0
        ].product_uom_qty = 4
        self.assertNotEqual(order.amount_total, 1200.0)
        self.assertRecordValues(
            order, [{"deposit_amount": 600.0, "deposit_state": "awaiting"}]
        )

    def test_customer_receiving_invoices_otherwise_gets_a_note(self):
        customer = self.env["res.partner"].create(
            {
                "name": "Courrier Papier SA",
                "email": "papier@example.com",
                "invoice_sending_method": "manual",
            }
        )
        order = self._order(partner_id=customer.id, deposit_term_id=self.term_30.id)
        order.action_confirm()
        invoice = order.deposit_invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.sending_data)
        notes = order.message_ids.filtered(
            lambda m: "receives invoices by another means" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)

    def test_failure_on_an_order_signed_online_goes_to_staff(self):
        self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)]
        ).action_archive()
        portal_user = self.company_data["default_user_portal"]
        order = self._order(user_id=False, team_id=False)
        order.with_user(portal_user).sudo().action_confirm()
        self.assertEqual(order.deposit_state, "to_invoice")
        self.assertEqual(order.activity_ids.user_id, self.env.ref("base.user_admin"))

    def test_portal_user_cannot_create_the_deposit_invoice(self):
        self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)]
        ).action_archive()
        portal_user = self.company_data["default_user_portal"]
        order = self._order(partner_id=portal_user.partner_id.id)
        order.action_confirm()
        self.env["account.journal"].with_context(active_test=False).search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)]
        ).action_unarchive()
        with self.assertRaises(AccessError):
            order.with_user(portal_user).action_create_deposit_invoice()
        self.assertFalse(order.invoice_ids)

    def test_cancel_with_draft_deposit_cancels_it(self):
        order = self._order(deposit_term_id=self.term_draft.id)
        order.action_confirm()
        draft = order.deposit_invoice_ids
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(draft.state, "cancel")
        self.assertEqual(order.deposit_state, "cancelled")
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(order._get_live_deposit_invoices()), 1)

    def test_missing_sales_journal_keeps_the_order_and_asks_for_a_retry(self):
        journals = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)]
        )
        journals.action_archive()
        order = self._order()
        order.action_confirm()

        self.assertRecordValues(
            order, [{"state": "sale", "deposit_state": "to_invoice"}]
        )
        self.assertFalse(order.invoice_ids)
        self.assertFalse(order.order_line.filtered("is_downpayment"))
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("acompte_deposit.mail_activity_type_deposit_failure"),
        )
        self.assertEqual(activity.summary, "Deposit invoice not created")
        self.assertEqual(activity.user_id, order.user_id)
        notes = order.message_ids.filtered(
            lambda m: "could not be created" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertIn("journal", notes.body)

        # A retry while the setting is still missing says why, and changes nothing.
        with self.assertRaisesRegex(UserError, "journal"):
            order.action_create_deposit_invoice()
        self.assertFalse(order.invoice_ids)

        journals.action_unarchive()
        order.action_create_deposit_invoice()
        self.assertRecordValues(
            order.deposit_invoice_ids, [{"state": "posted", "amount_total": 360.0}]
        )
        self.assertEqual(order.deposit_state, "awaiting")
        self.assertFalse(order.activity_ids)

    def test_prepaid_online_order_is_not_invoiced_twice(self):
        provider = self.env["payment.provider"].create(
            {"name": "Test provider", "code": "none", "state": "test"}
        )
        method = self.env.ref("payment.payment_method_unknown")

        def pay(order, amount, reference):
            return self.env["payment.transaction"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "amount": amount,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "reference": reference,
                    "state": "done",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )

        covered = self._order()
        pay(covered, 400.0, "PREPAID-1")
        covered.action_confirm()
        self.assertFalse(covered.invoice_ids)
        self.assertEqual(covered.deposit_state, "paid")

        partly = self._order()
        pay(partly, 100.0, "PREPAID-2")
        partly.action_confirm()
        self.assertRecordValues(partly.deposit_invoice_ids, [{"amount_total": 260.0}])

    def test_deposit_state_follows_payments(self):
        order = self._order()
        order.action_confirm()
        invoice = order.deposit_invoice_ids
        self._register_payment(invoice, 100.0)
        self.assertRecordValues(order, [{"deposit_state": "partial"}])
        self.assertAlmostEqual(invoice.amount_residual, 260.0)
        self._register_payment(invoice, 260.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.deposit_state, "paid")

    def test_deposit_becomes_overdue_the_day_after_due_in_company_time(self):
        order = self._order()
        order.action_confirm()
        self.assertEqual(order.deposit_date_due, date(2026, 3, 9))

        # 23:30 UTC on the 9th is still the 9th... in UTC, but the 10th in Paris.
        with freeze_time("2026-03-09 22:30:00"):  # 23:30 in Paris, due day
            self.env["sale.order"]._cron_update_deposit_state()
            self.assertEqual(order.deposit_state, "awaiting")
        with freeze_time("2026-03-09 23:30:00"):  # 00:30 on the 10th in Paris
            self.env["sale.order"]._cron_update_deposit_state()
            self.assertEqual(order.deposit_state, "overdue")

        self._register_payment(order.deposit_invoice_ids, 360.0)
        self.assertEqual(order.deposit_state, "paid")

    def test_deposit_invoice_due_date_ignores_order_payment_terms(self):
        order = self._order(payment_term_id=self.pay_terms_b.id)
        order.action_confirm()
        self.assertRecordValues(
            order.deposit_invoice_ids,
            [{"invoice_payment_term_id": False, "invoice_date_due": date(2026, 3, 9)}],
        )
