"""How scripts/test reads the log of an Odoo test run (scripts/odoo_log.py)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "odoo_log.py"
_spec = importlib.util.spec_from_file_location("odoo_log", SCRIPT)
odoo_log = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(odoo_log)

DB = "acompte_test_1741943702_4242"
STAMP = "2025-03-14 09:15:02,123 4242"


def record(level, logger, message, db=DB):
    return f"{STAMP} {level} {db} {logger}: {message}\n"


PASSING_RUN = [
    record("INFO", "?", "odoo: Odoo version 18.0", db="?"),
    record("INFO", "odoo.modules.loading", "loading 1 modules..."),
    record(
        "INFO",
        "odoo.addons.acompte_deposit.tests.test_deposit_term",
        "Starting TestDepositTerm.test_rule_is_described ...",
    ),
    record(
        "INFO",
        "odoo.addons.acompte_deposit.tests.test_deposit_term",
        "skipped TestDepositTerm.test_portal (...) : needs a browser",
    ),
    record("WARNING", "odoo.addons.base.models.ir_actions_report", "no wkhtmltopdf"),
    record(
        "INFO",
        "odoo.tests.result",
        f"0 failed, 0 error(s) of 41 tests when loading database '{DB}'",
    ),
    record("INFO", "odoo.service.server", "Initiating shutdown"),
]


def test_passing_run():
    counts, problems = odoo_log.parse(PASSING_RUN)
    assert counts == {
        "result_found": 1,
        "tests": 41,
        "failed": 0,
        "errors": 0,
        "skipped": 1,
        "error_records": 0,
        "warning_records": 1,
    }
    assert problems == []


def test_failing_run_keeps_the_traceback():
    lines = [
        *PASSING_RUN[:3],
        record(
            "ERROR",
            "odoo.addons.acompte_deposit.tests.test_deposit_confirm",
            "FAIL: TestDepositConfirm.test_confirm_posts_the_deposit",
        ),
        "Traceback (most recent call last):\n",
        '  File "test_deposit_confirm.py", line 42, in test_confirm\n',
        "AssertionError: 'to_invoice' != 'awaiting'\n",
        record(
            "ERROR",
            "odoo.tests.result",
            f"1 failed, 2 error(s) of 12 tests when loading database '{DB}'",
        ),
    ]
    counts, problems = odoo_log.parse(lines)
    assert counts["result_found"] == 1
    assert (counts["tests"], counts["failed"], counts["errors"]) == (12, 1, 2)
    assert counts["error_records"] == 2
    assert "AssertionError: 'to_invoice' != 'awaiting'" in problems[0]
    assert problems[1].endswith(f"of 12 tests when loading database '{DB}'")


def test_no_test_ran():
    lines = [
        record(
            "WARNING",
            "odoo.tests.result",
            f"0 failed, 0 error(s) of 0 tests when loading database '{DB}'",
        )
    ]
    counts, _problems = odoo_log.parse(lines)
    assert counts["result_found"] == 1
    assert counts["tests"] == 0
    assert counts["warning_records"] == 1


def test_install_that_died_has_no_result_line():
    lines = [
        record("INFO", "odoo.modules.loading", "loading acompte_deposit/views/x.xml"),
        record("CRITICAL", "odoo.service.server", "Failed to initialize database"),
        "Traceback (most recent call last):\n",
        "odoo.tools.convert.ParseError: while parsing x.xml:12\n",
    ]
    counts, problems = odoo_log.parse(lines)
    assert counts["result_found"] == 0
    assert counts["error_records"] == 1
    assert "ParseError" in problems[0]


def test_error_text_inside_a_message_is_not_an_error_record():
    lines = [
        record("INFO", "odoo.addons.acompte_deposit", "reminder state ERROR kept"),
        "  CRITICAL is only a word on a continuation line\n",
    ]
    counts, problems = odoo_log.parse(lines)
    assert counts["error_records"] == 0
    assert problems == []


@pytest.mark.parametrize(
    ("lines", "expected_rc", "expected_out"),
    [
        (PASSING_RUN, 0, "tests=41\n"),
        ([], 0, "result_found=0\n"),
    ],
)
def test_command_line(tmp_path, lines, expected_rc, expected_out):
    log = tmp_path / "odoo.log"
    log.write_text("".join(lines), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(log)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == expected_rc
    assert expected_out in result.stdout
    for line in result.stdout.splitlines():
        key, value = line.split("=")
        assert key.isidentifier() and value.isdigit()


def test_command_line_without_a_readable_log(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "missing.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
