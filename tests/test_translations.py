"""The French translation covers every string the add-on shows."""

import ast
import re
from pathlib import Path

import polib
import pytest

ADDON = Path(__file__).resolve().parent.parent / "acompte_deposit"
POT = ADDON / "i18n" / "acompte_deposit.pot"
FRENCH = ADDON / "i18n" / "fr.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|%%")


@pytest.fixture(scope="module")
def template():
    return polib.pofile(str(POT))


@pytest.fixture(scope="module")
def french():
    return polib.pofile(str(FRENCH))


def test_french_has_every_template_entry(template, french):
    assert {entry.msgid for entry in template} == {entry.msgid for entry in french}


def test_french_is_complete(french):
    assert [entry.msgid for entry in french.untranslated_entries()] == []
    assert [entry.msgid for entry in french.fuzzy_entries()] == []
    assert french.metadata["Language"] == "fr"


def test_french_keeps_placeholders(french):
    changed = [
        entry.msgid
        for entry in french
        if sorted(PLACEHOLDER.findall(entry.msgid))
        != sorted(PLACEHOLDER.findall(entry.msgstr))
    ]
    assert changed == []


def _translated_literals(path):
    """First arguments of ``env._(...)`` / ``_(...)`` calls in a Python file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", None))
        first = node.args[0]
        if name == "_" and isinstance(first, ast.Constant):
            yield first.value


def test_template_is_up_to_date_with_the_python_code(template):
    msgids = {entry.msgid for entry in template}
    missing = [
        (str(path.relative_to(ADDON)), literal)
        for path in sorted(ADDON.rglob("*.py"))
        if "tests" not in path.parts
        for literal in _translated_literals(path)
        if literal not in msgids
    ]
    assert missing == []
