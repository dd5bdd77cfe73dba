"""Two Odoo worker processes started at the same instant, for the concurrency
tests, and what each worker script needs to open the test database.

Nothing here imports Odoo at module level: the worker scripts load this file
before they parse Odoo's configuration.
"""

import json
import os
import subprocess
import sys
import time


def run_workers(script, *arguments, count=2, timeout=180):
    """Run ``script`` in ``count`` processes that start working together.

    Each process gets the test database's connection settings, then
    ``arguments`` and a shared start time; the last line each one prints is
    returned with its exit code and error output.
    """
    from odoo.tests import get_db_name
    from odoo.tools import config

    options = json.dumps(
        {
            "db_name": get_db_name(),
            "addons_path": config["addons_path"],
            **{
                key: config[key]
                for key in ("db_host", "db_port", "db_user", "db_password")
            },
        }
    )
    # Both processes load the registry first, then start together.
    start_at = str(time.time() + 15)
    path = os.path.join(os.path.dirname(__file__), script)
    command = [sys.executable, path, options, *map(str, arguments), start_at]
    # A loser's serialization error is logged by its process as expected noise:
    # keep it out of the test log, but hand it back for a failing assertion.
    processes = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _index in range(count)
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=timeout)
        lines = stdout.strip().splitlines()
        results.append((process.returncode, lines[-1] if lines else "", stderr))
    return results


def open_registry(options_json):
    """In a worker script: parse Odoo's options and return the registry."""
    import odoo
    from odoo.modules.registry import Registry

    options = json.loads(options_json)
    arguments = [
        f"--database={options['db_name']}",
        f"--addons-path={options['addons_path']}",
        "--log-level=warn",
    ]
    for key in ("db_host", "db_port", "db_user", "db_password"):
        if options[key]:
            arguments.append(f"--{key}={options[key]}")
    odoo.tools.config.parse_config(arguments)
    return Registry(options["db_name"])


def wait_until(start_at):
    time.sleep(max(0.0, float(start_at) - time.time()))
