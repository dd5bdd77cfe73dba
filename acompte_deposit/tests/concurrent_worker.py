"""One Odoo worker, in its own process, for the concurrency tests.

Run as ``python3 concurrent_worker.py CONFIG_JSON ORDER_ID METHOD START_AT``: it
loads the registry, waits until ``START_AT`` (a Unix time shared by both
workers), calls ``METHOD`` on the order the way Odoo serves a request (retried
on serialization failures) and prints ``done`` or ``refused``.
"""

import os
import sys
from functools import partial


def main():
    options, order_id, method, start_at = sys.argv[1:5]
    sys.path.insert(0, os.path.dirname(__file__))
    from workers import open_registry, wait_until

    from odoo import SUPERUSER_ID, api
    from odoo.exceptions import UserError
    from odoo.service.model import retrying

    with open_registry(options).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        order = env["sale.order"].browse(int(order_id))
        wait_until(start_at)
        try:
            retrying(partial(getattr(order, method)), env)
            # A worker process stands for one request: it commits its work like
            # Odoo's RPC layer does, for the other worker to see.
            cr.commit()  # pylint: disable=invalid-commit
            outcome = "done"
        except UserError:
            cr.rollback()
            outcome = "refused"
    sys.stdout.write(outcome + "\n")


if __name__ == "__main__":
    main()
