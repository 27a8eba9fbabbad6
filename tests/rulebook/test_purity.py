"""The rule engine is pure: it imports nothing outside the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import webapp.rulebook

PACKAGE = Path(webapp.rulebook.__file__).parent


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_rulebook_imports_only_the_standard_library():
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 6
    outside = {
        f"{path.name}: {name}"
        for path in files
        for name in imported_top_level_modules(path)
        if name not in sys.stdlib_module_names and name != "__future__"
    }
    assert outside == set()


def test_the_check_would_notice_an_outside_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import flask\nfrom textstat import flesch_kincaid_grade\nimport json\n")
    names = imported_top_level_modules(bad)
    assert {n for n in names if n not in sys.stdlib_module_names} == {"flask", "textstat"}
