"""Test modules share code only through tests/factories (builders, constants, markers) and
tests/fixtures (fixtures, registered in tests/conftest.py's pytest_plugins): no module under
tests/ imports another test module, a conftest, or a helper lying among the test modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

# The only parts of tests/ that may be imported.
SHARED = ("tests.factories", "tests.fixtures")

# (file, imported module) pairs allowed: none today; a pair needs a reason here.
EXCEPTIONS: set[tuple[str, str]] = set()


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_test_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module under `tests` a file imports (at the top or inside functions, relative
    imports resolved), as (line, dotted name); `from tests.x import y` also yields tests.x.y."""
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return [(line, name) for line, name in found if name == "tests" or name.startswith("tests.")]


def _forbidden(module: str) -> bool:
    """Anything under tests/ but the package itself, tests.factories and tests.fixtures."""
    shared = module in SHARED or module.startswith(tuple(f"{name}." for name in SHARED))
    return module != "tests" and not shared


def _excepted(relative: str, module: str) -> bool:
    return any(
        relative == file and (module == allowed or module.startswith(f"{allowed}."))
        for file, allowed in EXCEPTIONS
    )


def offending_imports(files, root: Path = ROOT) -> list[str]:
    """One "file:line imports module" per offending import statement."""
    offending, lines = [], set()
    for path in files:
        relative = path.relative_to(root).as_posix()
        for line, module in imported_test_modules(path, root):
            if not _forbidden(module) or _excepted(relative, module):
                continue
            if (relative, line) not in lines:  # the module; the names imported add nothing
                lines.add((relative, line))
                offending.append(f"{relative}:{line} imports {module}")
    return offending


def test_no_test_module_imports_another_test_module_or_a_conftest():
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 50
    offending = offending_imports(files)
    assert offending == [], (
        "move shared builders to tests/factories/<area>.py and fixtures to "
        "tests/fixtures/<area>.py (registered in tests/conftest.py's pytest_plugins): "
        f"{offending}"
    )


def test_the_scan_finds_offending_imports_anywhere_in_a_module(tmp_path):
    package = tmp_path / "tests" / "web"
    package.mkdir(parents=True)
    module = package / "test_new.py"
    module.write_text(
        "from tests.web.test_api import api_records\n"
        "import tests.services.test_people_services\n"
        "from tests.conftest import PASSWORD\n"
        "from tests import conftest\n"
        "from tests.services import reports_world\n"
        "from tests.factories.web import Actions\n"
        "from tests.fixtures import people\n"
        "from caseapp.extensions import db\n"
        "\n"
        "def f():\n"
        "    from .test_bidi import assert_isolated\n",
        encoding="utf-8",
    )
    assert offending_imports([module], tmp_path) == [
        "tests/web/test_new.py:1 imports tests.web.test_api",
        "tests/web/test_new.py:2 imports tests.services.test_people_services",
        "tests/web/test_new.py:3 imports tests.conftest",
        "tests/web/test_new.py:4 imports tests.conftest",
        "tests/web/test_new.py:5 imports tests.services",
        "tests/web/test_new.py:11 imports tests.web.test_bidi",
    ]
