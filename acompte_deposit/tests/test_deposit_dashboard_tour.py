from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import DepositCommon


@tagged("post_install", "-at_install")
class TestDepositDashboardTour(DepositCommon, HttpCase):
    """The dashboard in a headless browser: a tile, then the records it counts.

    One customer owes a deposit of 360.00 (30% of 1,200.00) confirmed 20 days
    ago and due 7 days after; another paid its deposit. The browser logs in as
    a billing user of the company only.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Partner = cls.env["res.partner"]
        cls.customer_overdue = Partner.create(
            {"name": "Tour Overdue Customer", "is_company": True}
        )
        cls.customer_paid = Partner.create(
            {"name": "Tour Paying Customer", "is_company": True}
        )
        confirmed = fields.Datetime.now() - timedelta(days=20)
        with freeze_time(confirmed):
            cls.overdue = cls._confirm_deposit(cls.customer_overdue)
            cls.paid = cls._confirm_deposit(cls.customer_paid)
        cls._register_payment(cls.paid, 360.0, confirmed.date() + timedelta(days=2))
        cls.company._store_deposit_dso_snapshots()
        cls.accountant = new_test_user(
            cls.env,
            login="deposit_dashboard_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _confirm_deposit(cls, partner):
        order = cls._create_order(
            [(cls.product, 2, 500.0, cls.tax_20)],
            partner=partner,
            deposit_term_id=cls.term_30.id,
        )
        order.action_confirm()
        return order.deposit_invoice_ids

    def test_dashboard_tile_opens_the_deposits_it_counts(self):
        self.assertRecordValues(
            self.overdue,
            [{"payment_state": "not_paid", "amount_residual": 360.0}],
        )
        kpis = {
            kpi["key"]: kpi
            for kpi in self.env["res.company"]
            .with_user(self.accountant)
            .get_deposit_dashboard_data()["kpis"]
        }
        self.assertEqual(
            (kpis["overdue"]["value"], kpis["overdue"]["count"]), (360.0, 1)
        )
        self.start_tour(
            "/odoo/action-acompte_deposit.deposit_dashboard_action",
            "acompte_deposit_dashboard_tour",
            login=self.accountant.login,
        )
