from datetime import date

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from ..deposit_rules.dso import standard_dso
from .common import DepositCommon

# The field a tile adds up in the records it opens; None: it counts them.
TILE_FIELDS = {
    "awaiting": "amount_residual_signed",
    "overdue": "amount_residual_signed",
    "collected_month": "amount_total_signed",
    "risk_low": None,
    "risk_medium": None,
    "risk_high": None,
    "reminders_failed": None,
}


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestDepositDashboard(DepositCommon):
    """The dashboard's tiles add up exactly the records they open.

    Deposits of 30% of 1,200.00 (360.00), due 7 days after confirmation, for
    three customers, on 16 March 2026 in Paris:

    ======================  ==========  =============================  ========
    deposit                 confirmed   what happened                  left
    ======================  ==========  =============================  ========
    inactive_paid           2025-03-10  paid 2025-03-20                0
    old_paid                2025-10-01  paid 2025-10-20                0
    paid_feb                2026-02-01  paid 2026-02-11 (10 days)      0
    paid_first              2026-02-27  paid 2026-03-01 (2 days)       0
    paid_march              2026-03-02  paid 160 on 3, 200 on 5 March  0
    overdue                 2026-03-02  due 9 March                    360.00
    overdue_partial         2026-03-02  paid 60 on 5 March             300.00
    due_today               2026-03-09  due 16 March                   360.00
    awaiting                2026-03-16  due 23 March                   360.00
    awaiting_partial        2026-03-16  paid 100 today, via a contact  260.00
    credited                2026-03-16  credit note not reconciled     360.00
    reversed                2026-03-16  reversed by a credit note      0
    ======================  ==========  =============================  ========
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Company = cls.env["res.company"].with_company(cls.company)
        Partner = cls.env["res.partner"]
        cls.customer_low = Partner.create(
            {"name": "Boulangerie Martin", "is_company": True}
        )
        cls.customer_high = Partner.create(
            {"name": "Charpente Roux", "is_company": True}
        )
        cls.customer_inactive = Partner.create(
            {"name": "Menuiserie Blanc", "is_company": True}
        )
        for partner, level in (
            (cls.customer, "medium"),
            (cls.customer_low, "low"),
            (cls.customer_high, "high"),
            (cls.customer_inactive, "high"),
        ):
            partner.with_company(cls.company).sudo().deposit_risk_level = level

        with freeze_time("2025-03-10 10:00:00"):
            cls.inactive_paid = cls._deposit(cls.customer_inactive)
        cls._register_payment(cls.inactive_paid, 360.0, date(2025, 3, 20))
        with freeze_time("2025-10-01 10:00:00"):
            cls.old_paid = cls._deposit(cls.customer)
        cls._register_payment(cls.old_paid, 360.0, date(2025, 10, 20))
        with freeze_time("2026-02-01 10:00:00"):
            cls.paid_feb = cls._deposit(cls.customer_low)
        cls._register_payment(cls.paid_feb, 360.0, date(2026, 2, 11))
        with freeze_time("2026-02-27 10:00:00"):
            cls.paid_first = cls._deposit(cls.customer_high)
        cls._register_payment(cls.paid_first, 360.0, date(2026, 3, 1))
        with freeze_time("2026-03-02 10:00:00"):
            cls.paid_march = cls._deposit(cls.customer)
            cls.overdue = cls._deposit(cls.customer_high)
            cls.overdue_partial = cls._deposit(cls.customer_low)
        cls._register_payment(cls.paid_march, 160.0, date(2026, 3, 3))
        cls._register_payment(cls.paid_march, 200.0, date(2026, 3, 5))
        cls._register_payment(cls.overdue_partial, 60.0, date(2026, 3, 5))
        with freeze_time("2026-03-09 10:00:00"):
            cls.due_today = cls._deposit(cls.customer)
        cls.awaiting = cls._deposit(cls.customer)
        cls.awaiting_partial = cls._deposit(cls.customer_contact)
        cls._register_payment(cls.awaiting_partial, 100.0, date(2026, 3, 16))
        cls.credited = cls._deposit(cls.customer_low)
        cls._credit(cls.credited)
        cls.credited.line_ids.remove_move_reconcile()
        cls.reversed = cls._deposit(cls.customer)
        cls._credit(cls.reversed)

        # Reminder history: only the failed reminders of unpaid deposits count.
        levels = cls.env["deposit.reminder.level"].search(
            [("company_id", "=", cls.company.id)], limit=2
        )
        # The reminder run writes these rows as superuser.
        Log = cls.env["deposit.reminder.log"].sudo()
        Log.create(
            [
                {"move_id": cls.overdue.id, "level_id": levels[0].id},
                {"move_id": cls.overdue.id, "level_id": levels[1].id},
                {"move_id": cls.paid_march.id, "level_id": levels[0].id},
                {"move_id": cls.overdue_partial.id, "level_id": levels[0].id},
            ]
        ).filtered(lambda log: log.move_id != cls.overdue_partial).write(
            {"state": "failed", "reason": "Bounced"}
        )

        # Another company, with deposits of its own and a customer of its own.
        other = cls.setup_other_company(name="Acomptes Lyon")
        cls.company_2 = other["company"]
        cls.company_2.partner_id.tz = "Europe/Paris"
        cls.customer_lyon = Partner.create({"name": "Traiteur Lyonnais"})
        cls.customer_low.with_company(cls.company_2).sudo().deposit_risk_level = "high"
        term_2 = cls.env["sale.deposit.term"].create(
            {
                "name": "30% in 7 days",
                "amount_type": "percent",
                "value": 30.0,
                "due_days": 7,
                "company_id": cls.company_2.id,
            }
        )
        cls.lyon_awaiting = cls._deposit_in(
            cls.company_2, term_2, other["product_order_no"], cls.customer_lyon
        )
        cls.lyon_paid = cls._deposit_in(
            cls.company_2, term_2, other["product_order_no"], cls.customer_low
        )
        cls._register_payment(cls.lyon_paid, 300.0, date(2026, 3, 10))
        Log.create(
            {
                "move_id": cls.lyon_awaiting.id,
                "level_id": cls.env["deposit.reminder.level"]
                .search([("company_id", "=", cls.company_2.id)], limit=1)
                .id,
                "state": "failed",
            }
        )

    # Helpers

    @classmethod
    def _deposit(cls, partner):
        # 2 x 500 + 20% = 1,200.00; a 30% deposit is 360.00, due in 7 days.
        order = cls._create_order(
            [(cls.product, 2, 500.0, cls.tax_20)],
            partner=partner,
            deposit_term_id=cls.term_30.id,
        )
        order.action_confirm()
        return order.deposit_invoice_ids

    @classmethod
    def _deposit_in(cls, company, term, product, partner):
        # 1,000.00 without tax; a 30% deposit is 300.00.
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "deposit_term_id": term.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
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
        return order.deposit_invoice_ids

    @classmethod
    def _credit(cls, invoice):
        reversal = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Order lost"})
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()

    def _data(self, company=None):
        Company = self.env["res.company"].with_company(company or self.company)
        return Company._get_deposit_dashboard_data()

    def _kpis(self, company=None):
        return {kpi["key"]: kpi for kpi in self._data(company)["kpis"]}

    def _opened(self, kpi):
        action = kpi["action"]
        self.assertEqual(action["type"], "ir.actions.act_window")
        return self.env[action["res_model"]].search(action["domain"])

    def _assert_tile_equals_what_it_opens(self, kpi):
        records = self._opened(kpi)
        self.assertEqual(kpi["count"], len(records), kpi["key"])
        if kpi["key"] in ("dso_standard", "dso_countback"):
            # The DSO divides the receivables the tile opens.
            self.assertAlmostEqual(
                kpi["amount"], sum(records.mapped("balance")), places=2
            )
            if kpi["key"] == "dso_standard":
                self.assertAlmostEqual(
                    kpi["value"],
                    standard_dso(kpi["amount"], kpi["sales"], 90),
                    places=2,
                )
            return
        if kpi["key"] == "avg_days_to_collect":
            days = records.mapped("deposit_days_to_collect")
            self.assertEqual(
                days,
                [(move.deposit_paid_date - move.invoice_date).days for move in records],
            )
            self.assertAlmostEqual(
                kpi["value"], sum(days) / len(days), places=2, msg=kpi["key"]
            )
            return
        field = TILE_FIELDS[kpi["key"]]
        expected = sum(records.mapped(field)) if field else len(records)
        self.assertAlmostEqual(kpi["value"], expected, places=2, msg=kpi["key"])

    # Tiles

    def test_open_deposits_split_on_the_due_date(self):
        kpis = self._kpis()
        self.assertEqual(
            self._opened(kpis["awaiting"]),
            self.awaiting | self.awaiting_partial | self.due_today,
        )
        self.assertEqual(
            self._opened(kpis["overdue"]), self.overdue | self.overdue_partial
        )
        self.assertEqual(
            [
                (kpi["value"], kpi["count"], kpi["tone"])
                for kpi in (kpis["awaiting"], kpis["overdue"])
            ],
            [(980.0, 3, "neutral"), (660.0, 2, "danger")],
        )
        self.assertIn("980.00", kpis["awaiting"]["display_value"])
        self._assert_tile_equals_what_it_opens(kpis["awaiting"])
        self._assert_tile_equals_what_it_opens(kpis["overdue"])

    def test_credited_and_reversed_deposits_are_not_awaited(self):
        self.assertEqual(self.reversed.payment_state, "reversed")
        self.assertRecordValues(
            self.credited, [{"payment_state": "not_paid", "amount_residual": 360.0}]
        )
        kpis = self._kpis()
        for key in ("awaiting", "overdue"):
            opened = self._opened(kpis[key])
            self.assertFalse(opened & (self.credited | self.reversed), key)
        # Overdue since 23 March, still out of the tiles.
        with freeze_time("2026-03-31 10:00:00"):
            kpis = self._kpis()
        for key in ("awaiting", "overdue"):
            opened = self._opened(kpis[key])
            self.assertFalse(opened & (self.credited | self.reversed), key)
        self.assertIn(self.awaiting, self._opened(kpis["overdue"]))

    def test_collected_this_month_counts_deposits_whose_payment_completed(self):
        self.assertRecordValues(
            self.paid_march | self.paid_first,
            [
                {"payment_state": "paid", "deposit_paid_date": date(2026, 3, 5)},
                {"payment_state": "paid", "deposit_paid_date": date(2026, 3, 1)},
            ],
        )
        kpi = self._kpis()["collected_month"]
        self.assertEqual(self._opened(kpi), self.paid_march | self.paid_first)
        self.assertEqual((kpi["value"], kpi["count"]), (720.0, 2))
        self._assert_tile_equals_what_it_opens(kpi)

    def test_average_days_to_collect_over_the_last_90_days(self):
        kpi = self._kpis()["avg_days_to_collect"]
        self.assertEqual(
            self._opened(kpi), self.paid_feb | self.paid_first | self.paid_march
        )
        # (10 + 2 + 3) / 3; the deposit paid in October is older than 90 days.
        self.assertEqual((kpi["value"], kpi["count"]), (5.0, 3))
        self.assertEqual(kpi["display_value"], "5.0 days")
        self._assert_tile_equals_what_it_opens(kpi)
        # The list it opens shows each deposit's days and their average.
        list_view_id = kpi["action"]["views"][0][0]
        arch = self.env["account.move"].get_views([(list_view_id, "list")])["views"][
            "list"
        ]["arch"]
        [column] = etree.fromstring(arch).xpath(
            "//field[@name='deposit_days_to_collect']"
        )
        self.assertEqual(column.get("avg"), "Average")
        self.assertEqual(
            self.env["account.move"]._fields["deposit_days_to_collect"].aggregator,
            "avg",
        )

    def test_risk_mix_counts_customers_invoiced_in_the_last_12_months(self):
        kpis = self._kpis()
        self.assertEqual(
            [
                (key, self._opened(kpis[key]), kpis[key]["count"])
                for key in ("risk_low", "risk_medium", "risk_high")
            ],
            [
                ("risk_low", self.customer_low, 1),
                ("risk_medium", self.customer, 1),
                ("risk_high", self.customer_high, 1),
            ],
        )
        for key in ("risk_low", "risk_medium", "risk_high"):
            self._assert_tile_equals_what_it_opens(kpis[key])

    def test_customer_without_risk_level_counts_as_medium(self):
        self.customer_low.with_company(self.company).sudo().deposit_risk_level = False
        kpis = self._kpis()
        self.assertEqual(kpis["risk_low"]["count"], 0)
        self.assertEqual(
            self._opened(kpis["risk_medium"]), self.customer | self.customer_low
        )

    def test_failed_reminders_count_only_unpaid_deposits(self):
        kpi = self._kpis()["reminders_failed"]
        opened = self._opened(kpi)
        self.assertEqual(len(opened), 2)
        self.assertEqual(opened.move_id, self.overdue)
        self.assertEqual(set(opened.mapped("state")), {"failed"})
        self.assertEqual((kpi["value"], kpi["count"], kpi["tone"]), (2, 2, "warning"))
        self._register_payment(self.overdue, 360.0, date(2026, 3, 16))
        self.assertEqual(self._kpis()["reminders_failed"]["count"], 0)

    def test_every_tile_equals_what_it_opens(self):
        kpis = self._kpis()
        self.assertLessEqual(
            {"awaiting", "overdue", "collected_month", "avg_days_to_collect"},
            set(kpis),
        )
        self.assertEqual(
            [kpi["key"] for kpi in self._data()["kpis"]],
            [
                "awaiting",
                "overdue",
                "collected_month",
                "avg_days_to_collect",
                "dso_standard",
                "dso_countback",
                "risk_low",
                "risk_medium",
                "risk_high",
                "reminders_failed",
            ],
        )
        for kpi in kpis.values():
            self._assert_tile_equals_what_it_opens(kpi)
        # Each tile says what it counts, in its tooltip.
        helps = [kpi["help"] for kpi in kpis.values()]
        self.assertTrue(all(helps))
        self.assertEqual(len(set(helps)), len(helps))

    def test_company_without_any_data_shows_zeros(self):
        empty = self.env["res.company"].create({"name": "Acomptes Brest"})
        self.env.user.company_ids |= empty
        data = self._data(empty)
        self.assertEqual(data["company_id"], empty.id)
        self.assertEqual(data["dso_trend"], [])
        self.assertEqual(
            {kpi["key"]: (kpi["value"], kpi["count"]) for kpi in data["kpis"]},
            {
                "awaiting": (0.0, 0),
                "overdue": (0.0, 0),
                "collected_month": (0.0, 0),
                # No deposit paid: no average rather than 0 days.
                "avg_days_to_collect": (None, 0),
                "dso_standard": (0.0, 0),
                "dso_countback": (0.0, 0),
                "risk_low": (0, 0),
                "risk_medium": (0, 0),
                "risk_high": (0, 0),
                "reminders_failed": (0, 0),
            },
        )
        kpis = {kpi["key"]: kpi for kpi in data["kpis"]}
        self.assertEqual(
            [
                kpis[key]["display_value"]
                for key in ("avg_days_to_collect", "dso_standard", "dso_countback")
            ],
            ["–", "0.0 days", "0.0 days"],
        )
        for kpi in data["kpis"]:
            self.assertFalse(self._opened(kpi), kpi["key"])

    def test_dso_tiles_divide_the_receivables_they_open(self):
        """Receivables of 16 March and credit sales of the 90 days before.

        Open: 360 + 300 overdue, 360 + 360 + 260 awaited; the credit note of
        the credited deposit cancels its 360. Sales: twelve deposits of 360
        minus two credit notes, of which eight from 17 December: 2,880.00,
        2,160.00 of them in March.
        """
        kpis = self._kpis()
        self.assertEqual(
            [
                (
                    kpis[key]["value"],
                    kpis[key]["amount"],
                    kpis[key]["sales"],
                    kpis[key]["target"],
                    kpis[key]["tone"],
                )
                for key in ("dso_standard", "dso_countback")
            ],
            [
                # 1,640 / 2,880 x 90 days
                (51.25, 1640.0, 2880.0, 30, "danger"),
                # March covers it: 1,640 / 2,160 x 16 days
                (12.15, 1640.0, 2880.0, 30, "success"),
            ],
        )
        self.assertEqual(kpis["dso_standard"]["display_value"], "51.3 days")
        self.assertIn("Target 30 days", kpis["dso_standard"]["count_label"])
        self.assertIn("1,640.00", kpis["dso_standard"]["count_label"])
        opened = self._opened(kpis["dso_standard"])
        self.assertEqual(opened, self._opened(kpis["dso_countback"]))
        self.assertEqual(opened.account_id.mapped("account_type"), ["asset_receivable"])
        # Deposits paid in full before today are left out; the open ones, and
        # the credit note that cancels one, are in.
        self.assertFalse(opened.move_id & (self.paid_march | self.paid_feb))
        self.assertLessEqual(
            self.overdue
            | self.awaiting
            | self.credited
            | self.credited.reversal_move_ids,
            opened.move_id,
        )
        self._assert_tile_equals_what_it_opens(kpis["dso_standard"])
        self._assert_tile_equals_what_it_opens(kpis["dso_countback"])

    def test_dso_trend_is_the_last_12_months_against_the_target(self):
        self.assertEqual(self._data()["dso_trend"], [])
        self.company.deposit_dso_target = 40
        self.company._store_deposit_dso_snapshots()
        data = self._data()
        self.assertEqual(data["dso_target"], 40)
        trend = data["dso_trend"]
        self.assertEqual(
            [point["date"] for point in (trend[0], trend[-1])],
            ["2025-03-31", "2026-02-28"],
        )
        self.assertEqual(len(trend), 12)
        self.assertEqual({point["target"] for point in trend}, {40})
        # On 28 February 360 was due, after sales of 720 since 1 December:
        # 360 / 720 x 90 days, and February's sales cover it in 14 days.
        self.assertEqual(
            (trend[-1]["label"], trend[-1]["standard"], trend[-1]["countback"]),
            ("Feb 2026", 45.0, 14.0),
        )
        self.assertEqual(self._data(self.company_2)["dso_trend"], [])

    def test_print_button_prints_the_receivables_of_the_company(self):
        # Without a document layout, Odoo asks for one before printing.
        self.company_2.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        data = self._data(self.company_2)
        action = (
            self.env["res.company"]
            .with_company(self.company_2)
            .browse(data["company_id"])
            .action_print_deposit_receivables()
        )
        self.assertEqual(
            (action["type"], action["report_name"], action["data"]),
            (
                "ir.actions.report",
                "acompte_deposit.report_deposit_receivables",
                {"company_id": self.company_2.id},
            ),
        )

    # Companies, dates and rights

    def test_another_company_counts_only_its_own_deposits(self):
        kpis = self._kpis(self.company_2)
        self.assertEqual(
            {
                key: (kpis[key]["value"], self._opened(kpis[key]))
                for key in ("awaiting", "collected_month", "reminders_failed")
            },
            {
                "awaiting": (300.0, self.lyon_awaiting),
                "collected_month": (300.0, self.lyon_paid),
                "reminders_failed": (1, self.lyon_awaiting.deposit_reminder_log_ids),
            },
        )
        self.assertEqual(kpis["overdue"]["count"], 0)
        # 300 awaited after sales of 600, all in March: 300 / 600 x 90 days,
        # and 300 / 600 x 16 days by count-back.
        self.assertEqual(
            [
                (kpis[key]["value"], kpis[key]["amount"], kpis[key]["sales"])
                for key in ("dso_standard", "dso_countback")
            ],
            [(45.0, 300.0, 600.0), (8.0, 300.0, 600.0)],
        )
        self.assertEqual(self._opened(kpis["dso_standard"]).company_id, self.company_2)
        self._assert_tile_equals_what_it_opens(kpis["dso_standard"])
        self.assertEqual(self._opened(kpis["risk_high"]), self.customer_low)
        self.assertEqual(self._opened(kpis["risk_medium"]), self.customer_lyon)
        mine = self._kpis()
        self.assertFalse(
            self._opened(mine["awaiting"]) & (self.lyon_awaiting | self.lyon_paid)
        )
        self.assertEqual(mine["collected_month"]["value"], 720.0)

    def test_today_is_the_company_s_in_its_time_zone(self):
        # 23:30 UTC on 16 March is already 17 March in Paris.
        with freeze_time("2026-03-16 23:30:00"):
            kpis = self._kpis()
        self.assertIn(self.due_today, self._opened(kpis["overdue"]))
        self.assertEqual(kpis["overdue"]["value"], 1020.0)

    def test_entry_point_refused_without_invoicing_or_accounting_rights(self):
        # A salesperson may see only its own invoices: the company's figures
        # would not be what the tiles open for them.
        for login, groups in (
            ("dashboard_employee", "base.group_user"),
            ("dashboard_seller", "sales_team.group_sale_salesman"),
        ):
            user = new_test_user(
                self.env,
                login=login,
                groups=groups,
                company_id=self.company.id,
            )
            with self.assertRaisesRegex(AccessError, "deposit dashboard"):
                self.Company.with_user(user).get_deposit_dashboard_data()

        for login, groups in (
            ("dashboard_billing", "account.group_account_invoice"),
            ("dashboard_accountant", "account.group_account_manager"),
        ):
            user = new_test_user(
                self.env,
                login=login,
                groups=groups,
                company_id=self.company.id,
            )
            data = self.Company.with_user(user).get_deposit_dashboard_data()
            self.assertEqual(data["company_id"], self.company.id)
            kpis = {kpi["key"]: kpi for kpi in data["kpis"]}
            self.assertEqual(kpis["overdue"]["value"], 660.0)
            # Every tile opens, for them, what it counts.
            for kpi in kpis.values():
                action = kpi["action"]
                records = self.env[action["res_model"]].with_user(user)
                self.assertEqual(
                    records.search_count(action["domain"]), kpi["count"], kpi["key"]
                )

    # Queries

    def test_dashboard_queries_do_not_grow_with_data(self):
        def dashboard_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            kpis = self._kpis()
            return self.env.cr.sql_log_count - before, kpis

        dashboard_queries()  # warms the caches of views and languages
        queries_small, small = dashboard_queries()
        for _index in range(3):
            self._deposit(self.customer_high)
            with freeze_time("2026-03-02 10:00:00"):
                self._register_payment(
                    self._deposit(self.customer_low), 360.0, date(2026, 3, 6)
                )
                self._deposit(
                    self.env["res.partner"].create({"name": f"Client {_index}"})
                )
        queries_large, large = dashboard_queries()
        self.assertEqual(
            [
                large[key]["count"] - small[key]["count"]
                for key in ("awaiting", "overdue", "collected_month", "risk_medium")
            ],
            [3, 3, 3, 3],
        )
        self.assertEqual(queries_large, queries_small)
