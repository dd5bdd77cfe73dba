#!/usr/bin/env python3
"""Speed of the deposit dashboard's figures against a naive per-record loop.

In one transaction that is rolled back at the end:

1. customers and posted customer invoices are written in bulk with SQL (10,000
   customers and 200,000 invoices by default, one in five a deposit, spread
   over the last 12 months; two thirds paid, some partly, through payment
   entries reconciled with them; failed reminders on some unpaid deposits);
2. (a) ``res.company._get_deposit_dashboard_data()`` computes the tiles;
3. (b) a naive loop computes the same figures the way a first version would:
   customer by customer, invoice by invoice, through the ORM.

Both arms must give the same figures (the script stops otherwise). It prints
their times, their query counts and the ratio b/a; the design target is at
least 20.

Usage (see bench/README.md):

    python3 bench/bench_dashboard.py -d DB [--customers 10000]
        [--invoices 200000] [--small] [--rounds 3] [odoo options]

``--small`` is 1,000 customers and 20,000 invoices. Options this script does
not know (``--db_host``, ``--addons-path``, ``-c``...) go to Odoo's own parser,
which also reads ``~/.odoorc``.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict

from odoo.tools import SQL

TARGET_RATIO = 20.0
DEPOSIT_EVERY = 5  # one invoice in five is a deposit
SMALL = {"customers": 1000, "invoices": 20000}
CUSTOMER_PATTERN = "Bench customer %"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the deposit dashboard against a naive loop."
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument(
        "--small",
        action="store_true",
        help="1,000 customers and 20,000 invoices",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="runs of the dashboard; its median time counts (default 3)",
    )
    args, odoo_args = parser.parse_known_args(argv)
    if args.small:
        args.customers, args.invoices = SMALL["customers"], SMALL["invoices"]
    if args.customers < 1 or args.invoices < args.customers or args.rounds < 1:
        parser.error("give at least one customer, one invoice each, one round")
    if not any(arg.startswith("--log-level") for arg in odoo_args):
        odoo_args.append("--log-level=warn")
    return args, odoo_args


class DashboardData:
    """Customers, invoices, payments and reminders written in bulk with SQL."""

    def __init__(self, env):
        self.env = env
        self.cr = env.cr
        self.company = env.company
        self.today = self.company._get_deposit_today()
        journals = env["account.journal"].search([("company_id", "=", self.company.id)])
        self.sale_journal = journals.filtered(lambda j: j.type == "sale")[:1]
        self.misc_journal = journals.filtered(lambda j: j.type == "general")[:1]
        accounts = env["account.account"].search(
            [("company_ids", "in", self.company.id)]
        )
        self.receivable = accounts.filtered(
            lambda a: a.account_type == "asset_receivable" and a.reconcile
        )[:1]
        self.income = accounts.filtered(lambda a: a.account_type == "income")[:1]
        self.suspense = (
            self.company.account_journal_suspense_account_id
            or (accounts.filtered(lambda a: a.account_type == "asset_current")[:1])
        )
        self.level = env["deposit.reminder.level"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        missing = [
            name
            for name, record in (
                ("a sales journal", self.sale_journal),
                ("a miscellaneous journal", self.misc_journal),
                ("a receivable account", self.receivable),
                ("an income account", self.income),
                ("a current asset account", self.suspense),
                ("a reminder level", self.level),
            )
            if not record
        ]
        if missing:
            raise SystemExit(
                f"The company {self.company.name} has no {', no '.join(missing)}: "
                "use a database with a chart of accounts (scripts/demo builds one)."
            )

    def write(self, customers, invoices):
        self.env.flush_all()
        self._write_customers(customers)
        self._plan_invoices(invoices)
        self._write_invoices()
        self._write_payments()
        self._write_reminders()
        self.env.invalidate_all()

    def _write_customers(self, customers):
        levels = SQL("(ARRAY['low', 'medium', 'high'])[MOD(g, 3) + 1]")
        self.cr.execute(
            SQL(
                """
                INSERT INTO res_partner (name, complete_name, type, active,
                                         is_company, autopost_bills, lang,
                                         deposit_risk_level, create_date,
                                         write_date)
                SELECT 'Bench customer ' || g, 'Bench customer ' || g,
                       'contact', TRUE, TRUE, 'ask', 'en_US',
                       jsonb_build_object(%(company)s::text, %(level)s),
                       NOW(), NOW()
                  FROM generate_series(1, %(customers)s) g
                """,
                company=self.company.id,
                level=levels,
                customers=customers,
            )
        )
        self.cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET commercial_partner_id = id
                 WHERE name LIKE %(pattern)s AND commercial_partner_id IS NULL
                """,
                pattern=CUSTOMER_PATTERN,
            )
        )

    def _plan_invoices(self, invoices):
        """One row per invoice to write: customer, dates, amount, payment."""
        self.cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE bench_invoice ON COMMIT DROP AS
                SELECT g,
                       partner.id AS partner_id,
                       %(today)s::date - MOD(g * 7, 365) AS invoice_date,
                       %(today)s::date - MOD(g * 7, 365) + 15 AS date_due,
                       (100 + MOD(g, 50) * 10)::numeric AS amount,
                       MOD(g, %(deposit_every)s) = 0 AS is_deposit,
                       CASE WHEN MOD(g, 3) = 0 THEN 0
                            WHEN MOD(g, 7) = 0 THEN 0.5
                            ELSE 1 END AS paid_share,
                       LEAST(%(today)s::date,
                             %(today)s::date - MOD(g * 7, 365) + MOD(g, 30))
                           AS paid_date,
                       NULL::integer AS move_id,
                       NULL::integer AS line_id
                  FROM generate_series(1, %(invoices)s) g
                  JOIN (
                      SELECT id,
                             ROW_NUMBER() OVER (ORDER BY id) - 1 AS rank,
                             COUNT(*) OVER () AS total
                        FROM res_partner
                       WHERE name LIKE %(pattern)s
                  ) partner
                    ON partner.rank = MOD(g, partner.total)
                """,
                pattern=CUSTOMER_PATTERN,
                today=self.today,
                deposit_every=DEPOSIT_EVERY,
                invoices=invoices,
            )
        )

    def _write_invoices(self):
        company = self.company
        self.cr.execute(
            SQL(
                """
                INSERT INTO account_move (name, journal_id, company_id,
                                          currency_id, state, move_type,
                                          auto_post, date, invoice_date,
                                          invoice_date_due, partner_id,
                                          commercial_partner_id, is_deposit,
                                          payment_state, amount_untaxed,
                                          amount_tax, amount_total,
                                          amount_residual,
                                          amount_untaxed_signed,
                                          amount_tax_signed,
                                          amount_total_signed,
                                          amount_total_in_currency_signed,
                                          amount_residual_signed, create_date,
                                          write_date)
                SELECT 'BENCH/' || g, %(journal)s, %(company)s, %(currency)s,
                       'posted', 'out_invoice', 'no', invoice_date,
                       invoice_date, date_due, partner_id, partner_id,
                       is_deposit,
                       CASE paid_share WHEN 0 THEN 'not_paid'
                                       WHEN 1 THEN 'paid'
                                       ELSE 'partial' END,
                       amount, 0, amount, amount * (1 - paid_share),
                       amount, 0, amount, amount, amount * (1 - paid_share),
                       NOW(), NOW()
                  FROM bench_invoice
                """,
                journal=self.sale_journal.id,
                company=company.id,
                currency=company.currency_id.id,
            )
        )
        self.cr.execute(
            SQL(
                """
                UPDATE bench_invoice
                   SET move_id = move.id
                  FROM account_move move
                 WHERE move.name = 'BENCH/' || bench_invoice.g
                   AND move.journal_id = %(journal)s
                """,
                journal=self.sale_journal.id,
            )
        )
        # The receivable line, then the income line, of each invoice.
        self.cr.execute(
            SQL(
                """
                WITH line AS (
                    INSERT INTO account_move_line (
                        move_id, move_name, journal_id, company_id,
                        company_currency_id, currency_id, date, parent_state,
                        account_id, partner_id, display_type, name, debit,
                        credit, balance, amount_currency, amount_residual,
                        amount_residual_currency, reconciled, date_maturity,
                        create_date, write_date)
                    SELECT move_id, 'BENCH/' || g, %(journal)s, %(company)s,
                           %(currency)s, %(currency)s, invoice_date, 'posted',
                           %(receivable)s, partner_id, 'payment_term', '',
                           amount, 0, amount, amount,
                           amount * (1 - paid_share), amount * (1 - paid_share),
                           paid_share = 1, date_due, NOW(), NOW()
                      FROM bench_invoice
                 RETURNING id, move_id
                )
                UPDATE bench_invoice
                   SET line_id = line.id
                  FROM line
                 WHERE line.move_id = bench_invoice.move_id
                """,
                journal=self.sale_journal.id,
                company=company.id,
                currency=company.currency_id.id,
                receivable=self.receivable.id,
            )
        )
        self.cr.execute(
            SQL(
                """
                INSERT INTO account_move_line (
                    move_id, move_name, journal_id, company_id,
                    company_currency_id, currency_id, date, parent_state,
                    account_id, partner_id, display_type, name, quantity,
                    price_unit, debit, credit, balance, amount_currency,
                    create_date, write_date)
                SELECT move_id, 'BENCH/' || g, %(journal)s, %(company)s,
                       %(currency)s, %(currency)s, invoice_date, 'posted',
                       %(income)s, partner_id, 'product', 'Bench sale', 1,
                       amount, 0, amount, -amount, -amount, NOW(), NOW()
                  FROM bench_invoice
                """,
                journal=self.sale_journal.id,
                company=company.id,
                currency=company.currency_id.id,
                income=self.income.id,
            )
        )

    def _write_payments(self):
        """A payment entry a day, a receivable line and a partial per payment."""
        company = self.company
        params = {
            "journal": self.misc_journal.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "receivable": self.receivable.id,
            "suspense": self.suspense.id,
        }
        self.cr.execute(
            SQL(
                """
                INSERT INTO account_move (name, journal_id, company_id,
                                          currency_id, state, move_type,
                                          auto_post, date, create_date,
                                          write_date)
                SELECT 'BENCHPAY/' || paid_date, %(journal)s, %(company)s,
                       %(currency)s, 'posted', 'entry', 'no', paid_date, NOW(),
                       NOW()
                  FROM bench_invoice
                 WHERE paid_share > 0
              GROUP BY paid_date
                """,
                **params,
            )
        )
        self.cr.execute(
            SQL(
                """
                WITH payment AS (
                    SELECT invoice.*, move.id AS payment_move_id,
                           invoice.amount * invoice.paid_share AS paid
                      FROM bench_invoice invoice
                      JOIN account_move move
                        ON move.name = 'BENCHPAY/' || invoice.paid_date
                       AND move.journal_id = %(journal)s
                     WHERE invoice.paid_share > 0
                ),
                credit AS (
                    INSERT INTO account_move_line (
                        move_id, move_name, journal_id, company_id,
                        company_currency_id, currency_id, date, parent_state,
                        account_id, partner_id, display_type, name, debit,
                        credit, balance, amount_currency, amount_residual,
                        amount_residual_currency, reconciled, create_date,
                        write_date)
                    SELECT payment_move_id, 'BENCHPAY/' || paid_date,
                           %(journal)s, %(company)s, %(currency)s,
                           %(currency)s, paid_date, 'posted', %(receivable)s,
                           partner_id, 'product', 'BENCH/' || g, 0, paid,
                           -paid, -paid, 0, 0, TRUE, NOW(), NOW()
                      FROM payment
                 RETURNING id, name, balance, date
                )
                INSERT INTO account_partial_reconcile (
                    debit_move_id, credit_move_id, amount,
                    debit_amount_currency, credit_amount_currency,
                    debit_currency_id, credit_currency_id, company_id,
                    max_date, create_date, write_date)
                SELECT payment.line_id, credit.id, payment.paid, payment.paid,
                       payment.paid, %(currency)s, %(currency)s, %(company)s,
                       GREATEST(payment.invoice_date, credit.date), NOW(),
                       NOW()
                  FROM credit
                  JOIN payment ON 'BENCH/' || payment.g = credit.name
                """,
                **params,
            )
        )
        # Each payment entry balanced on the suspense account.
        self.cr.execute(
            SQL(
                """
                INSERT INTO account_move_line (
                    move_id, move_name, journal_id, company_id,
                    company_currency_id, currency_id, date, parent_state,
                    account_id, display_type, name, debit, credit, balance,
                    amount_currency, create_date, write_date)
                SELECT move.id, move.name, %(journal)s, %(company)s,
                       %(currency)s, %(currency)s, move.date, 'posted',
                       %(suspense)s, 'product', 'Bench payments', SUM(-line.balance),
                       0, SUM(-line.balance), SUM(-line.balance), NOW(), NOW()
                  FROM account_move move
                  JOIN account_move_line line ON line.move_id = move.id
                 WHERE move.journal_id = %(journal)s
                   AND move.name LIKE %(pattern)s
              GROUP BY move.id
                """,
                pattern="BENCHPAY/%",
                **params,
            )
        )

    def _write_reminders(self):
        """A failed reminder on one unpaid deposit in eleven."""
        self.cr.execute(
            SQL(
                """
                INSERT INTO deposit_reminder_log (move_id, level_id, state, reason,
                                                  company_id, create_date,
                                                  write_date)
                SELECT move_id, %(level)s, 'failed', 'Bench bounce', %(company)s,
                       NOW(), NOW()
                  FROM bench_invoice
                 WHERE is_deposit AND paid_share < 1 AND MOD(g, 11) = 0
                """,
                level=self.level.id,
                company=self.company.id,
            )
        )

    def counts(self):
        self.cr.execute(
            """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE is_deposit)
              FROM bench_invoice
            """
        )
        return self.cr.fetchone()


def naive_dashboard(env):
    """The dashboard's figures, customer by customer and invoice by invoice."""
    from odoo.addons.acompte_deposit.deposit_rules.dashboard import (
        dashboard_periods,
    )
    from odoo.addons.acompte_deposit.deposit_rules.dso import (
        countback_dso_from_dates,
        period_start,
        standard_dso,
    )

    company = env.company
    periods = dashboard_periods(company._get_deposit_today())
    today = periods.today
    Move = env["account.move"]
    Line = env["account.move.line"]
    figures = defaultdict(float)
    monthly_sales = defaultdict(float)
    sales_from = period_start(today, 90)
    customers = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([])
        .filtered(lambda partner: partner.commercial_partner_id == partner)
    )
    for customer in customers:
        moves = Move.search(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "=", customer.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
        active = False
        for move in moves:
            day = move.invoice_date or move.date
            if day <= today:
                monthly_sales[day.replace(day=1)] += move.amount_total_signed
            if sales_from <= day <= today:
                figures["sales"] += move.amount_total_signed
            if move.move_type != "out_invoice":
                continue
            if move.invoice_date:
                active = active or periods.active_start <= move.invoice_date <= today
            if not move.is_deposit:
                continue
            if move.payment_state in ("not_paid", "partial"):
                if move._is_deposit_credited():
                    continue
                key = (
                    "overdue"
                    if move.invoice_date_due and move.invoice_date_due < today
                    else "awaiting"
                )
                figures[key] += move.amount_residual_signed
                for log in move.deposit_reminder_log_ids:
                    figures["reminders_failed"] += log.state == "failed"
            elif move.payment_state in ("paid", "in_payment"):
                if move._is_deposit_credited():
                    continue
                paid = move.deposit_paid_date
                if paid and periods.month_start <= paid <= today:
                    figures["collected_month"] += move.amount_total_signed
                if (
                    paid
                    and move.invoice_date
                    and periods.collection_start <= paid <= today
                ):
                    figures["collecting_days"] += (paid - move.invoice_date).days
                    figures["collecting_count"] += 1
        if active and customer.active:
            level = customer.with_company(company).deposit_risk_level or "medium"
            figures[f"risk_{level}"] += 1
        for line in Line.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", customer.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("date", "<=", today),
            ]
        ):
            figures["receivable"] += line.balance
    # Contacts' and partner-less receivables.
    for line in Line.search(
        [
            ("company_id", "=", company.id),
            "|",
            ("partner_id", "=", False),
            ("partner_id", "not in", customers.ids),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("date", "<=", today),
        ]
    ):
        figures["receivable"] += line.balance
    figures["dso_standard"] = standard_dso(figures["receivable"], figures["sales"], 90)
    figures["dso_countback"] = countback_dso_from_dates(
        figures["receivable"], today, monthly_sales
    )
    return figures


