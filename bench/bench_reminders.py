#!/usr/bin/env python3
"""Throughput of the deposit reminder run, and its cost against Odoo's own sending.

In one transaction that is rolled back at the end:

1. posted deposit invoices due yesterday are created in batches through the
   ORM (linked to the down payment line of one confirmed order, so that they
   are deposits), for customers of medium risk;
2. Odoo's own sending: the same reminder template is posted on a sample of
   these invoices with ``message_post_with_source``, to the same recipient,
   queued, then rolled back to a savepoint;
3. the reminder run (selection, locks, log rows, queued e-mails, chatter
   notes) handles every invoice.

It prints invoices handled per second for each size and the cost per invoice
of the run divided by the cost per invoice of Odoo's sending.

Usage:

    python3 bench/bench_reminders.py -d DB [--sizes 1000 10000] [--sample 100]
        [--with-pdf] [--time-budget 1500] [odoo options]

Without ``--with-pdf`` the invoice PDF is left out of both arms (wkhtmltopdf
would dominate both equally and hide the run's own cost). Options this script
does not know go to Odoo's own parser, which also reads ``~/.odoorc``.
"""

import argparse
import sys
import time
from datetime import timedelta

CREATE_BATCH = 500


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--sample",
        type=int,
        default=100,
        help="invoices sent with Odoo's own sending (default 100)",
    )
    parser.add_argument("--with-pdf", action="store_true")
    parser.add_argument(
        "--time-budget",
        type=float,
        default=1800.0,
        help="seconds the whole benchmark may take; a size that would exceed "
        "them is not started (default 1800)",
    )
    return parser.parse_known_args(argv)


class ReminderBench:
    def __init__(self, env, with_pdf):
        self.env = env
        self.company = env.company
        self.today = self.company._get_deposit_today()
        self.level = env["deposit.reminder.level"].search(
            [
                ("company_id", "=", self.company.id),
                ("risk_level", "=", "medium"),
                ("days", "=", 1),
            ],
            limit=1,
        )
        if not self.level:
            raise SystemExit("No medium risk level at +1 day in this company.")
        self.template = self.level.mail_template_id
        if not with_pdf:
            self.template.report_template_ids = False
        # Nothing else of this database's deposits should be reminded.
        env["account.move"].search(
            [("is_deposit", "=", True), ("state", "=", "posted")]
        ).deposit_reminder_hold = True
        self.customers = env["res.partner"].create(
            [
                {
                    "name": f"Bench customer {index}",
                    "email": f"bench.customer.{index}@example.com",
                    "is_company": True,
                }
                for index in range(50)
            ]
        )
        self.downpayment_line = self._downpayment_line()

    def _downpayment_line(self):
        env = self.env
        product = env["product.product"].create(
            {"name": "Bench product", "list_price": 1000.0, "taxes_id": False}
        )
        term = env["sale.deposit.term"].create(
            {
                "name": "Bench 30%",
                "amount_type": "percent",
                "value": 30.0,
                "due_days": 0,
                "auto_send": False,
                "company_id": self.company.id,
            }
        )
        order = env["sale.order"].create(
            {
                "partner_id": self.customers[0].id,
                "deposit_term_id": term.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "price_unit": 1000.0})
                ],
            }
        )
        order.action_confirm()
        line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        line.order_id.deposit_invoice_ids.deposit_reminder_hold = True
        return line

    def create_invoices(self, count):
        """Posted deposit invoices due yesterday, created and posted in batches."""
        moves = self.env["account.move"]
        due = self.today - timedelta(days=1)
        for start in range(0, count, CREATE_BATCH):
            values = [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customers[index % len(self.customers)].id,
                    "invoice_date": due,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Deposit",
                                "quantity": 1.0,
                                "price_unit": 300.0,
                                "tax_ids": False,
                                "sale_line_ids": [(4, self.downpayment_line.id)],
                            },
                        )
                    ],
                }
                for index in range(start, min(start + CREATE_BATCH, count))
            ]
            batch = moves.create(values)
            batch.action_post()
            moves |= batch
        assert all(moves.mapped("is_deposit")), "bench invoices are not deposits"
        return moves

    def odoo_sending(self, invoices):
        """Seconds per invoice of message_post_with_source of the same template."""
        cr = self.env.cr
        cr.execute("SAVEPOINT bench_odoo")
        start = time.perf_counter()
        for invoice in invoices:
            invoice._portal_ensure_token()
            invoice.with_context(mail_notify_force_send=False).message_post_with_source(
                self.template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=invoice.partner_id.ids,
            )
        self.env.flush_all()
        elapsed = time.perf_counter() - start
        cr.execute("ROLLBACK TO SAVEPOINT bench_odoo")
        self.env.invalidate_all()
        return elapsed / len(invoices)

    def reminder_run(self, invoices):
        """Seconds of one reminder run over every due invoice, and its counts."""
        Move = self.env["account.move"]
        start = time.perf_counter()
        counts, remaining = Move._send_due_deposit_reminders(
            self.today,
            batch_size=100,
            max_batches=len(invoices),
            commit=False,
        )
        self.env.flush_all()
        elapsed = time.perf_counter() - start
        assert not remaining
        return elapsed, counts


def run(env, sizes, sample, with_pdf, time_budget):
    bench = ReminderBench(env, with_pdf)
    cr = env.cr
    began = time.perf_counter()
    results = []
    for size in sizes:
        spent = time.perf_counter() - began
        if results:
            # Creating and handling scale linearly: project the next size.
            last_size, last_seconds = results[-1][0], results[-1][-1]
            estimate = last_seconds / last_size * size
            if spent + estimate > time_budget:
                print(
                    f"size {size}: not run; at the measured pace it would take about "
                    f"{estimate:.0f}s (creating the invoices and the run), beyond the "
                    f"time budget of {time_budget:.0f}s ({spent:.0f}s spent). Raise "
                    "--time-budget on a larger machine."
                )
                break
        cr.execute("SAVEPOINT bench_size")
        size_began = time.perf_counter()
        created = time.perf_counter()
        invoices = bench.create_invoices(size)
        created = time.perf_counter() - created
        odoo_per_invoice = bench.odoo_sending(invoices[: min(sample, size)])
        elapsed, counts = bench.reminder_run(invoices)
        per_invoice = elapsed / size
        results.append(
            (
                size,
                elapsed,
                counts,
                per_invoice,
                odoo_per_invoice,
                time.perf_counter() - size_began,
            )
        )
        print(
            f"size {size}: created and posted in {created:.1f}s; run {elapsed:.1f}s, "
            f"{size / elapsed:.1f} invoices/s, sent {counts['sent']}, failed "
            f"{counts['failed']}, skipped {counts['skipped']}; "
            f"{per_invoice * 1000:.1f} ms per invoice against "
            f"{odoo_per_invoice * 1000:.1f} ms for Odoo's own sending: ratio "
            f"{per_invoice / odoo_per_invoice:.2f}",
            flush=True,
        )
        cr.execute("ROLLBACK TO SAVEPOINT bench_size")
        env.invalidate_all()
    print(f"PDF attached: {'yes' if with_pdf else 'no'}; everything rolled back.")
    return results


def main(argv=None):
    args, odoo_args = parse_args(sys.argv[1:] if argv is None else argv)

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-d", args.database, *odoo_args], setup_logging=True)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            run(env, args.sizes, args.sample, args.with_pdf, args.time_budget)
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
