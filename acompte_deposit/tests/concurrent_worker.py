"""One Odoo worker, in its own process, for the concurrency tests.

Run as ``python3 concurrent_worker.py CONFIG_JSON ORDER_ID METHOD START_AT``: it
loads the registry, waits until ``START_AT`` (a Unix time shared by both
workers), calls ``METHOD`` on the order the way Odoo serves a request (retried
on serialization failures) and prints ``done`` or ``refused``.
"""

import json
import sys
import time
from functools import partial


def main():
    config_values, order_id, method, start_at = sys.argv[1:5]
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.exceptions import UserError
    from odoo.modules.registry import Registry
    from odoo.service.model import retrying

    options = json.loads(config_values)
    arguments = [
        f"--database={options['db_name']}",
        f"--addons-path={options['addons_path']}",
        "--log-level=warn",
    ]
    for key in ("db_host", "db_port", "db_user", "db_password"):
        if options[key]:
            arguments.append(f"--{key}={options[key]}")
    odoo.tools.config.parse_config(arguments)
    registry = Registry(options["db_name"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        order = env["sale.order"].browse(int(order_id))
        time.sleep(max(0.0, float(start_at) - time.time()))
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
