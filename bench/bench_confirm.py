#!/usr/bin/env python3
"""Cost of the automatic deposit at order confirmation.

Compares, in one run and one transaction that is rolled back at the end:

(a) confirming an order whose deposit terms ask for 30%: acompte_deposit
    creates and posts the deposit invoice during the confirmation (no e-mail);
(b) confirming an identical order without deposit terms, then creating the
    same 30% down payment by hand with Odoo's wizard and posting it.

Wall time and SQL queries are measured order by order, the two arms taking
turns (a-b, b-a, ...), so that a busy machine or a slow drift weighs on both
alike. The design target is a time ratio a/b of at most 1.3.

Usage (see bench/README.md):

    python3 bench/bench_confirm.py -d DB [--orders 50] [--rounds 2] [odoo options]

Options this script does not know (``--db_host``, ``--addons-path``, ``-c``...)
go to Odoo's own parser, which also reads ``~/.odoorc``.
"""

import argparse
import contextlib
import os
import sys
import time

from odoo import api
from odoo.fields import Command

TARGET_RATIO = 1.3
DEPOSIT_PERCENT = 30.0
LINES = (
    # (name, list price, quantity, discount)
    ("Bench Desk", 1250.0, 2.0, 0.0),
    ("Bench Chair", 189.9, 6.0, 10.0),
    ("Bench Lamp", 42.5, 4.0, 0.0),
)
ARMS = ("a", "b")
LABELS = {
    "a": "(a) confirm, automatic deposit invoice",
    "b": "(b) confirm + down payment wizard + post",
}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the automatic deposit at order confirmation."
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--orders",
        type=int,
        default=50,
        help="orders confirmed per arm and per round (default 50)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds, each on fresh orders for both arms (default 2)",
    )
    args, odoo_args = parser.parse_known_args(argv)
    if args.orders < 1 or args.rounds < 1:
        parser.error("--orders and --rounds must be at least 1")
    if not any(arg.startswith("--log-level") for arg in odoo_args):
        odoo_args.append("--log-level=warn")
    return args, odoo_args


class Bench:
    def __init__(self, env):
        self.env = env
        self.cr = env.cr
        self.company = env.company
        self.customer = env["res.partner"].create(
            {"name": "Deposit Bench Customer", "is_company": True}
        )
        self.terms = {
            "a": env["sale.deposit.term"].create(
                {
                    "name": "Bench: 30% deposit, due in 7 days",
                    "amount_type": "percent",
                    "value": DEPOSIT_PERCENT,
                    "due_days": 7,
                    "auto_post": True,
                    "auto_send": False,
                    "company_id": self.company.id,
                }
            ),
            "b": env["sale.deposit.term"],
        }
        taxes = self.company.account_sale_tax_id
        self.products = [
            env["product.product"].create(
                {
                    "name": name,
                    "type": "consu",
                    "list_price": price,
                    "taxes_id": [Command.set(taxes.ids)],
                }
            )
            for name, price, _qty, _discount in LINES
        ]

    def create_orders(self, key, count):
        values = [
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                # Set either way, so that no default terms apply to arm b.
                "deposit_term_id": self.terms[key].id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "discount": discount,
                        }
                    )
                    for product, (_name, _price, qty, discount) in zip(
                        self.products, LINES, strict=True
                    )
                ],
            }
            for _index in range(count)
        ]
        return self.env["sale.order"].create(values)

    def confirm_with_deposit_terms(self, order):
        order.action_confirm()

    def confirm_then_wizard(self, order):
        order.action_confirm()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(
                {
                    "advance_payment_method": "percentage",
                    "amount": DEPOSIT_PERCENT,
                }
            )
        )
        wizard.create_invoices()
        order.invoice_ids.filtered(lambda move: move.state == "draft").action_post()

    def run_round(self, count):
        """Time both arms on ``count`` fresh orders each, then undo it all.

        The orders are created and flushed before any clock starts; each timing
        covers one order and ends with everything flushed. The round runs in a
        savepoint rolled back afterwards, so every round starts from the same
        tables.
        """
        arms = {
            "a": self.confirm_with_deposit_terms,
            "b": self.confirm_then_wizard,
        }
        seconds = dict.fromkeys(ARMS, 0.0)
        queries = dict.fromkeys(ARMS, 0)
        with contextlib.closing(self.cr.savepoint()):
            orders = {key: self.create_orders(key, count) for key in ARMS}
            self.env.flush_all()
            self.env.invalidate_all()
            for index in range(count):
                for key in ARMS if index % 2 == 0 else reversed(ARMS):
                    queries_before = self.cr.sql_log_count
                    start = time.perf_counter()
                    arms[key](orders[key][index])
                    self.env.flush_all()
                    seconds[key] += time.perf_counter() - start
                    queries[key] += self.cr.sql_log_count - queries_before
            invoiced = {key: self.invoiced(orders[key]) for key in ARMS}
        self.env.invalidate_all()
        return seconds, queries, invoiced

    def invoiced(self, orders):
        moves = orders.invoice_ids.filtered(lambda move: move.state == "posted")
        return len(moves), sum(moves.mapped("amount_total"))


