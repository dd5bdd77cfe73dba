#!/usr/bin/env python3
"""Speed of the set-based customer risk refresh against a per-customer loop.

In one transaction that is rolled back at the end:

1. customers are created through the ORM, then a year and a half of posted
   invoices (some of them deposits), their payments and a few reminders are
   written in bulk with SQL, cloned from one invoice and one payment posted
   through the ORM (the refresh reads posted invoices, their installments,
   the partial reconciliations and the reminder log, nothing else);
2. (a) the set-based refresh, ``res.partner._update_deposit_risk()``, scores
   every customer of the company;
3. (b) a naive loop scores customers one at a time through the ORM: search
   the customer's invoices, read their installments and reconciliations,
   search its reminders, score with the same plain-Python rule, write.

It prints both times, their queries, the ratio b/a (target at least 20) and
whether both arms gave every customer of the loop the same score and level.
With ``--naive-sample N`` the loop runs on N customers spread over all of them
and its time is scaled to every customer (it is linear by construction).

Usage (see bench/README.md):

    python3 bench/bench_risk.py -d DB [--customers 10000] [--invoices 200000]
        [--naive-sample N] [odoo options]

Options this script does not know go to Odoo's own parser, which also reads
``~/.odoorc``.
"""

import argparse
import importlib
import sys
import time
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo.fields import Command
from odoo.tools import SQL

TARGET_RATIO = 20.0
risk_rules = None  # acompte_deposit.deposit_rules.risk, imported by run()
CREATE_BATCH = 1000
# Customer habits, by customer index modulo 4.
EARLY, LATE, UNPAID, MIXED = range(4)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=0,
        help="customers the naive loop is timed on, its time scaled to all "
        "(default 0: every customer)",
    )
    args, odoo_args = parser.parse_known_args(argv)
    if args.customers < 1 or args.invoices < args.customers:
        parser.error("--customers must be at least 1 and --invoices at least that")
    return args, odoo_args


