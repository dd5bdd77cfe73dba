import logging
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import DepositCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15 10:00:00")
class TestDepositRisk(DepositCommon):
    """The risk score of customers, from real invoices and payments.

    Today is 15 June 2026; the last 12 months start on 16 June 2025.

    - Early Bird paid 1,000 and 500 before their due dates and has an open
      credit note of 100: score 0, low risk.
    - Slow Payer paid 2,000 30 days late and 1,000 on time, owes 1,000 due on
      1 May (45 days late) and a deposit of 360 due on 11 May (35 days late)
      that got two reminders: score 65, high risk (see the test).
    - Newcomer has no invoice: no score, medium risk.
    - Early Bird also owes 800 in another company, due on 31 March.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.other_company = cls.company_data_2["company"]
        cls.Partner = cls.env["res.partner"]
        cls.early = cls.Partner.create(
            {
                "name": "Early Bird",
                "email": "pay@early.example.com",
                "is_company": True,
            }
        )
        cls.slow = cls.Partner.create(
            {
                "name": "Slow Payer",
                "email": "ap@slow.example.com",
                "is_company": True,
            }
        )
        cls.slow_contact = cls.Partner.create(
            {
                "name": "Sam Slow",
                "email": "sam@slow.example.com",
                "parent_id": cls.slow.id,
            }
        )
        cls.newcomer = cls.Partner.create(
            {
                "name": "Newcomer",
                "email": "hello@newcomer.example.com",
                "is_company": True,
            }
        )
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Deposit Manager",
                "login": "risk_deposit_manager",
                "email": "manager@company.example.com",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("base.group_partner_manager").id,
                            cls.env.ref("sales_team.group_sale_manager").id,
                        ]
                    )
                ],
            }
        )

        # Early Bird pays before the due date.
        for amount, invoice_date, date_due, paid_on in (
            (1000.0, "2026-02-01", "2026-03-03", "2026-02-20"),
            (500.0, "2026-05-01", "2026-05-31", "2026-05-10"),
        ):
            invoice = cls._post_invoice(cls.early, amount, invoice_date, date_due)
            cls._register_payment(invoice, amount, paid_on)
        cls._post_invoice(
            cls.early, 100.0, "2026-05-05", "2026-05-05", move_type="out_refund"
        )
        cls.early_other_invoice = cls._post_invoice(
            cls.early,
            800.0,
            "2026-03-01",
            "2026-03-31",
            company=cls.other_company,
        )

        # Slow Payer: late, on time, unpaid, and an unpaid deposit reminded twice.
        late = cls._post_invoice(cls.slow, 2000.0, "2026-01-15", "2026-02-14")
        cls._register_payment(late, 2000.0, "2026-03-16")
        on_time = cls._post_invoice(cls.slow, 1000.0, "2026-03-01", "2026-03-31")
        cls._register_payment(on_time, 1000.0, "2026-03-20")
        cls.slow_unpaid = cls._post_invoice(
            cls.slow, 1000.0, "2026-04-01", "2026-05-01"
        )
        with freeze_time("2026-05-04 09:00:00"):
            # 2 x 500 + 20% = 1,200.00: a 30% deposit of 360.00 due on 11 May.
            order = cls._create_order(
                [(cls.product, 2, 500.0, cls.tax_20)],
                partner=cls.slow,
                user_id=cls.salesman.id,
                deposit_term_id=cls.term_30.id,
            )
            order.action_confirm()
        cls.slow_deposit = order.deposit_invoice_ids
        for moment in ("2026-05-12 10:00:00", "2026-05-18 10:00:00"):
            with freeze_time(moment):
                cls.env["account.move"].with_company(
                    cls.company
                )._cron_send_deposit_reminders()

        cls.levels = cls.env["deposit.reminder.level"].search(
            [("company_id", "=", cls.company.id)]
        )

    def _refresh(self, company=None):
        return self.env["res.partner"]._cron_update_deposit_risk(
            companies=company or self.company
        )

    def _risk(self, partners, company=None):
        partners = partners.with_company(company or self.company)
        partners.invalidate_recordset()
        return partners

    def _create_user(self, login, *group_xmlids):
        return self.env["res.users"].create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "email": f"{login}@company.example.com",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref(xmlid).id
                            for xmlid in ("base.group_user", *group_xmlids)
                        ]
                    )
                ],
            }
        )

    def _count_queries(self, function):
        # Warm the caches of settings, access rules and defaults first.
        for _warm_up in range(2):
            function()
            self.env.flush_all()
            self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - start

    # Scores

    def test_scores_and_levels_after_the_nightly_refresh(self):
        with self.assertLogs(
            "odoo.addons.acompte_deposit.models.res_partner", level=logging.INFO
        ) as logs:
            counts = self._refresh()
        self.assertEqual(
            logs.output,
            [
                "INFO:odoo.addons.acompte_deposit.models.res_partner:Deposit risk "
                "refresh: 2 customers scored (1 low, 0 medium, 1 high), 0 reset "
                "for lack of history; 1 companies refreshed, 0 failed"
            ],
        )
        self.assertEqual(dict(counts), {"low": 1, "high": 1})
        # Slow Payer: 4,360 invoiced, 3,360 of it late (2,000 + 1,000 + 360),
        # 2,000 x 30 + 1,000 x 45 + 360 x 35 = 117,600 amount-days (26.97 days
        # on average), all of the 1,360 open is overdue, one reminder beyond the
        # first level, one unpaid overdue deposit:
        # 30 x 0.7706 + 25 x 26.97 / 60 + 20 + 10 / 3 + 15 / 2 = 65.19.
        self.assertRecordValues(
            self._risk(self.early | self.slow | self.newcomer),
            [
                {
                    "deposit_risk_score": 0,
                    "deposit_risk_computed_level": "low",
                    "deposit_risk_level": "low",
                },
                {
                    "deposit_risk_score": 65,
                    "deposit_risk_computed_level": "high",
                    "deposit_risk_level": "high",
                },
                {
                    "deposit_risk_score": 0,
                    "deposit_risk_computed_level": False,
                    "deposit_risk_level": "medium",
                },
            ],
        )

    def test_only_sent_reminders_count_beyond_the_first_level(self):
        third_level = self.levels.filtered(
            lambda level: level.risk_level == "high"
        ).sorted("days")[2]
        self.env["deposit.reminder.log"].sudo().create(
            [
                {
                    "move_id": self.slow_deposit.id,
                    "level_id": third_level.id,
                    "state": "failed",
                    "reason": "Mail server down",
                },
                {
                    "move_id": self.slow_unpaid.id,
                    "level_id": third_level.id,
                    "state": "no_email",
                },
            ]
        )
        self._refresh()
        self.assertRecordValues(
            self._risk(self.slow),
            [{"deposit_risk_extra_reminders": 1, "deposit_risk_score": 65}],
        )

    def test_a_deposit_covered_by_a_credit_note_is_not_owed(self):
        customer = self.Partner.create({"name": "Lost Order", "is_company": True})
        self._post_invoice(customer, 1000.0, "2026-06-01", "2026-06-30")
        with freeze_time("2026-05-04 09:00:00"):
            # 360.00 due on 11 May, then credited in full, not reconciled.
            order = self._create_order(
                [(self.product, 2, 500.0, self.tax_20)],
                partner=customer,
                deposit_term_id=self.term_30.id,
            )
            order.action_confirm()
            deposit = order.deposit_invoice_ids
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=deposit.ids)
                .create({"journal_id": deposit.journal_id.id, "reason": "Order lost"})
            )
            reversal.refund_moves()
            deposit.reversal_move_ids.action_post()
            deposit.line_ids.remove_move_reconcile()
        self.assertRecordValues(
            deposit,
            [
                {
                    "amount_residual": 360.0,
                    "invoice_date_due": date(2026, 5, 11),
                    "payment_state": "not_paid",
                }
            ],
        )
        # Without the credit note: 360 of 1,000 invoiced overdue for 35 days, a
        # third of the open receivable, one unpaid deposit: score 31.
        counts = self.env["res.partner"]._update_deposit_risk(customer)
        self.assertEqual(dict(counts), {"low": 1})
        self.assertRecordValues(
            self._risk(customer),
            [
                {
                    "deposit_risk_score": 0,
                    "deposit_risk_level": "low",
                    "deposit_risk_late_share": 0.0,
                    "deposit_risk_overdue_share": 0.0,
                    "deposit_risk_unpaid_deposit_count": 0,
                    "deposit_risk_unpaid_deposit_amount": 0.0,
                }
            ],
        )

    def test_a_pending_write_does_not_overwrite_the_refresh(self):
        self._refresh()
        self.slow.with_company(self.company).sudo().deposit_risk_level = "low"
        self.env["res.partner"].with_company(self.company)._update_deposit_risk()
        self.env.flush_all()
        self.assertEqual(self._risk(self.slow).deposit_risk_level, "high")
        self.env.cr.execute(
            "SELECT deposit_risk_level->>%s FROM res_partner WHERE id = %s",
            (str(self.company.id), self.slow.id),
        )
        self.assertEqual(self.env.cr.fetchone(), ("high",))

    def test_a_failing_company_leaves_the_others_refreshed(self):
        Partner = self.registry["res.partner"]
        update = Partner._update_deposit_risk
        failing = self.other_company

        def update_or_fail(partner_model, partners=None):
            result = update(partner_model, partners)
            if partner_model.env.company == failing:
                raise RuntimeError("Lost the connection to the bank feed")
            return result

        with (
            patch.object(
                Partner,
                "_update_deposit_risk",
                autospec=True,
                side_effect=update_or_fail,
            ),
            self.assertLogs(
                "odoo.addons.acompte_deposit.models.res_partner", level=logging.INFO
            ) as logs,
        ):
            counts = self.env["res.partner"]._cron_update_deposit_risk(
                companies=failing | self.company
            )
        self.assertEqual(dict(counts), {"low": 1, "high": 1})
        self.assertEqual(
            [line.splitlines()[0] for line in logs.output],
            [
                "ERROR:odoo.addons.acompte_deposit.models.res_partner:Deposit risk "
                f"refresh failed for company {failing.name}",
                "INFO:odoo.addons.acompte_deposit.models.res_partner:Deposit risk "
                "refresh: 2 customers scored (1 low, 0 medium, 1 high), 0 reset "
                "for lack of history; 1 companies refreshed, 1 failed",
            ],
        )
        # The failing company's refresh was rolled back, the other one stands.
        self.assertRecordValues(
            self._risk(self.early, failing),
            [{"deposit_risk_score": 0, "deposit_risk_level": "medium"}],
        )
        self.assertRecordValues(
            self._risk(self.early | self.slow),
            [
                {"deposit_risk_score": 0, "deposit_risk_level": "low"},
                {"deposit_risk_score": 65, "deposit_risk_level": "high"},
            ],
        )

    def test_a_failing_refresh_of_the_current_company_is_raised(self):
        Partner = self.registry["res.partner"]
        with (
            patch.object(
                Partner,
                "_update_deposit_risk",
                autospec=True,
                side_effect=RuntimeError("Lost the connection to the bank feed"),
            ),
            self.assertRaises(RuntimeError),
        ):
            self.env["res.partner"].with_company(
                self.company
            )._cron_update_deposit_risk()

    def test_the_scheduled_action_refreshes_every_company(self):
        cron = self.env.ref("acompte_deposit.ir_cron_update_deposit_risk")
        cron.method_direct_trigger()
        self.assertRecordValues(
            self._risk(self.early, self.other_company),
            [{"deposit_risk_score": 75, "deposit_risk_level": "high"}],
        )
        self.assertRecordValues(
            self._risk(self.early | self.slow),
            [
                {"deposit_risk_score": 0, "deposit_risk_level": "low"},
                {"deposit_risk_score": 65, "deposit_risk_level": "high"},
            ],
        )

    def test_merging_customers_leaves_the_risk_to_the_refresh(self):
        self._refresh()
        duplicate = self.Partner.create(
            {"name": "Slow Payer (duplicate)", "is_company": True}
        )
        # Not as the system: the merge goes through the guard on the risk.
        wizard = self.env(su=False)["base.partner.merge.automatic.wizard"]
        invoices = self.slow.invoice_ids
        self.assertTrue(invoices)
        wizard._merge((self.slow | duplicate).ids, dst_partner=duplicate)
        self.assertFalse(self.slow.exists())
        self.assertEqual(duplicate.invoice_ids, invoices)
        self._refresh()
        self.assertRecordValues(
            self._risk(duplicate),
            [{"deposit_risk_score": 65, "deposit_risk_level": "high"}],
        )

    def test_the_entry_point_refreshes_the_current_company(self):
        partners = self.env["res.partner"].with_company(self.company)
        counts = partners._cron_update_deposit_risk()
        self.assertEqual(dict(counts), {"low": 1, "high": 1})
        # The other company's customers wait for its own run.
        self.assertRecordValues(
            self._risk(self.early, self.other_company),
            [{"deposit_risk_score": 0, "deposit_risk_level": "medium"}],
        )

    def test_figures_behind_the_score_on_the_customer_form(self):
        partners = self._risk(self.early | self.slow | self.newcomer)
        self.assertRecordValues(
            partners,
            [
                {
                    "deposit_risk_late_share": 0.0,
                    "deposit_risk_days_late": 0.0,
                    "deposit_risk_overdue_share": 0.0,
                    "deposit_risk_extra_reminders": 0,
                    "deposit_risk_unpaid_deposit_count": 0,
                    "deposit_risk_unpaid_deposit_amount": 0.0,
                    "deposit_risk_has_history": True,
                },
                {
                    "deposit_risk_late_share": 77.1,
                    "deposit_risk_days_late": 27.0,
                    "deposit_risk_overdue_share": 100.0,
                    "deposit_risk_extra_reminders": 1,
                    "deposit_risk_unpaid_deposit_count": 1,
                    "deposit_risk_unpaid_deposit_amount": 360.0,
                    "deposit_risk_has_history": True,
                },
                {
                    "deposit_risk_late_share": 0.0,
                    "deposit_risk_days_late": 0.0,
                    "deposit_risk_overdue_share": 0.0,
                    "deposit_risk_extra_reminders": 0,
                    "deposit_risk_unpaid_deposit_count": 0,
                    "deposit_risk_unpaid_deposit_amount": 0.0,
                    "deposit_risk_has_history": False,
                },
            ],
        )

    def test_deposit_and_reminders_are_those_of_the_slow_payer(self):
        self.assertRecordValues(
            self.slow_deposit,
            [
                {
                    "amount_total": 360.0,
                    "amount_residual": 360.0,
                    "invoice_date": date(2026, 5, 4),
                    "invoice_date_due": date(2026, 5, 11),
                }
            ],
        )
        logs = self.env["deposit.reminder.log"].search(
            [("move_id", "=", self.slow_deposit.id)]
        )
        self.assertEqual(sorted(logs.level_id.mapped("days")), [1, 7])

    def test_another_company_never_counts(self):
        self._refresh()
        counts = self._refresh(self.other_company)
        self.assertEqual(dict(counts), {"high": 1})
        # 800 due on 31 March, 76 days late, capped at 60: 30 + 25 + 20 = 75.
        self.assertRecordValues(
            self._risk(self.early, self.other_company),
            [{"deposit_risk_score": 75, "deposit_risk_level": "high"}],
        )
        self.assertRecordValues(
            self._risk(self.early | self.slow),
            [
                {"deposit_risk_score": 0, "deposit_risk_level": "low"},
                {"deposit_risk_score": 65, "deposit_risk_level": "high"},
            ],
        )
        self.assertEqual(
            self._risk(self.slow, self.other_company).deposit_risk_level, "medium"
        )

    def test_refreshing_one_customer_leaves_the_others_alone(self):
        self.slow.with_user(self.salesman).action_update_deposit_risk()
        self.assertRecordValues(
            self._risk(self.early | self.slow),
            [
                {"deposit_risk_score": 0, "deposit_risk_computed_level": False},
                {"deposit_risk_score": 65, "deposit_risk_computed_level": "high"},
            ],
        )

    def test_a_customer_whose_invoices_are_cancelled_goes_back_to_medium(self):
        self._refresh()
        self.assertEqual(self._risk(self.early).deposit_risk_level, "low")
        early_invoices = self.env["account.move"].search(
            [
                ("partner_id", "=", self.early.id),
                ("company_id", "=", self.company.id),
            ]
        )
        early_invoices.line_ids.remove_move_reconcile()
        early_invoices.button_draft()
        early_invoices.button_cancel()
        counts = self._refresh()
        self.assertEqual(dict(counts), {"high": 1, "no_history": 1})
        self.assertRecordValues(
            self._risk(self.early),
            [
                {
                    "deposit_risk_score": 0,
                    "deposit_risk_computed_level": False,
                    "deposit_risk_level": "medium",
                }
            ],
        )

    def test_thresholds_from_the_settings(self):
        self.company.write(
            {
                "deposit_risk_medium_threshold": 20,
                "deposit_risk_high_threshold": 80,
            }
        )
        self._refresh()
        self.assertEqual(self._risk(self.slow).deposit_risk_level, "medium")
        for medium, high in ((0, 60), (60, 60), (70, 60), (30, 101)):
            with (
                self.subTest(medium=medium, high=high),
                self.assertRaises(ValidationError),
            ):
                self.company.write(
                    {
                        "deposit_risk_medium_threshold": medium,
                        "deposit_risk_high_threshold": high,
                    }
                )

    def test_refresh_from_the_settings(self):
        settings = self.env["res.config.settings"].create({})
        action = settings.action_update_deposit_risk()
        self.assertEqual(
            action["params"]["message"],
            "1 low, 0 medium and 1 high risk customers.",
        )
        self.assertEqual(self._risk(self.slow).deposit_risk_score, 65)

    # Contacts

    def test_a_contact_shows_its_company_values(self):
        self._refresh()
        self.assertRecordValues(
            self._risk(self.slow_contact),
            [
                {
                    "deposit_risk_score": 65,
                    "deposit_risk_computed_level": "high",
                    "deposit_risk_level": "high",
                    "deposit_risk_late_share": 77.1,
                    "deposit_risk_unpaid_deposit_count": 1,
                }
            ],
        )
        self.slow.with_user(self.manager).write(
            {
                "deposit_risk_level_override": "medium",
                "deposit_risk_override_reason": "Payment plan agreed",
            }
        )
        self.assertRecordValues(
            self._risk(self.slow_contact),
            [
                {
                    "deposit_risk_level_override": "medium",
                    "deposit_risk_override_reason": "Payment plan agreed",
                    "deposit_risk_level": "medium",
                }
            ],
        )

    # Override

    def test_manager_overrides_the_level_with_a_tracked_reason(self):
        self._refresh()
        slow = self.slow.with_user(self.manager).with_context(
            tracking_disable=False, mail_notrack=False
        )
        slow.write(
            {
                "deposit_risk_level_override": "low",
                "deposit_risk_override_reason": "Bank guarantee received",
            }
        )
        self.assertRecordValues(
            self._risk(self.slow),
            [
                {
                    "deposit_risk_level_override": "low",
                    "deposit_risk_computed_level": "high",
                    "deposit_risk_level": "low",
                    "deposit_risk_score": 65,
                }
            ],
        )
        self.env.flush_all()
        self.env.cr.flush()
        tracking = self.slow.message_ids[:1].tracking_value_ids
        self.assertEqual(
            sorted(
                zip(
                    tracking.field_id.mapped("name"),
                    tracking.mapped("new_value_char"),
                    strict=True,
                )
            ),
            [
                ("deposit_risk_level_override", "Low"),
                ("deposit_risk_override_reason", "Bank guarantee received"),
            ],
        )

        # The nightly refresh keeps the override.
        self._refresh()
        self.assertEqual(self._risk(self.slow).deposit_risk_level, "low")

        # Removing it brings the level from the score back at once.
        slow.write({"deposit_risk_level_override": False})
        self.env.flush_all()
        self.env.cr.flush()
        self.assertEqual(self._risk(self.slow).deposit_risk_level, "high")
        self.assertEqual(
            self.slow.message_ids[:1].tracking_value_ids.field_id.mapped("name"),
            ["deposit_risk_level_override"],
        )

    def test_override_without_reason_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Give a reason"):
            self.slow.with_user(self.manager).write(
                {
                    "deposit_risk_level_override": "low",
                    "deposit_risk_override_reason": "  ",
                }
            )

    def test_a_salesman_cannot_override(self):
        self.salesman.groups_id += self.env.ref("base.group_partner_manager")
        slow = self.slow.with_user(self.salesman)
        with self.assertRaisesRegex(AccessError, "Only a Deposit Manager"):
            slow.write(
                {
                    "deposit_risk_level_override": "low",
                    "deposit_risk_override_reason": "Friend of the boss",
                }
            )
        # Saving the form unchanged is not an override.
        slow.write({"deposit_risk_level_override": False, "comment": "Calls first"})
        self.assertEqual(self.slow.comment, "<p>Calls first</p>")
        self.assertFalse(self._risk(self.slow).deposit_risk_level_override)

    def test_a_new_customer_gets_its_level_from_the_refresh(self):
        self.salesman.groups_id += self.env.ref("base.group_partner_manager")
        as_salesman = self.Partner.with_user(self.salesman).with_company(self.company)
        partner = as_salesman.create(
            {
                "name": "Typed Level Ltd",
                "is_company": True,
                "deposit_risk_level": "low",
                "deposit_risk_score": 5,
            }
        )
        self.assertRecordValues(
            self._risk(partner),
            [{"deposit_risk_level": "medium", "deposit_risk_score": 0}],
        )
        with self.assertRaisesRegex(AccessError, "Only a Deposit Manager"):
            as_salesman.create(
                {
                    "name": "Friend Ltd",
                    "is_company": True,
                    "deposit_risk_level_override": "low",
                    "deposit_risk_override_reason": "Friend of the boss",
                }
            )
        as_manager = self.Partner.with_user(self.manager).with_company(self.company)
        overridden = as_manager.create(
            {
                "name": "Insolvent Ltd",
                "is_company": True,
                "deposit_risk_level_override": "high",
                "deposit_risk_override_reason": "Insolvency proceedings",
            }
        )
        self.assertRecordValues(
            self._risk(overridden),
            [{"deposit_risk_level_override": "high", "deposit_risk_level": "high"}],
        )

    def test_a_salesman_adds_a_contact_to_an_overridden_customer(self):
        self.slow.with_user(self.manager).write(
            {
                "deposit_risk_level_override": "low",
                "deposit_risk_override_reason": "Bank guarantee received",
            }
        )
        self.salesman.groups_id += self.env.ref("base.group_partner_manager")
        contact = (
            self.Partner.with_user(self.salesman)
            .with_company(self.company)
            .create({"name": "Sue Slow", "parent_id": self.slow.id})
        )
        self.assertRecordValues(
            self._risk(contact),
            [
                {
                    "deposit_risk_level_override": "low",
                    "deposit_risk_override_reason": "Bank guarantee received",
                    "deposit_risk_level": "low",
                }
            ],
        )
        with self.assertRaisesRegex(AccessError, "Only a Deposit Manager"):
            contact.write({"deposit_risk_level_override": "high"})

    def test_nobody_writes_the_risk_level_directly(self):
        self._refresh()
        self.salesman.groups_id += self.env.ref("base.group_partner_manager")
        accountant = self._create_user(
            "risk_accountant",
            "account.group_account_manager",
            "base.group_partner_manager",
        )
        for user in (self.salesman, accountant, self.manager):
            for fname, value in (
                ("deposit_risk_level", "low"),
                ("deposit_risk_computed_level", "low"),
                ("deposit_risk_score", 3),
            ):
                with (
                    self.subTest(user=user.login, field=fname),
                    self.assertRaisesRegex(AccessError, "comes from its risk score"),
                ):
                    self.slow.with_user(user).with_company(self.company).write(
                        {fname: value}
                    )
        # Writing back what the customer has is no change.
        self.slow.with_user(self.salesman).with_company(self.company).write(
            {"deposit_risk_level": "high", "comment": "Calls first"}
        )

        # The refresh and the override still set the level.
        self._refresh()
        self.slow.with_user(self.manager).write(
            {
                "deposit_risk_level_override": "medium",
                "deposit_risk_override_reason": "Payment plan agreed",
            }
        )
        self.assertRecordValues(
            self._risk(self.slow | self.slow_contact),
            [
                {"deposit_risk_score": 65, "deposit_risk_level": "medium"},
                {"deposit_risk_score": 65, "deposit_risk_level": "medium"},
            ],
        )

    def test_the_override_is_tracked_on_the_customer_only(self):
        contact = self.Partner.create({"name": "Sid Slow", "parent_id": self.slow.id})
        self.slow.with_user(self.manager).with_context(
            tracking_disable=False, mail_notrack=False
        ).write(
            {
                "deposit_risk_level_override": "low",
                "deposit_risk_override_reason": "Bank guarantee received",
            }
        )
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written before the commit
        Tracking = self.env["mail.tracking.value"].sudo()
        self.assertEqual(
            [
                Tracking.search_count(
                    [
                        ("mail_message_id.model", "=", "res.partner"),
                        ("mail_message_id.res_id", "=", partner.id),
                    ]
                )
                for partner in (self.slow, self.slow_contact, contact)
            ],
            [2, 0, 0],
        )
        self.assertEqual(self._risk(contact).deposit_risk_level_override, "low")

    def test_sales_and_billing_users_read_the_risk_on_the_customer_form(self):
        self._refresh()
        biller = self._create_user("risk_biller", "account.group_account_invoice")
        self.assertFalse(biller.has_group("sales_team.group_sale_salesman"))
        fnames = sorted(
            fname for fname in self.Partner._fields if fname.startswith("deposit_risk_")
        )
        expected = {
            "deposit_risk_computed_level": "high",
            "deposit_risk_currency_id": self.company.currency_id.id,
            "deposit_risk_days_late": 27.0,
            "deposit_risk_extra_reminders": 1,
            "deposit_risk_has_history": True,
            "deposit_risk_late_share": 77.1,
            "deposit_risk_level": "high",
            "deposit_risk_level_override": False,
            "deposit_risk_overdue_share": 100.0,
            "deposit_risk_override_reason": False,
            "deposit_risk_score": 65,
            "deposit_risk_unpaid_deposit_amount": 360.0,
            "deposit_risk_unpaid_deposit_count": 1,
        }
        self.assertEqual(sorted(expected), fnames)
        for user in (self.salesman, biller):
            with self.subTest(user=user.login):
                partner = self.slow.with_user(user).with_company(self.company)
                form = Form(partner)
                self.assertEqual(form.name, "Slow Payer")
                in_form = [fname for fname in fnames if fname in form._view["fields"]]
                self.assertEqual(in_form, fnames if user == self.salesman else [])
                self.assertEqual(
                    {fname: form[fname] for fname in in_form},
                    {
                        fname: expected[fname]
                        for fname in in_form
                        if fname != "deposit_risk_currency_id"
                    }
                    | (
                        {"deposit_risk_currency_id": self.company.currency_id}
                        if in_form
                        else {}
                    ),
                )
                partner.invalidate_recordset()
                [values] = partner.read(fnames, load=None)
                self.assertEqual({fname: values[fname] for fname in fnames}, expected)

    # What the level drives

    def test_default_deposit_terms_follow_the_risk_level(self):
        self._refresh()
        self.company.write(
            {
                "deposit_term_id": self.term_30.id,
                "deposit_low_risk_term_id": self.term_draft.id,
                "deposit_high_risk_term_id": self.term_fixed.id,
            }
        )
        lines = [(self.product, 1, 100.0, self.tax_20)]
        orders = [
            self._create_order(lines, partner=partner)
            for partner in (self.early, self.slow, self.slow_contact, self.newcomer)
        ]
        self.assertEqual(
            [order.deposit_term_id for order in orders],
            [self.term_draft, self.term_fixed, self.term_fixed, self.term_30],
        )

        self.company.deposit_medium_risk_term_id = self.term_fixed
        self.slow.with_company(self.company).deposit_term_id = self.term_draft
        orders = [
            self._create_order(lines, partner=partner)
            for partner in (self.slow, self.newcomer)
        ]
        self.assertEqual(
            [order.deposit_term_id for order in orders],
            [self.term_draft, self.term_fixed],
        )

    def test_an_archived_risk_term_gives_way_to_the_default(self):
        self._refresh()
        self.company.write(
            {
                "deposit_term_id": self.term_30.id,
                "deposit_high_risk_term_id": self.term_fixed.id,
            }
        )
        self.term_fixed.active = False
        order = self._create_order(
            [(self.product, 1, 100.0, self.tax_20)], partner=self.slow
        )
        self.assertEqual(order.deposit_term_id, self.term_30)

    def test_reminder_ladder_follows_the_risk_level(self):
        self._refresh()
        high = self.levels.filtered(lambda level: level.risk_level == "high")
        low = self.levels.filtered(lambda level: level.risk_level == "low")
        self.assertEqual(
            self.slow_deposit._get_deposit_reminder_ladder(),
            [(level.id, level.days) for level in high],
        )
        self.slow.with_user(self.manager).write(
            {
                "deposit_risk_level_override": "low",
                "deposit_risk_override_reason": "Bank guarantee received",
            }
        )
        self.slow_deposit.invalidate_recordset()
        self.assertEqual(
            self.slow_deposit._get_deposit_reminder_ladder(),
            [(level.id, level.days) for level in low],
        )

    # Scale

    def test_refresh_queries_do_not_grow_with_customers(self):
        def add_customers(count):
            for index in range(count):
                customer = self.Partner.create(
                    {"name": f"Customer {index}", "is_company": True}
                )
                invoice = self._post_invoice(
                    customer, 100.0 + index, "2026-04-01", "2026-05-01"
                )
                self._register_payment(invoice, 50.0, "2026-05-20")
                self._post_invoice(customer, 80.0, "2026-06-01", "2026-06-30")
                customers.append(customer)

        customers = []
        add_customers(2)
        small = self._count_queries(self._refresh)
        small_figures = self._count_queries(
            lambda: self.Partner.browse([c.id for c in customers]).mapped(
                "deposit_risk_late_share"
            )
        )
        add_customers(4)
        large = self._count_queries(self._refresh)
        large_figures = self._count_queries(
            lambda: self.Partner.browse([c.id for c in customers]).mapped(
                "deposit_risk_late_share"
            )
        )
        self.assertEqual(small, large)
        self.assertEqual(small_figures, large_figures)
        self.assertLessEqual(large, 8)
        self.assertEqual(
            self._risk(self.Partner.browse([c.id for c in customers])).mapped(
                "deposit_risk_level"
            ),
            ["medium"] * 6,
        )
