"""Which reminder level of a deposit invoice is due.

A customer's risk level gives a ladder of reminder levels, each placed a number
of days from the invoice's due date (negative: before it). Each level is sent
at most once per invoice; the models log what was sent and ask these functions
what comes next.
"""

from datetime import timedelta


def level_date(date_due, days):
    """Date on which a level placed ``days`` from ``date_due`` is reached."""
    return date_due + timedelta(days=days)


def is_on_hold(hold, resume_date, today):
    """True while reminders are paused: held and no resume date reached yet."""
    return bool(hold) and (resume_date is None or resume_date > today)


def due_reminder_level(
    date_due,
    today,
    levels,
    logged_level_ids,
    hold=False,
    resume_date=None,
):
    """Return the id of the level to send today, or None.

    ``levels`` is the ladder of the customer's risk level as ``(level_id,
    days)`` pairs, in any order; ``logged_level_ids`` the levels already
    logged for the invoice. Among the levels reached (due date plus days on or
    before ``today``) and not logged yet, only the latest one is sent: a run
    that starts long after the due date, or after a pause, sends one reminder,
    in the tone of where the invoice stands, instead of every level at once.
    Levels below one already logged are never sent afterwards. Nothing is sent
    while on hold, unless the resume date is reached.
    """
    if date_due is None or is_on_hold(hold, resume_date, today):
        return None
    logged = set(logged_level_ids)
    ladder = sorted(levels, key=lambda level: (level[1], level[0]))
    last_logged_days = max(
        (days for level_id, days in ladder if level_id in logged),
        default=None,
    )
    reached = [
        (level_id, days)
        for level_id, days in ladder
        if level_date(date_due, days) <= today
        and level_id not in logged
        and (last_logged_days is None or days > last_logged_days)
    ]
    return reached[-1][0] if reached else None


def next_manual_level(levels, logged_level_ids):
    """Return the id of the level to send by hand now, whatever the date, or None.

    It is the first level of the ladder above the last one logged: sending by
    hand moves the invoice one step up the ladder.
    """
    logged = set(logged_level_ids)
    ladder = sorted(levels, key=lambda level: (level[1], level[0]))
    last_logged_days = max(
        (days for level_id, days in ladder if level_id in logged),
        default=None,
    )
    for level_id, days in ladder:
        if level_id in logged:
            continue
        if last_logged_days is None or days > last_logged_days:
            return level_id
    return None
