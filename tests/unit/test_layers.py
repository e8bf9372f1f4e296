"""Imports follow the architecture: a package does not reach into the packages built on it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CASEAPP = Path(__file__).resolve().parents[2] / "caseapp"

# package -> packages it must not import (they register with it instead)
FORBIDDEN = {
    "people": ("appointments", "referrals", "matches"),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at the top or inside functions, as (line, dotted name)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_the_packages_that_register_with_it(package):
    forbidden = tuple(f"caseapp.{name}" for name in FORBIDDEN[package])
    files = sorted((CASEAPP / package).rglob("*.py"))
    assert files
    offending = [
        f"{path.relative_to(CASEAPP.parent)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path)
        if module in forbidden or module.startswith(tuple(f"{name}." for name in forbidden))
    ]
    assert offending == []


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from caseapp.referrals.models import Referral\n"
        "    import caseapp.matches\n    from caseapp import appointments\n",
        encoding="utf-8",
    )
    names = [name for _line, name in imported_modules(module)]
    assert {"caseapp.referrals.models", "caseapp.matches", "caseapp.appointments"} <= set(names)
