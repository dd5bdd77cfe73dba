"""One Odoo worker running the reminder run, for the reminder concurrency test.

Run as ``python3 reminder_worker.py CONFIG_JSON COMPANY_ID START_AT``: it loads
the registry, waits until ``START_AT`` (a Unix time shared by both workers),
runs the reminders of the company as the scheduled action does (committing
between batches) and prints the counts as JSON.
"""

import json
import sys
import time
from functools import partial


def main():
    config_values, company_id, start_at = sys.argv[1:4]
    import odoo
    from odoo import SUPERUSER_ID, api
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
        company = env["res.company"].browse(int(company_id))
        moves = env["account.move"].with_company(company)
        time.sleep(max(0.0, float(start_at) - time.time()))
        # A run that hits a serialization failure is run again, as the next
        # run of the scheduled action would.
        counts = retrying(
            partial(moves._cron_send_deposit_reminders, batch_size=2), env
        )
        # The run commits its batches itself; this closes the last one.
        cr.commit()  # pylint: disable=invalid-commit
    sys.stdout.write(json.dumps(dict(counts)) + "\n")


if __name__ == "__main__":
    main()