class RiskBench:
    def __init__(self, env, customers, invoices):
        self.env = env
        self.company = env.company
        self.today = self.company._get_deposit_today()
        self.customer_count = customers
        self.invoice_count = invoices
        self.levels = env["deposit.reminder.level"].search(
            [("company_id", "=", self.company.id), ("risk_level", "=", "medium")],
            limit=2,
        )

    # Data

    def create_customers(self):
        customers = self.env["res.partner"]
        for start in range(0, self.customer_count, CREATE_BATCH):
            stop = min(start + CREATE_BATCH, self.customer_count)
            customers |= customers.create(
                [
                    {"name": f"Risk bench customer {index}", "is_company": True}
                    for index in range(start, stop)
                ]
            )
        return customers

    def _templates(self, customer):
        """One posted invoice and one payment to clone rows from."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": self.today,
                "invoice_date_due": self.today,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Risk bench",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": 100.0, "payment_date": self.today})
            ._create_payments()
        )
        term_line = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        credit_line = term_line.matched_credit_ids.credit_move_id
        self.env.flush_all()
        return invoice, term_line, credit_line

    def _invoice_rows(self, customers):
        """(customer, amount, invoice date, due date, paid on, paid, deposit)."""
        rows = []
        per_customer = self.invoice_count / len(customers)
        spacing = max(int(540 / per_customer), 1)
        for index in range(self.invoice_count):
            position = index % len(customers)
            customer = customers[position]
            rank = index // len(customers)
            amount = Decimal(100 + index * 37 % 900)
            invoice_date = self.today - timedelta(
                days=rank * spacing + position % spacing
            )
            date_due = invoice_date + timedelta(days=30)
            habit = position % 4
            if habit == EARLY or (habit == MIXED and index % 2):
                paid_on = date_due - timedelta(days=5 + position % 10)
            elif habit == LATE or habit == MIXED:
                paid_on = date_due + timedelta(days=3 + position % 45)
            else:
                paid_on = None if rank % 3 == 0 else date_due
            paid = amount
            if paid_on is None or paid_on > self.today:
                paid_on, paid = None, Decimal(0)
            elif habit == UNPAID and rank % 3 == 1:
                paid = amount / 2
            rows.append(
                (
                    customer,
                    amount,
                    invoice_date,
                    date_due,
                    paid_on,
                    paid,
                    index % 10 == 0,
                )
            )
        return rows

    def _clone_sql(self, table, template_id, overrides, source):
        """INSERT every column of ``table`` from its row ``template_id``,
        the columns of ``overrides`` taken from ``source`` instead."""
        self.env.cr.execute(
            SQL(
                """
                SELECT column_name
                  FROM information_schema.columns
                 WHERE table_name = %s AND table_schema = current_schema()
              ORDER BY ordinal_position
                """,
                table,
            )
        )
        columns = [name for (name,) in self.env.cr.fetchall()]
        values = [
            overrides.get(name, SQL("template.%s", SQL.identifier(name)))
            for name in columns
        ]
        return SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s template, %s WHERE template.id = %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL(", ").join(values),
            SQL.identifier(table),
            source,
            template_id,
        )

    def _analyze(self, *tables):
        """Fresh statistics, so that the foreign key checks of the next bulk
        insert plan an index lookup rather than a scan of a table that was
        tiny when their plans were first made."""
        for table in tables:
            self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    def create_history(self, customers):
        """Posted invoices, payments and reminders, written in bulk with SQL."""
        cr = self.env.cr
        # The template invoice stays: one more invoice, paid on time.
        _invoice, term_line, credit_line = self._templates(customers[0])
        rows = self._invoice_rows(customers)
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE risk_bench ON COMMIT DROP AS
                SELECT nextval('account_move_id_seq') AS move_id,
                       nextval('account_move_line_id_seq') AS line_id,
                       row.*
                  FROM unnest(%s::int4[], %s::numeric[], %s::date[], %s::date[],
                              %s::date[], %s::numeric[], %s::bool[])
                       WITH ORDINALITY
                       AS row(partner_id, amount, invoice_date, date_due, paid_on,
                              paid, is_deposit, n)
                """,
                [row[0].id for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
                [row[3] for row in rows],
                [row[4] for row in rows],
                [row[5] for row in rows],
                [row[6] for row in rows],
            )
        )
        self._analyze("res_partner", "risk_bench")
        bench = SQL("risk_bench bench")
        residual = SQL("(bench.amount - bench.paid)")
        payment_state = SQL(
            "CASE WHEN bench.paid = 0 THEN 'not_paid' "
            "WHEN bench.paid < bench.amount THEN 'partial' ELSE 'paid' END"
        )
        cr.execute(
            self._clone_sql(
                "account_move",
                term_line.move_id.id,
                {
                    "id": SQL("bench.move_id"),
                    "name": SQL("'RISK/BENCH/' || bench.n"),
                    "sequence_prefix": SQL("'RISK/BENCH/'"),
                    "sequence_number": SQL("bench.n"),
                    "partner_id": SQL("bench.partner_id"),
                    "commercial_partner_id": SQL("bench.partner_id"),
                    "date": SQL("bench.invoice_date"),
                    "invoice_date": SQL("bench.invoice_date"),
                    "invoice_date_due": SQL("bench.date_due"),
                    "amount_untaxed": SQL("bench.amount"),
                    "amount_untaxed_signed": SQL("bench.amount"),
                    "amount_untaxed_in_currency_signed": SQL("bench.amount"),
                    "amount_total": SQL("bench.amount"),
                    "amount_total_signed": SQL("bench.amount"),
                    "amount_total_in_currency_signed": SQL("bench.amount"),
                    "amount_residual": residual,
                    "amount_residual_signed": residual,
                    "payment_state": payment_state,
                    "is_deposit": SQL("bench.is_deposit"),
                    "access_token": SQL("NULL"),
                    "ref": SQL("NULL"),
                    "payment_reference": SQL("'RISK/BENCH/' || bench.n"),
                },
                bench,
            )
        )
        self._analyze("account_move")
        cr.execute(
            self._clone_sql(
                "account_move_line",
                term_line.id,
                {
                    "id": SQL("bench.line_id"),
                    "move_id": SQL("bench.move_id"),
                    "move_name": SQL("'RISK/BENCH/' || bench.n"),
                    "partner_id": SQL("bench.partner_id"),
                    "date": SQL("bench.invoice_date"),
                    "invoice_date": SQL("bench.invoice_date"),
                    "date_maturity": SQL("bench.date_due"),
                    "debit": SQL("bench.amount"),
                    "balance": SQL("bench.amount"),
                    "amount_currency": SQL("bench.amount"),
                    "amount_residual": residual,
                    "amount_residual_currency": residual,
                    "reconciled": SQL("bench.paid = bench.amount"),
                    "full_reconcile_id": SQL("NULL"),
                    "matching_number": SQL(
                        "CASE WHEN bench.paid > 0 THEN 'P' || bench.line_id END"
                    ),
                },
                bench,
            )
        )
        self._analyze("account_move_line")
        cr.execute(
            self._clone_sql(
                "account_partial_reconcile",
                term_line.matched_credit_ids[:1].id,
                {
                    "id": SQL("nextval('account_partial_reconcile_id_seq')"),
                    "debit_move_id": SQL("bench.line_id"),
                    "credit_move_id": SQL("%s", credit_line.id),
                    "amount": SQL("bench.paid"),
                    "debit_amount_currency": SQL("bench.paid"),
                    "credit_amount_currency": SQL("bench.paid"),
                    "max_date": SQL("bench.paid_on"),
                    "full_reconcile_id": SQL("NULL"),
                    "exchange_move_id": SQL("NULL"),
                },
                SQL("(SELECT * FROM risk_bench WHERE paid > 0) bench"),
            )
        )
        # Overdue unpaid deposits got the first reminder level, one in two the
        # second as well.
        for position, level in enumerate(self.levels):
            cr.execute(
                SQL(
                    """
                    INSERT INTO deposit_reminder_log
                           (move_id, level_id, state, company_id, partner_id,
                            create_uid, create_date, write_uid, write_date)
                    SELECT bench.move_id, %(level)s, 'sent', %(company)s,
                           bench.partner_id, %(uid)s, now() AT TIME ZONE 'UTC',
                           %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM risk_bench bench
                     WHERE bench.is_deposit
                       AND bench.paid < bench.amount
                       AND bench.date_due < %(today)s
                       AND mod(bench.n, %(modulo)s) = 0
                    """,
                    level=level.id,
                    company=self.company.id,
                    uid=self.env.uid,
                    today=self.today,
                    modulo=position + 1,
                )
            )
        self._analyze("account_partial_reconcile", "deposit_reminder_log")
        self.env.invalidate_all()

    # The two arms

    def set_based(self):
        """Seconds and queries of one set-based refresh of every customer."""
        Partner = self.env["res.partner"]
        self.env.invalidate_all()
        cr = self.env.cr
        queries = cr.sql_log_count
        start = time.perf_counter()
        counts = Partner._update_deposit_risk()
        self.env.flush_all()
        return time.perf_counter() - start, cr.sql_log_count - queries, counts

    def naive(self, customers):
        """Seconds and queries of scoring ``customers`` one at a time."""
        Partner = self.env["res.partner"]
        self.env.invalidate_all()
        cr = self.env.cr
        queries = cr.sql_log_count
        start = time.perf_counter()
        results = {}
        for customer in customers:
            figures = self._naive_figures(customer)
            score = risk_rules.risk_score(figures)
            level = risk_rules.risk_level(
                score,
                self.company.deposit_risk_medium_threshold,
                self.company.deposit_risk_high_threshold,
            )
            customer.write(
                {
                    "deposit_risk_score": score or 0,
                    "deposit_risk_computed_level": score is not None and level,
                    "deposit_risk_level": customer.deposit_risk_level_override or level,
                }
            )
            results[customer.id] = (score or 0, level)
        Partner.flush_model()
        return time.perf_counter() - start, cr.sql_log_count - queries, results

    def _naive_figures(self, customer):
        """The figures of one customer, read record by record through the ORM."""
        date_from = self.today - relativedelta(years=1) + timedelta(days=1)
        invoices = self.env["account.move"].search(
            [
                ("company_id", "=", self.company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                # partner_id is indexed, commercial_partner_id is not.
                ("partner_id", "in", (customer | customer.child_ids).ids),
            ]
        )
        invoiced = late = late_days = open_amount = overdue = unpaid = Decimal(0)
        unpaid_deposits = 0
        recent = invoices.browse()
        for invoice in invoices:
            is_recent = (invoice.invoice_date or invoice.date) >= date_from
            if is_recent:
                recent |= invoice
                invoiced += _decimal(invoice.amount_total_signed)
            open_amount += _decimal(invoice.amount_residual_signed)
            if invoice.move_type != "out_invoice":
                continue
            if (
                invoice.is_deposit
                and invoice.amount_residual > 0
                and invoice.invoice_date_due < self.today
            ):
                unpaid_deposits += 1
                unpaid += _decimal(invoice.amount_residual_signed)
            for line in invoice.line_ids:
                if line.display_type != "payment_term":
                    continue
                date_due = line.date_maturity or invoice.invoice_date_due
                if is_recent:
                    for partial in line.matched_credit_ids:
                        counterpart = partial.credit_move_id.move_id
                        if (
                            partial.max_date > date_due
                            and counterpart.move_type != "out_refund"
                        ):
                            days = (partial.max_date - date_due).days
                            late += _decimal(partial.amount)
                            late_days += _decimal(partial.amount) * days
                if line.amount_residual > 0 and date_due < self.today:
                    days = (self.today - date_due).days
                    overdue += _decimal(line.amount_residual)
                    if is_recent:
                        late += _decimal(line.amount_residual)
                        late_days += _decimal(line.amount_residual) * days
        logs = self.env["deposit.reminder.log"].search(
            [("company_id", "=", self.company.id), ("move_id", "in", recent.ids)]
        )
        return risk_rules.RiskFigures(
            invoiced=invoiced,
            late_amount=late,
            late_amount_days=late_days,
            open_amount=open_amount,
            overdue_amount=overdue,
            extra_reminders=len(logs) - len(logs.move_id),
            unpaid_deposits=unpaid_deposits,
            unpaid_deposit_amount=unpaid,
        )

    def stored_results(self, customers):
        """Score and level the set-based refresh wrote, by customer."""
        self.env.invalidate_all()
        return {
            customer.id: (
                customer.deposit_risk_score,
                customer.deposit_risk_computed_level or risk_rules.MEDIUM,
            )
            for customer in customers
        }


def _decimal(value):
    return Decimal(str(value or 0))


def run(env, customers, invoices, naive_sample=0):
    # Imported once Odoo knows the add-on's path.
    global risk_rules
    risk_rules = importlib.import_module(
        "odoo.addons.acompte_deposit.deposit_rules.risk"
    )
    bench = RiskBench(env, customers, invoices)
    began = time.perf_counter()
    partners = bench.create_customers()
    bench.create_history(partners)
    created = time.perf_counter() - began
    print(f"acompte_deposit risk refresh benchmark, database {env.cr.dbname}")
    print(
        f"  sizes: {customers} customers, {invoices} posted invoices over 18 months "
        f"(one in ten a deposit) with their payments and reminders, written in "
        f"{created:.1f} s"
    )

    seconds_a, queries_a, counts = bench.set_based()
    expected = bench.stored_results(partners)
    sample = partners
    if 0 < naive_sample < len(partners):
        step = len(partners) / naive_sample
        sample = partners.browse(
            [partners[int(index * step)].id for index in range(naive_sample)]
        )
    env.cr.execute(SQL("SAVEPOINT risk_bench_naive"))
    seconds_b, queries_b, results = bench.naive(sample)
    env.cr.execute(SQL("ROLLBACK TO SAVEPOINT risk_bench_naive"))
    env.invalidate_all()
    scale = len(partners) / len(sample)

    label = "(a) set-based refresh, every customer"
    print(
        f"  {label:<42} {seconds_a:8.2f} s"
        f"  {queries_a:6d} queries  (low {counts['low']}, medium "
        f"{counts['medium']}, high {counts['high']})"
    )
    scaled = (
        f", scaled x{scale:.1f} to every customer: {seconds_b * scale:.2f} s"
        if scale > 1
        else ""
    )
    label = f"(b) naive loop, {len(sample)} customers"
    print(f"  {label:<42} {seconds_b:8.2f} s  {queries_b:6d} queries{scaled}")
    ratio = seconds_b * scale / seconds_a
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(
        f"  ratio b/a: time {ratio:.1f} ({verdict} the {TARGET_RATIO:g}x target), "
        f"queries {queries_b * scale / queries_a:.0f}"
    )
    differ = [
        customer_id
        for customer_id, result in results.items()
        if expected[customer_id] != result
    ]
    if differ:
        print(
            f"  warning: {len(differ)} of {len(results)} customers scored "
            f"differently by the two arms, for instance {differ[:5]}"
        )
    else:
        print(f"  both arms gave the {len(results)} customers of (b) the same score")
    return ratio


def main(argv=None):
    args, odoo_args = parse_args(sys.argv[1:] if argv is None else argv)
    # Beside this script, not importable when it is piped into ``odoo shell``.
    from bench_odoo import run_rolled_back

    run_rolled_back(
        args.database,
        odoo_args,
        lambda env: run(env, args.customers, args.invoices, args.naive_sample),
    )
    print("Rolled back: the database is unchanged.")


if __name__ == "__main__":
    main()
