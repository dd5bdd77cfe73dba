"""Which reminder level is due, without Odoo."""

import sys
from datetime import date
from pathlib import Path

# The suite's conftest loads ``deposit_rules`` on its own; run alone, this file
# finds it in the add-on's folder.
if "deposit_rules" not in sys.modules:
    _module_dir = str(Path(__file__).resolve().parent.parent / "acompte_deposit")
    if _module_dir not in sys.path:
        sys.path.insert(0, _module_dir)

from deposit_rules.reminder import (  # noqa: E402 (after the path set-up above)
    due_reminder_level,
    is_on_hold,
    next_manual_level,
)

DUE = date(2026, 3, 10)
# The high risk ladder: a notice 2 days before, then 1 and 5 days after, then 8.
HIGH = [(11, -2), (12, 1), (13, 5), (14, 8)]


def test_nothing_before_the_first_level():
    assert due_reminder_level(DUE, date(2026, 3, 7), HIGH, []) is None


def test_first_level_on_its_day():
    assert due_reminder_level(DUE, date(2026, 3, 8), HIGH, []) == 11


def test_level_already_logged_is_not_sent_again():
    assert due_reminder_level(DUE, date(2026, 3, 9), HIGH, [11]) is None


def test_next_level_on_its_day():
    assert due_reminder_level(DUE, date(2026, 3, 11), HIGH, [11]) == 12


def test_late_first_run_sends_only_the_latest_level_reached():
    assert due_reminder_level(DUE, date(2026, 3, 16), HIGH, []) == 13


def test_levels_skipped_by_a_late_run_are_not_sent_afterwards():
    assert due_reminder_level(DUE, date(2026, 3, 17), HIGH, [13]) is None
    assert due_reminder_level(DUE, date(2026, 3, 18), HIGH, [13]) == 14


def test_all_levels_sent_leaves_nothing():
    assert due_reminder_level(DUE, date(2027, 1, 1), HIGH, [11, 12, 13, 14]) is None


def test_levels_given_in_any_order():
    shuffled = [HIGH[2], HIGH[0], HIGH[3], HIGH[1]]
    assert due_reminder_level(DUE, date(2026, 3, 11), shuffled, [11]) == 12


def test_no_due_date_or_no_ladder_sends_nothing():
    assert due_reminder_level(None, date(2026, 3, 20), HIGH, []) is None
    assert due_reminder_level(DUE, date(2026, 3, 20), [], []) is None


def test_hold_without_resume_date_stops_everything():
    assert due_reminder_level(DUE, date(2026, 3, 20), HIGH, [], hold=True) is None


def test_hold_until_the_resume_date():
    kwargs = {"hold": True, "resume_date": date(2026, 3, 15)}
    assert due_reminder_level(DUE, date(2026, 3, 14), HIGH, [11], **kwargs) is None
    assert due_reminder_level(DUE, date(2026, 3, 15), HIGH, [11], **kwargs) == 13


def test_is_on_hold():
    today = date(2026, 3, 15)
    assert not is_on_hold(False, None, today)
    assert is_on_hold(True, None, today)
    assert is_on_hold(True, date(2026, 3, 16), today)
    assert not is_on_hold(True, today, today)


def test_manual_sending_takes_the_next_step_whatever_the_date():
    assert next_manual_level(HIGH, []) == 11
    assert next_manual_level(HIGH, [11]) == 12
    assert next_manual_level(HIGH, [13]) == 14
    assert next_manual_level(HIGH, [11, 12, 13, 14]) is None
    assert next_manual_level([], []) is None
