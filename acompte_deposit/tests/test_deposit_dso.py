import logging
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import DepositCommon

JUNE_30 = date(2026, 6, 30)


@tagged("post_install", "-at_install")
@freeze_time("2026-07-15 10:00:00")
class TestDepositDso(DepositCommon):
    """DSO from posted customer invoices, payments and credit notes.

    On 30 June 2026, with a 90-day period (2 April to 30 June), taxes at 20%:

    ============  ==================================  ==========  =========
    customer      entry                               receivable  sales
    ============  ==================================  ==========  =========
    Dupont        invoice 10 May (to a contact)        12,000.00  12,000.00
    Dupont        invoice 5 June                        6,000.00   6,000.00
    Dupont        payment 20 June                      -2,000.00
    Dupont        payment 5 July (after the end date)
    Dupont        credit note 15 June                    -600.00    -600.00
    Dupont        draft invoice 20 June
    Martin        invoice 20 March (before the period)  2,400.00
    Martin        old invoice of 10 April, no date      1,200.00   1,200.00
    Dupont        invoice in another company
    ============  ==================================  ==========  =========

    The company owes 19,000.00 for 18,600.00 of sales: 91.94 days by the
    standard method. Counted back: June's 5,400.00 (30 days), May's 12,000.00
    (31), April's 1,200.00 (30), then 400 of March's 2,400.00 (400 / 2,400 ×
    31 days): 96.17 days.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Snapshot = cls.env["deposit.dso.snapshot"]
        cls.martin = cls.env["res.partner"].create(
            {"name": "Menuiserie Martin", "is_company": True}
        )

        cls.invoice_may = cls._post_move(cls.customer_contact, "2026-05-10", 10000.0)
        cls.invoice_june = cls._post_move(cls.customer, "2026-06-05", 5000.0)
        cls._post_move(cls.customer, "2026-06-15", 500.0, move_type="out_refund")
        cls._create_move(cls.customer, "2026-06-20", 2500.0)
        cls._post_move(cls.martin, "2026-03-20", 2000.0)
        old = cls._post_move(cls.martin, "2026-04-10", 1000.0)
        # Moves imported from an older system may have no invoice date at all.
        cls.env.cr.execute(
            SQL("UPDATE account_move SET invoice_date = NULL WHERE id = %s", old.id)
        )
        old.invalidate_recordset(["invoice_date"])
        cls.old_invoice = old

        cls.other_company = cls.setup_other_company(name="Acomptes Lyon")["company"]
        cls._post_move(
            cls.customer,
            "2026-06-10",
            50000.0,
            company=cls.other_company,
            taxes=cls.env["account.tax"],
        )

    @classmethod
    def _create_move(
        cls,
        partner,
        invoice_date,
        amount,
        move_type="out_invoice",
        company=None,
        taxes=None,
    ):
        company = company or cls.company
        return (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Woodwork",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [
                                    Command.set(
                                        (cls.tax_20 if taxes is None else taxes).ids
                                    )
                                ],
                            }
                        )
                    ],
                }
            )
        )

    @classmethod
    def _post_move(cls, partner, invoice_date, amount, **kwargs):
        move = cls._create_move(partner, invoice_date, amount, **kwargs)
        move.action_post()
        return move

    def _dso(self, date_to=JUNE_30, **kwargs):
        return (
            self.env["res.company"]
            .with_company(self.company)
            ._get_dso(date_to, **kwargs)
        )

    def _pay_june_invoice(self):
        self._register_payment(self.invoice_june, 2000.0, date(2026, 6, 20))
        self._register_payment(self.invoice_june, 1000.0, date(2026, 7, 5))

    def _count_queries(self, method, *args, **kwargs):
        # A first call from an empty cache fills the access rules' caches; the
        # second one, from an empty cache again, is counted.
        self.env.flush_all()
        for _call in range(2):
            self.env.invalidate_all()
            count = self.env.cr.sql_log_count
            result = method(*args, **kwargs)
        return self.env.cr.sql_log_count - count, result

    # Figures

    def test_company_dso_by_both_methods(self):
        self._pay_june_invoice()
        self.assertEqual(self.old_invoice.date, date(2026, 4, 10))
        self.assertFalse(self.old_invoice.invoice_date)
        self.assertEqual(
            self._dso(),
            {
                "standard": 91.94,
                "countback": 96.17,
                "receivable": 19000.0,
                "sales": 18600.0,
            },
        )

    def test_payment_after_the_end_date_counts_from_its_own_date(self):
        self._pay_june_invoice()
        # On 31 July the payment of 5 July is in, and July has no sales.
        dso = self._dso(date(2026, 7, 31), period_days=30)
        self.assertEqual(dso["receivable"], 18000.0)
        self.assertEqual(dso["sales"], 0.0)
        self.assertIsNone(dso["standard"])
        # July's 31 days, June's 5,400 (30), May's 12,000 (31), then 600 of
        # April's 1,200: 600 / 1,200 × 30 = 15 days.
        self.assertEqual(dso["countback"], 107.0)

    def test_customer_dso_counts_its_contacts_only(self):
        self._pay_june_invoice()
        expected = {
            "standard": 79.66,  # 15,400 / 17,400 × 90
            "countback": 55.83,  # 30 + 10,000 / 12,000 × 31
            "receivable": 15400.0,
            "sales": 17400.0,
        }
        self.assertEqual(self._dso(partner=self.customer), expected)
        self.assertEqual(self._dso(partner=self.customer_contact), expected)

    def test_end_date_may_be_given_as_a_string(self):
        self._pay_june_invoice()
        self.assertEqual(self._dso("2026-06-30"), self._dso(JUNE_30))
        self.assertEqual(
            self._dso("2026-06-30", partner=self.customer),
            self._dso(JUNE_30, partner=self.customer),
        )
        by_partner = (
            self.env["res.company"]
            .with_company(self.company)
            ._get_dso_by_partner("2026-06-30")
        )
        self.assertEqual(by_partner[self.martin.id]["receivable"], 3600.0)

    def test_several_customers_count_together(self):
        """Dupont (through its contact) and Martin: the whole company's DSO.

        Both owe 15,400.00 + 3,600.00 = 19,000.00 for 17,400.00 + 1,200.00 =
        18,600.00 of sales in the period, as the company.
        """
        self._pay_june_invoice()
        both = self._dso(partner=self.customer_contact | self.martin)
        self.assertEqual(
            both,
            {
                "standard": 91.94,
                "countback": 96.17,
                "receivable": 19000.0,
                "sales": 18600.0,
            },
        )
        self.assertEqual(both, self._dso())
        # A customer and its own contact count once.
        self.assertEqual(
            self._dso(partner=self.customer | self.customer_contact),
            self._dso(partner=self.customer),
        )

    def test_customer_without_sales_in_the_period_has_no_standard_dso(self):
        # Martin bought nothing in June: 3,600 owed, April's and March's sales
        # explain it after June's and May's empty months (30 + 31 + 30 + 31).
        self.assertEqual(
            self._dso(partner=self.martin, period_days=30),
            {
                "standard": None,
                "countback": 122.0,
                "receivable": 3600.0,
                "sales": 0.0,
            },
        )

    def test_customer_without_history_has_zero_dso(self):
        newcomer = self.env["res.partner"].create({"name": "Nouveau client"})
        self.assertEqual(
            self._dso(partner=newcomer),
            {"standard": 0.0, "countback": 0.0, "receivable": 0.0, "sales": 0.0},
        )

    def test_company_without_anything_has_zero_dso(self):
        empty = self.setup_other_company(name="Acomptes Nantes")["company"]
        dso = self.env["res.company"].with_company(empty)._get_dso(JUNE_30)
        self.assertEqual(
            dso,
            {"standard": 0.0, "countback": 0.0, "receivable": 0.0, "sales": 0.0},
        )

    def test_other_company_counts_its_own_entries_only(self):
        dso = (
            self.env["res.company"]
            .with_company(self.other_company)
            ._get_dso(JUNE_30, period_days=30)
        )
        self.assertEqual(dso["receivable"], 50000.0)
        self.assertEqual(dso["sales"], 50000.0)
        self.assertEqual(dso["standard"], 30.0)
        self.assertEqual(dso["countback"], 30.0)

    def test_dso_by_partner_matches_each_customer(self):
        self._pay_june_invoice()
        by_partner = (
            self.env["res.company"]
            .with_company(self.company)
            ._get_dso_by_partner(JUNE_30)
        )
        self.assertEqual(set(by_partner), {self.customer.id, self.martin.id})
        self.assertEqual(by_partner[self.customer.id], self._dso(partner=self.customer))
        self.assertEqual(by_partner[self.martin.id], self._dso(partner=self.martin))

        chosen = (
            self.env["res.company"]
            .with_company(self.company)
            ._get_dso_by_partner(
                JUNE_30,
                partners=self.customer_contact | self.salesman.partner_id,
            )
        )
        self.assertEqual(set(chosen), {self.customer.id, self.salesman.partner_id.id})
        self.assertEqual(chosen[self.salesman.partner_id.id]["receivable"], 0.0)

    def test_period_of_less_than_a_day_is_refused(self):
        with self.assertRaises(UserError) as raised:
            self._dso(period_days=0)
        self.assertIn("at least one day", str(raised.exception))

    # Query counts

    def test_query_count_does_not_grow_with_the_data(self):
        Company = self.env["res.company"].with_company(self.company)
        small = [
            self._count_queries(Company._get_dso, JUNE_30)[0],
            self._count_queries(Company._get_dso, JUNE_30, partner=self.customer)[0],
            self._count_queries(Company._get_dso_by_partner, JUNE_30)[0],
        ]

        partners = self.env["res.partner"].create(
            [{"name": f"Client {index}"} for index in range(6)]
        )
        for index, partner in enumerate(partners):
            self._post_move(partner, f"2026-0{index % 6 + 1}-12", 100.0 * (index + 1))
            self._post_move(partner, "2026-06-01", 50.0, move_type="out_refund")
        count, by_partner = self._count_queries(Company._get_dso_by_partner, JUNE_30)
        large = [
            self._count_queries(Company._get_dso, JUNE_30)[0],
            self._count_queries(Company._get_dso, JUNE_30, partner=self.customer)[0],
            count,
        ]
        self.assertEqual(len(by_partner), 8)
        self.assertEqual(small, large)
        # Two queries (three with partners: their commercial partners first),
        # plus reading the company and its currency's rounding.
        self.assertEqual(large, [4, 5, 4])

    # History

    def test_cron_run_twice_stores_one_snapshot_per_month(self):
        self._pay_june_invoice()
        Company = self.env["res.company"].with_company(self.company)
        Company._cron_store_deposit_dso()
        Company._cron_store_deposit_dso()
        snapshots = self.Snapshot.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(snapshots), 12)
        self.assertEqual(
            sorted(snapshots.mapped("date"))[::11],
            [date(2025, 7, 31), JUNE_30],
        )
        june = snapshots.filtered(lambda snapshot: snapshot.date == JUNE_30)
        self.assertRecordValues(
            june,
            [
                {
                    "period_days": 90,
                    "receivable": 19000.0,
                    "sales": 18600.0,
                    "dso_standard": 91.94,
                    "dso_standard_defined": True,
                    "dso_countback": 96.17,
                }
            ],
        )

        # A month later the cron adds July, and only July.
        with freeze_time("2026-08-01 02:00:00"):
            Company._cron_store_deposit_dso()
        self.assertEqual(
            self.Snapshot.search_count([("company_id", "=", self.company.id)]), 13
        )

    def test_scheduled_action_stores_each_company_once(self):
        cron = self.env.ref("acompte_deposit.ir_cron_store_deposit_dso")
        cron.method_direct_trigger()
        cron.method_direct_trigger()
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, COUNT(*), COUNT(DISTINCT date)
                  FROM deposit_dso_snapshot
                 WHERE date BETWEEN '2025-07-31' AND '2026-06-30'
                 GROUP BY company_id
                """
            )
        )
        rows = self.env.cr.fetchall()
        self.assertIn((self.company.id, 12, 12), rows)
        self.assertIn((self.other_company.id, 12, 12), rows)
        self.assertEqual({row[1] for row in rows}, {12})

    def test_a_company_that_fails_does_not_stop_the_others(self):
        # A time zone that does not exist, as an import may leave behind.
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET tz = 'Mars/Olympus' WHERE id = %s",
                self.other_company.partner_id.id,
            )
        )
        self.other_company.partner_id.invalidate_recordset(["tz"])
        companies = self.env["res.company"].search_count([])
        logger = "odoo.addons.acompte_deposit.models.res_company"
        # Odoo names level 25 "INFO": the standard level is given by number.
        with self.assertLogs(logger, level=logging.INFO) as logs:
            created = self.env["res.company"]._cron_store_deposit_dso()
        self.assertIn(self.company, created.company_id)
        self.assertNotIn(self.other_company, created.company_id)
        self.assertEqual(
            len(created.filtered(lambda snapshot: snapshot.company_id == self.company)),
            12,
        )
        self.assertEqual(
            [(record.levelname, record.getMessage()) for record in logs.records],
            [
                (
                    "ERROR",
                    "DSO history of company Acomptes Lyon "
                    f"({self.other_company.id}) could not be stored",
                ),
                (
                    "INFO",
                    f"DSO history: {len(created)} month(s) stored for "
                    f"{companies - 1} companies, 1 failed",
                ),
            ],
        )

        # Once repaired, the next run stores its months.
        self.other_company.partner_id.tz = "Europe/Paris"
        created = self.env["res.company"]._cron_store_deposit_dso()
        self.assertEqual(created.company_id, self.other_company)
        self.assertEqual(len(created), 12)

    def test_a_month_is_stored_once_ended_in_the_company_s_time_zone(self):
        self.company.partner_id.tz = "America/Los_Angeles"
        Company = self.env["res.company"]

        def month_ends():
            return self.Snapshot.search(
                [("company_id", "=", self.company.id)], order="date"
            ).mapped("date")

        # 03:00 UTC on 1 August is still 31 July, 20:00, in Los Angeles.
        with freeze_time("2026-08-01 03:00:00"):
            Company._cron_store_deposit_dso()
        self.assertEqual(month_ends()[-1], JUNE_30)
        with freeze_time("2026-08-02 03:00:00"):
            Company._cron_store_deposit_dso()
        self.assertEqual(len(month_ends()), 13)
        self.assertEqual(month_ends()[-1], date(2026, 7, 31))
        # Hence a daily run: July is stored on 1 August in Los Angeles.
        cron = self.env.ref("acompte_deposit.ir_cron_store_deposit_dso")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_install_back_fills_the_last_twelve_months(self):
        self._pay_june_invoice()
        self.env["res.company"]._install_deposit_dso_history()
        snapshots = self.Snapshot.search(
            [("company_id", "=", self.company.id)], order="date"
        )
        self.assertEqual(len(snapshots), 12)
        self.assertEqual(snapshots[0].date, date(2025, 7, 31))
        for snapshot in snapshots:
            dso = self._dso(snapshot.date)
            self.assertEqual(
                (
                    snapshot.receivable,
                    snapshot.sales,
                    snapshot.dso_standard if snapshot.dso_standard_defined else None,
                    snapshot.dso_countback,
                ),
                (dso["receivable"], dso["sales"], dso["standard"], dso["countback"]),
                snapshot.date,
            )
        march = snapshots.filtered(lambda snapshot: snapshot.date == date(2026, 3, 31))
        self.assertRecordValues(
            march,
            [
                {
                    "receivable": 2400.0,
                    "sales": 2400.0,
                    "dso_standard": 90.0,
                    "dso_countback": 31.0,  # March's 2,400 explain it all
                }
            ],
        )

    def test_trend_lists_the_last_months_in_order_with_the_target(self):
        self.company.deposit_dso_target = 44
        Company = self.env["res.company"].with_company(self.company)
        Company._cron_store_deposit_dso()
        trend = Company._get_deposit_dso_trend()
        self.assertEqual(len(trend), 12)
        self.assertEqual(
            trend[-1],
            {
                "date": "2026-06-30",
                "label": "Jun 2026",
                # No payment registered: 21,000 / 18,600 × 90, and counted
                # back 30 + 31 + 30 days, then March's 2,400 exactly.
                "standard": 101.61,
                "countback": 122.0,
                "target": 44,
            },
        )
        self.assertEqual(
            [point["date"] for point in trend[:2]], ["2025-07-31", "2025-08-31"]
        )
        self.assertEqual(
            Company._get_deposit_dso_trend(months=3)[0]["date"], "2026-04-30"
        )

    # Settings and rights

    def test_dso_target_defaults_to_thirty_days_and_must_be_positive(self):
        self.assertEqual(self.company.deposit_dso_target, 30)
        with self.assertRaises(ValidationError):
            self.company.deposit_dso_target = 0
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertEqual(settings.deposit_dso_target, 30)

    def test_history_is_read_only_for_deposit_users(self):
        Company = self.env["res.company"].with_company(self.company)
        Company._cron_store_deposit_dso()
        snapshots = self.Snapshot.with_user(self.salesman).search([])
        self.assertEqual(len(snapshots), 12)
        self.assertEqual(set(snapshots.company_id.ids), {self.company.id})
        with self.assertRaises(AccessError):
            snapshots[0].write({"dso_countback": 1.0})
        with self.assertRaises(AccessError):
            self.Snapshot.with_user(self.salesman).create(
                {"company_id": self.company.id, "date": "2026-07-31"}
            )
