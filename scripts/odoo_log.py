"""Read an Odoo server log and say how its test run went.

Used by scripts/test after ``odoo --test-tags ... --stop-after-init``:

    python3 scripts/odoo_log.py LOGFILE

prints ``key=value`` lines (integers only) on stdout for the shell, and the log
records that explain a failure (ERROR and CRITICAL records with their
traceback) on stderr. It never imports Odoo.
"""

import re
import sys

# "2025-03-14 09:15:02,123 4242 INFO dbname odoo.tests.result: ..."
RECORD = re.compile(
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} \d+ "
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ (?P<logger>[^:\s]+): "
    r"(?P<message>.*)$"
)
RESULT = re.compile(
    r"^(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database '(?P<db>[^']*)'"
)
SKIPPED = re.compile(r"^skipped \S")
# Lines kept after an ERROR/CRITICAL record header (its traceback).
CONTEXT_LINES = 25


def parse(lines):
    """Return the counts of an Odoo log and the records that explain failures."""
    counts = {
        "result_found": 0,
        "tests": 0,
        "failed": 0,
        "errors": 0,
        "skipped": 0,
        "error_records": 0,
        "warning_records": 0,
    }
    problems = []
    current = None
    for raw in lines:
        line = raw.rstrip("\n")
        match = RECORD.match(line)
        if not match:
            if current is not None and len(current) <= CONTEXT_LINES:
                current.append(line)
            continue
        current = None
        level, logger, message = match.group("level", "logger", "message")
        if level in ("ERROR", "CRITICAL"):
            counts["error_records"] += 1
            current = [line]
            problems.append(current)
        elif level == "WARNING":
            counts["warning_records"] += 1
        if logger == "odoo.tests.result":
            result = RESULT.match(message)
            if result:
                counts["result_found"] += 1
                counts["tests"] += int(result.group("run"))
                counts["failed"] += int(result.group("failed"))
                counts["errors"] += int(result.group("errors"))
        if level == "INFO" and SKIPPED.match(message):
            counts["skipped"] += 1
    return counts, ["\n".join(record) for record in problems]


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: odoo_log.py LOGFILE\n")
        return 2
    try:
        with open(argv[1], encoding="utf-8", errors="replace") as handle:
            counts, problems = parse(handle)
    except OSError as error:
        sys.stderr.write(f"cannot read the Odoo log: {error}\n")
        return 2
    for key, value in counts.items():
        sys.stdout.write(f"{key}={value}\n")
    for record in problems[:20]:
        sys.stderr.write(record + "\n")
    if len(problems) > 20:
        sys.stderr.write(f"... and {len(problems) - 20} more ERROR records\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
