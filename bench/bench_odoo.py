"""What every benchmark of this folder does to open Odoo, shared by them."""

import os

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

# Environment overrides shared with scripts/demo and scripts/test.
ENV_OPTIONS = (
    ("ODOO_DB_HOST", "--db_host"),
    ("ODOO_DB_PORT", "--db_port"),
    ("ODOO_DB_USER", "--db_user"),
    ("ODOO_DB_PASSWORD", "--db_password"),
)


def run_rolled_back(database, odoo_args, run):
    """Call ``run(env)`` on ``database`` as the superuser, then roll back.

    ``odoo_args`` go to Odoo's own option parser (which also reads
    ``~/.odoorc``). The add-on of this repository is found even when the
    Odoo configuration does not list it, and the connection settings of
    scripts/odoo_env.sh are read from the environment unless given. Returns
    what ``run`` returns.
    """
    odoo_args = list(odoo_args)
    for variable, option in ENV_OPTIONS:
        given = any(arg.split("=")[0] == option for arg in odoo_args)
        if os.environ.get(variable) and not given:
            odoo_args.append(f"{option}={os.environ[variable]}")

    config = odoo.tools.config
    config.parse_config(["-d", database, *odoo_args], setup_logging=True)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [path for path in config["addons_path"].split(",") if path]
    if not any(os.path.isdir(path) and os.path.samefile(path, repo) for path in paths):
        config["addons_path"] = ",".join([*paths, repo])
        odoo.modules.module.initialize_sys_path()

    registry = Registry(database)
    cr = registry.cursor()
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        return run(env(context=env["res.users"].context_get()))
    finally:
        cr.rollback()
        cr.close()
