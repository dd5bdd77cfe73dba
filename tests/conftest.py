"""Shared set-up of the Odoo-free suite.

The add-on's ``__init__.py`` imports Odoo, so the plain-Python rules under
``acompte_deposit/deposit_rules`` are loaded here on their own, as a top-level
package named ``deposit_rules``. Nothing in this suite imports Odoo.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
MODULE_DIR = REPO_ROOT / "acompte_deposit"
RULES_DIR = MODULE_DIR / "deposit_rules"

# No example database on disk (it would land in the work tree) and no deadline:
# the machines that run this suite are small and shared.
settings.register_profile("acompte", database=None, deadline=None)
settings.load_profile("acompte")


def _load_rules_package():
    if "deposit_rules" in sys.modules:
        return sys.modules["deposit_rules"]
    spec = importlib.util.spec_from_file_location(
        "deposit_rules",
        RULES_DIR / "__init__.py",
        submodule_search_locations=[str(RULES_DIR)],
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules["deposit_rules"] = package
    spec.loader.exec_module(package)
    return package


_load_rules_package()


@pytest.fixture(scope="session")
def repo_root():
    return REPO_ROOT


@pytest.fixture(scope="session")
def module_dir():
    return MODULE_DIR
