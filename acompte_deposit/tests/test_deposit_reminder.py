from datetime import date

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import DepositCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 10:00:00")
class TestDepositReminder(DepositCommon):
    """The reminder run chases unpaid deposits once per level, by risk level.

    Orders are confirmed on 2 March 2026 with deposit terms of 30% in 7 days:
    the deposit is due on 9 March. The medium risk ladder reminds at +1 (10
    March), +7, +15 by e-mail and schedules a call at +20; the high risk one
    sends a notice at -2 (7 March).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["deposit.reminder.log"]
        cls.Level = cls.env["deposit.reminder.level"]
        cls.medium_levels = cls.Level.search(
            [("company_id", "=", cls.company.id), ("risk_level", "=", "medium")]
        )
        cls.high_levels = cls.Level.search(
            [("company_id", "=", cls.company.id), ("risk_level", "=", "high")]
        )
        cls.customer.with_company(cls.company).sudo().deposit_risk_level = "medium"

    # Helpers

    def _confirmed_invoice(self, partner=None, **values):
        # 2 x 500 + 20% = 1,200.00; a 30% deposit is 360.00, due on 9 March.
        order = self._create_order(
            [(self.product, 2, 500.0, self.tax_20)],
            partner=partner,
            user_id=self.salesman.id,
            deposit_term_id=self.term_30.id,
            **values,
        )
        order.action_confirm()
        return order.deposit_invoice_ids

    def _run(self, moment, company=None, **kwargs):
        with freeze_time(moment):
            return (
                self.env["account.move"]
                .with_company(company or self.company)
                ._cron_send_deposit_reminders(**kwargs)
            )

    def _reminder_mails(self, invoice, partner=None):
        partner = partner or invoice.partner_id
        return invoice.message_ids.filtered(
            lambda message: (
                message.message_type == "comment" and partner in message.partner_ids
            )
        )

    def _queued_mails(self, messages):
        return self.env["mail.mail"].search(
            [("mail_message_id", "in", messages.ids), ("state", "=", "outgoing")]
        )

    def _logs(self, invoices):
        return self.Log.search([("move_id", "in", invoices.ids)])

    def _level(self, levels, days):
        return levels.filtered(lambda level: level.days == days)

    # Dates

    def test_first_level_on_its_day_and_not_the_day_before(self):
        invoice = self._confirmed_invoice()
        self.assertEqual(invoice.invoice_date_due, date(2026, 3, 9))

        # 9 March, 23:30 in Paris: still the due date.
        counts = self._run("2026-03-09 22:30:00")
        self.assertEqual(counts["sent"], 0)
        self.assertFalse(self._logs(invoice))

        # 10 March, 00:30 in Paris (still 9 March in UTC): the first reminder.
        counts = self._run("2026-03-09 23:30:00")
        self.assertEqual(counts["sent"], 1)
        self.assertRecordValues(
            self._logs(invoice),
            [
                {
                    "level_id": self._level(self.medium_levels, 1).id,
                    "state": "sent",
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                }
            ],
        )
        mails = self._reminder_mails(invoice)
        self.assertEqual(len(mails), 1)
        self.assertEqual(self._logs(invoice).mail_message_id, mails)
        self.assertEqual(len(self._queued_mails(mails)), 1)
        self.assertEqual(len(mails.attachment_ids), 1)
        self.assertIn(invoice.access_token, self._queued_mails(mails).body_html)

        # A second run the same day, and the day after, send nothing more.
        self.assertEqual(self._run("2026-03-10 09:00:00")["sent"], 0)
        self.assertEqual(self._run("2026-03-11 09:00:00")["sent"], 0)
        self.assertEqual(len(self._logs(invoice)), 1)
        self.assertEqual(len(self._reminder_mails(invoice)), 1)

        # The order's chatter says so too.
        order = invoice.line_ids.sale_line_ids.order_id
        notes = order.message_ids.filtered(lambda m: "e-mailed to" in (m.body or ""))
        self.assertEqual(len(notes), 1)

    def test_near_midnight_in_a_negative_utc_offset(self):
        self.company.partner_id.tz = "America/Guadeloupe"  # UTC-4
        invoice = self._confirmed_invoice()
        # 10 March, 03:30 UTC is 23:30 on 9 March in Guadeloupe.
        self.assertEqual(self._run("2026-03-10 03:30:00")["sent"], 0)
        self.assertEqual(self._run("2026-03-10 04:30:00")["sent"], 1)
        self.assertEqual(len(self._logs(invoice)), 1)

    def test_ladder_goes_up_one_level_at_a_time_and_ends_with_a_call(self):
        invoice = self._confirmed_invoice()
        for moment, days in (
            ("2026-03-10 09:00:00", 1),
            ("2026-03-16 09:00:00", 7),
            ("2026-03-24 09:00:00", 15),
            ("2026-03-29 09:00:00", 20),
        ):
            self._run(moment)
            self.assertEqual(
                self._logs(invoice)[:1].level_id,
                self._level(self.medium_levels, days),
            )
        self.assertEqual(len(self._logs(invoice)), 4)
        self.assertEqual(set(self._logs(invoice).mapped("state")), {"sent"})
        self.assertEqual(len(self._reminder_mails(invoice)), 3)
        call = invoice.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id
                == self.env.ref("mail.mail_activity_data_call")
            )
        )
        self.assertEqual(len(call), 1)
        self.assertEqual(call.user_id, self.salesman)

    def test_late_first_run_sends_one_reminder_only(self):
        invoice = self._confirmed_invoice()
        self._run("2026-03-20 09:00:00")
        self.assertRecordValues(
            self._logs(invoice),
            [{"level_id": self._level(self.medium_levels, 7).id, "state": "sent"}],
        )
        self.assertEqual(len(self._reminder_mails(invoice)), 1)

    def test_high_risk_customer_gets_a_notice_before_the_due_date(self):
        self.customer.with_company(self.company).sudo().deposit_risk_level = "high"
        self.assertEqual(self.customer_contact.deposit_risk_level, "high")
        invoice = self._confirmed_invoice()
        self.assertEqual(self._run("2026-03-06 09:00:00")["sent"], 0)
        self.assertEqual(self._run("2026-03-07 09:00:00")["sent"], 1)
        self.assertEqual(
            self._logs(invoice).level_id, self._level(self.high_levels, -2)
        )
        self.assertIn("due soon", self._reminder_mails(invoice).subject)

    # Stop rules

    def test_partial_payment_is_reminded_for_the_rest(self):
        invoice = self._confirmed_invoice()
        self._register_payment(invoice, 100.0, payment_date=date(2026, 3, 5))
        self.assertEqual(invoice.amount_residual, 260.0)
        self._run("2026-03-10 09:00:00")
        mails = self._reminder_mails(invoice)
        self.assertEqual(len(mails), 1)
        body = self._queued_mails(mails).body_html
        self.assertIn("260.00", body)
        self.assertNotIn("360.00", body)

    def test_paid_deposit_is_not_reminded(self):
        invoice = self._confirmed_invoice()
        self._register_payment(invoice, 360.0, payment_date=date(2026, 3, 5))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        counts = self._run("2026-03-10 09:00:00")
        self.assertEqual(counts["sent"] + counts["failed"] + counts["no_email"], 0)
        self.assertFalse(self._logs(invoice))
        self.assertFalse(self._reminder_mails(invoice))

    def test_reversed_deposit_is_not_reminded(self):
        invoice = self._confirmed_invoice()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Cancelled"})
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()
        self._run("2026-03-10 09:00:00")
        self.assertFalse(self._logs(invoice))

    def test_hold_survives_reset_to_draft_and_reposting(self):
        invoice = self._confirmed_invoice()
        invoice.write(
            {
                "deposit_reminder_hold": True,
                "deposit_reminder_hold_reason": "Dispute on the quantities",
            }
        )
        invoice.button_draft()
        invoice.action_post()
        self.assertRecordValues(
            invoice,
            [
                {
                    "state": "posted",
                    "deposit_reminder_hold": True,
                    "deposit_reminder_hold_reason": "Dispute on the quantities",
                }
            ],
        )
        self._run("2026-03-12 09:00:00")
        self.assertFalse(self._logs(invoice))
        self.assertFalse(self._reminder_mails(invoice))
        with (
            freeze_time("2026-03-12 09:00:00"),
            self.assertRaisesRegex(UserError, "on hold"),
        ):
            invoice.action_send_next_deposit_reminder()

    def test_reminders_resume_on_the_resume_date(self):
        invoice = self._confirmed_invoice()
        invoice.write(
            {
                "deposit_reminder_hold": True,
                "deposit_reminder_resume_date": date(2026, 3, 20),
            }
        )
        self._run("2026-03-19 09:00:00")
        self.assertFalse(self._logs(invoice))
        self._run("2026-03-20 09:00:00")
        self.assertRecordValues(
            self._logs(invoice),
            [{"level_id": self._level(self.medium_levels, 7).id, "state": "sent"}],
        )

    # Recipients

    def test_invoice_contact_receives_the_reminder(self):
        accounting = self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "type": "invoice",
                "email": "factures@atelier-dupont.example.com",
                "parent_id": self.customer.id,
            }
        )
        invoice = self._confirmed_invoice(partner_invoice_id=accounting.id)
        self.assertEqual(invoice.partner_id, accounting)
        self._run("2026-03-10 09:00:00")
        self.assertEqual(self._logs(invoice).partner_id, accounting)
        mails = self._reminder_mails(invoice, accounting)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.partner_ids, accounting)

    def test_contact_without_email_falls_back_to_the_customer(self):
        contact = self.env["res.partner"].create(
            {"name": "Sans adresse", "type": "invoice", "parent_id": self.customer.id}
        )
        invoice = self._confirmed_invoice(partner_invoice_id=contact.id)
        self._run("2026-03-10 09:00:00")
        self.assertRecordValues(
            self._logs(invoice), [{"state": "sent", "partner_id": self.customer.id}]
        )
        self.assertEqual(len(self._reminder_mails(invoice, self.customer)), 1)

    def test_no_email_anywhere_schedules_an_activity(self):
        customer = self.env["res.partner"].create({"name": "Sans Courriel SARL"})
        invoice = self._confirmed_invoice(partner=customer)
        counts = self._run("2026-03-10 09:00:00")
        self.assertEqual(counts["no_email"], 1)
        self.assertRecordValues(
            self._logs(invoice), [{"state": "no_email", "partner_id": False}]
        )
        self.assertIn("e-mail address", self._logs(invoice).reason)
        self.assertFalse(
            invoice.message_ids.filtered(lambda m: m.message_type == "comment")
        )
        self.assertEqual(len(invoice.activity_ids), 1)
        self.assertEqual(invoice.activity_ids.user_id, self.salesman)
        # Never stuck: the next run does not try the same level again.
        self.assertEqual(self._run("2026-03-11 09:00:00")["no_email"], 0)
        self.assertEqual(len(self._logs(invoice)), 1)

    def test_blacklisted_address_fails_without_email(self):
        self.env["mail.blacklist"]._add(self.customer.email)
        invoice = self._confirmed_invoice()
        counts = self._run("2026-03-10 09:00:00")
        self.assertEqual(counts["failed"], 1)
        self.assertRecordValues(
            self._logs(invoice), [{"state": "failed", "partner_id": self.customer.id}]
        )
        self.assertIn("blacklisted", self._logs(invoice).reason)
        self.assertFalse(self._reminder_mails(invoice))
        notes = invoice.message_ids.filtered(lambda m: "failed" in (m.body or ""))
        self.assertEqual(len(notes), 1)

    def test_bouncing_address_fails_without_email(self):
        self.customer.message_bounce = 5
        invoice = self._confirmed_invoice()
        self._run("2026-03-10 09:00:00")
        self.assertRecordValues(self._logs(invoice), [{"state": "failed"}])
        self.assertIn("bounced 5 times", self._logs(invoice).reason)
        self.assertFalse(self._reminder_mails(invoice))

    def test_french_customer_gets_french_text_and_number_format(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["acompte_deposit"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        term = self.env["sale.deposit.term"].create(
            {
                "name": "1234.56 in 7 days",
                "amount_type": "fixed",
                "value": 1234.56,
                "currency_id": self.company.currency_id.id,
                "due_days": 7,
                "company_id": self.company.id,
            }
        )
        order = self._create_order(
            [(self.product, 2, 1000.0, self.tax_20)],
            user_id=self.salesman.id,
            deposit_term_id=term.id,
        )
        order.action_confirm()
        invoice = order.deposit_invoice_ids
        self._run("2026-03-10 09:00:00")
        mail = self._reminder_mails(invoice)
        self.assertEqual(len(mail), 1)
        self.assertIn("acompte", mail.subject)
        body = self._queued_mails(mail).body_html
        self.assertIn("Montant dû", body)
        self.assertIn("1\xa0234,56", body)
        self.assertIn("09/03/2026", body)

    # Safety

    def test_same_level_is_never_logged_twice(self):
        invoice = self._confirmed_invoice()
        level = self._level(self.medium_levels, 1)
        with freeze_time("2026-03-10 09:00:00"):
            first = invoice._send_deposit_reminder(level)
            second = invoice._send_deposit_reminder(level)
        self.assertEqual(first.state, "sent")
        self.assertFalse(second)
        self.assertEqual(len(self._logs(invoice)), 1)
        self.assertEqual(len(self._reminder_mails(invoice)), 1)

    def test_run_stopped_midway_is_finished_by_the_next_one(self):
        invoices = self._confirmed_invoice() | self._confirmed_invoice()
        invoices |= self._confirmed_invoice()
        # The first run handles one batch of one invoice, then hands over.
        counts = self._run("2026-03-10 09:00:00", batch_size=1, max_batches=1)
        self.assertEqual(counts["sent"], 1)
        self.assertEqual(len(self._logs(invoices)), 1)
        self._run("2026-03-10 10:00:00")
        self._run("2026-03-10 11:00:00")
        logs = self._logs(invoices)
        self.assertEqual(len(logs), 3)
        self.assertEqual(logs.move_id, invoices)
        self.assertEqual(logs.level_id, self._level(self.medium_levels, 1))
        for invoice in invoices:
            self.assertEqual(len(self._reminder_mails(invoice)), 1)

    def test_failure_on_one_invoice_leaves_the_others_sent_once(self):
        # A template that cannot be rendered for one customer.
        template = self._level(self.medium_levels, 1).mail_template_id.copy(
            {
                "body_html": '<p>Due: <t t-out="format_amount('
                "object.amount_residual / (object.partner_id.name != 'Broken Co'), "
                'object.currency_id)"/></p>'
            }
        )
        self._level(self.medium_levels, 1).mail_template_id = template
        broken = self.env["res.partner"].create(
            {"name": "Broken Co", "email": "broken@example.com"}
        )
        invoices = self._confirmed_invoice() | self._confirmed_invoice(partner=broken)
        invoices |= self._confirmed_invoice()
        with mute_logger("odoo.addons.acompte_deposit.models.account_move"):
            counts = self._run("2026-03-10 09:00:00")
        self.assertEqual((counts["sent"], counts["failed"]), (2, 1))
        failed = self._logs(invoices).filtered(lambda log: log.state == "failed")
        self.assertEqual(failed.move_id.partner_id, broken)
        self.assertTrue(failed.reason)
        self.assertFalse(self._reminder_mails(failed.move_id))

        counts = self._run("2026-03-10 15:00:00")
        self.assertEqual(counts["sent"] + counts["failed"], 0)
        logs = self._logs(invoices)
        self.assertEqual(len(logs), 3)
        self.assertEqual(logs.move_id, invoices)
        self.assertEqual(
            sum(len(self._reminder_mails(invoice)) for invoice in invoices), 2
        )

    def test_company_run_touches_only_its_invoices(self):
        other = self.setup_other_company(name="Acomptes Lyon")
        company_2 = other["company"]
        other_levels = self.Level.search([("company_id", "=", company_2.id)])
        self.assertEqual(
            len(other_levels),
            len(self.Level.search([("company_id", "=", self.company.id)])),
        )
        order_2 = self._confirm_order_in_company(other)
        invoice_2 = order_2.deposit_invoice_ids
        invoice_1 = self._confirmed_invoice()

        self._run("2026-03-10 09:00:00")
        self.assertEqual(self._logs(invoice_1 | invoice_2).move_id, invoice_1)

        self._run("2026-03-10 09:00:00", company=company_2)
        self.assertEqual(self._logs(invoice_2).level_id.company_id, company_2)
        self.assertEqual(len(self._logs(invoice_1 | invoice_2)), 2)

    def test_selection_queries_do_not_grow_with_invoices(self):
        Move = self.env["account.move"].with_company(self.company)
        today = date(2026, 3, 10)

        def selection_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            candidates = Move._get_deposit_reminder_candidates(today)
            return self.env.cr.sql_log_count - before, len(candidates)

        for _index in range(2):
            self._confirmed_invoice()
        queries_2, found_2 = selection_queries()
        for _index in range(8):
            self._confirmed_invoice()
        queries_10, found_10 = selection_queries()
        self.assertEqual((found_2, found_10), (2, 10))
        self.assertEqual(queries_10, queries_2)

    # By hand

    def test_send_next_reminder_by_hand(self):
        invoice = self._confirmed_invoice()
        with freeze_time("2026-03-03 09:00:00"):
            invoice.action_send_next_deposit_reminder()
            self.assertEqual(
                self._logs(invoice).level_id, self._level(self.medium_levels, 1)
            )
            invoice.action_send_next_deposit_reminder()
        self.assertEqual(len(self._logs(invoice)), 2)
        self.assertEqual(len(self._reminder_mails(invoice)), 2)
        # The run of 10 March has nothing left to send at +1.
        self.assertEqual(self._run("2026-03-10 09:00:00")["sent"], 0)

        with freeze_time("2026-03-03 09:00:00"):
            invoice.action_send_next_deposit_reminder()
            invoice.action_send_next_deposit_reminder()
            with self.assertRaisesRegex(UserError, "already sent"):
                invoice.action_send_next_deposit_reminder()

    def test_send_next_reminder_refused_when_paid(self):
        invoice = self._confirmed_invoice()
        self._register_payment(invoice, 360.0)
        with self.assertRaisesRegex(UserError, "paid"):
            invoice.action_send_next_deposit_reminder()
        self.assertFalse(self._logs(invoice))

    def test_preview_lists_tomorrows_reminders_without_sending(self):
        invoice = self._confirmed_invoice()
        self._confirmed_invoice(
            partner=self.env["res.partner"].create(
                {"name": "On hold", "email": "hold@example.com"}
            )
        ).deposit_reminder_hold = True
        with freeze_time("2026-03-09 09:00:00"):
            action = (
                self.env["deposit.reminder.preview"]
                .with_company(self.company)
                .action_open_preview()
            )
        preview = self.env["deposit.reminder.preview"].browse(action["res_id"])
        self.assertEqual(preview.date, date(2026, 3, 10))
        self.assertRecordValues(
            preview.line_ids,
            [
                {
                    "move_id": invoice.id,
                    "level_id": self._level(self.medium_levels, 1).id,
                    "recipient_id": self.customer.id,
                    "amount_residual": 360.0,
                }
            ],
        )
        self.assertFalse(self._logs(invoice))
        self.assertFalse(self._reminder_mails(invoice))

    # Configuration

    def test_level_needs_an_action_and_a_unique_day(self):
        with self.assertRaisesRegex(Exception, "does nothing"):
            self.Level.create(
                {
                    "name": "Nothing",
                    "risk_level": "low",
                    "days": 30,
                    "send_email": False,
                    "company_id": self.company.id,
                }
            )
        with self.assertRaisesRegex(Exception, "already has a reminder level"):
            self.Level.create(
                {
                    "name": "Twin",
                    "risk_level": "low",
                    "days": 3,
                    "send_email": False,
                    "create_activity": True,
                    "company_id": self.company.id,
                }
            )