def compare(data, naive):
    """Differences between the dashboard's figures and the naive loop's."""
    kpis = {kpi["key"]: kpi for kpi in data["kpis"]}
    checks = [
        (key, kpis[key]["value"], naive[key])
        for key in (
            "awaiting",
            "overdue",
            "collected_month",
            "risk_low",
            "risk_medium",
            "risk_high",
            "reminders_failed",
        )
    ]
    count = naive["collecting_count"]
    checks.append(
        (
            "avg_days_to_collect",
            kpis["avg_days_to_collect"]["value"] or 0,
            naive["collecting_days"] / count if count else 0,
        )
    )
    checks.append(("receivable", kpis["dso_standard"]["amount"], naive["receivable"]))
    checks.append(("sales", kpis["dso_standard"]["sales"], naive["sales"]))
    for key in ("dso_standard", "dso_countback"):
        checks.append((key, kpis[key]["value"] or 0, round(naive[key] or 0, 2)))
    return [
        f"{key}: dashboard {mine}, naive loop {theirs}"
        for key, mine, theirs in checks
        if abs((mine or 0) - (theirs or 0)) > 0.011
    ]


def measure(env, function):
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start, env.cr.sql_log_count - queries


def run(env, customers, invoices, rounds):
    print(
        f"acompte_deposit dashboard benchmark, database {env.cr.dbname}, "
        f"company {env.company.name}"
    )
    bench = DashboardData(env)
    start = time.perf_counter()
    bench.write(customers, invoices)
    written, deposits = bench.counts()
    print(
        f"  sizes: {customers} customers, {written} invoices of which {deposits} "
        f"deposits, written with SQL in {time.perf_counter() - start:.1f} s"
    )
    Company = env["res.company"]
    Company._get_deposit_dashboard_data()  # warms the caches of views and menus
    runs = [
        measure(env, Company._get_deposit_dashboard_data) for _round in range(rounds)
    ]
    data = runs[-1][0]
    dashboard_time = statistics.median(seconds for _data, seconds, _q in runs)
    dashboard_queries = runs[-1][2]
    naive, naive_time, naive_queries = measure(env, lambda: naive_dashboard(env))
    print(
        f"  (a) _get_deposit_dashboard_data  {dashboard_time * 1000:9.1f} ms "
        f"{dashboard_queries:8d} queries  (median of {rounds})"
    )
    print(
        f"  (b) naive per-record loop        {naive_time * 1000:9.1f} ms "
        f"{naive_queries:8d} queries"
    )
    differences = compare(data, naive)
    if differences:
        print("  the two arms disagree:\n    " + "\n    ".join(differences))
        return 1
    ratio = naive_time / dashboard_time
    verdict = "meets" if ratio >= TARGET_RATIO else "below"
    print(
        f"  same figures in both arms; ratio b/a: time {ratio:.1f} "
        f"({verdict} the {TARGET_RATIO:.0f}x target), queries "
        f"{naive_queries / max(dashboard_queries, 1):.0f}"
    )
    print("Rolled back: the database is unchanged.")
    return 0


def main(argv=None):
    args, odoo_args = parse_args(sys.argv[1:] if argv is None else argv)
    # Beside this script, not importable when it is piped into ``odoo shell``.
    from bench_odoo import run_rolled_back

    return run_rolled_back(
        args.database,
        odoo_args,
        lambda env: run(env, args.customers, args.invoices, args.rounds),
    )


if __name__ == "__main__":
    sys.exit(main())
