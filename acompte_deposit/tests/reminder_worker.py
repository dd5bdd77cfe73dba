"""One Odoo worker running the reminder run, for the reminder concurrency test.

Run as ``python3 reminder_worker.py CONFIG_JSON COMPANY_ID START_AT``: it loads
the registry, waits until ``START_AT`` (a Unix time shared by both workers),
runs the reminders of the company as the scheduled action does (committing
between batches) and prints the counts as JSON.
"""

import json
import os
import sys
from functools import partial


def main():
    options, company_id, start_at = sys.argv[1:4]
    sys.path.insert(0, os.path.dirname(__file__))
    from workers import open_registry, wait_until

    from odoo import SUPERUSER_ID, api
    from odoo.service.model import retrying

    with open_registry(options).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].browse(int(company_id))
        moves = env["account.move"].with_company(company)
        wait_until(start_at)
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