def run(env, orders=50, rounds=2):
    """Run the benchmark on ``env`` and roll its transaction back."""
    if not env["ir.module.module"].search_count(
        [("name", "=", "acompte_deposit"), ("state", "=", "installed")]
    ):
        print(f"acompte_deposit is not installed in database {env.cr.dbname}")
        return 2
    try:
        bench = Bench(env)
        # Warm-up, not measured: the first orders of each arm fill Odoo's caches
        # (field triggers, views, ormcache) that every later one reuses.
        bench.run_round(2)
        results = [bench.run_round(orders) for _round in range(rounds)]
        report(env, bench, orders, results)
    finally:
        env.cr.rollback()
        env.invalidate_all()
    print("Rolled back: the database is unchanged.")
    return 0


def report(env, bench, orders, results):
    currency = bench.company.currency_id
    measured = orders * len(results)
    seconds = {key: sum(result[0][key] for result in results) for key in ARMS}
    queries = {key: sum(result[1][key] for result in results) for key in ARMS}
    time_ratio = seconds["a"] / seconds["b"]
    query_ratio = queries["a"] / queries["b"]

    lines = ", ".join(
        f"{name} x{qty:g}" + (f" -{discount:g}%" if discount else "")
        for name, _price, qty, discount in LINES
    )
    tax = bench.company.account_sale_tax_id
    print(f"acompte_deposit confirmation benchmark, database {env.cr.dbname}")
    print(
        f"  sizes: {orders} orders per arm and round, {len(results)} rounds, arms "
        f"taking turns order by order; {len(LINES)} lines per order ({lines}), "
        f"tax {tax.name or 'none'}, deposit {DEPOSIT_PERCENT:g}%"
    )
    for key in ARMS:
        count, amount = results[0][2][key]
        print(
            f"  {LABELS[key]:<42} {seconds[key]:7.2f} s"
            f"  {seconds[key] / measured * 1000:6.1f} ms/order"
            f"  {queries[key] / measured:6.1f} queries/order"
            f"  (each round: {count} deposit invoices, {currency.format(amount)})"
        )
    round_ratios = ", ".join(
        f"{result[0]['a'] / result[0]['b']:.2f}" for result in results
    )
    verdict = "within" if time_ratio <= TARGET_RATIO else "ABOVE"
    print(
        f"  ratio a/b: time {time_ratio:.2f} ({verdict} the {TARGET_RATIO:g} "
        f"target; by round {round_ratios}), queries {query_ratio:.2f}"
    )
    for _seconds, _queries, invoiced in results:
        (count_a, amount_a), (count_b, amount_b) = invoiced["a"], invoiced["b"]
        # The wizard takes the percentage of each tax base, the terms take it of
        # the tax-included total: each invoice may differ by one rounding step.
        tolerance = count_a * currency.rounding + 1e-9
        if count_a != count_b or abs(amount_a - amount_b) > tolerance:
            print("  warning: the two arms did not invoice the same deposits")
            break


def main(argv=None):
    args, odoo_args = parse_args(sys.argv[1:] if argv is None else argv)
    # Beside this script, not importable when it is piped into ``odoo shell``.
    from bench_odoo import run_rolled_back

    return run_rolled_back(
        args.database,
        odoo_args,
        lambda env: run(env, orders=args.orders, rounds=args.rounds),
    )


SHELL_ENV = globals().get("env")
if isinstance(SHELL_ENV, api.Environment):
    # Piped into ``odoo shell``, which provides ``env`` and rolls back after us.
    run(SHELL_ENV, orders=int(os.environ.get("BENCH_ORDERS", "50")))
elif __name__ == "__main__":
    sys.exit(main())
