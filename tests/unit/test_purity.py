"""Module imports form no cycle, and the pure modules stay free of Flask and the database.

Both are read from the source with `ast`, so nothing is imported: a cycle that only works
because of the order in which modules happen to load, or an `import flask` added to the
engine, fails here with the modules named.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASEAPP = ROOT / "caseapp"

# Pure: dataclasses in, dataclasses out; no Flask, no ORM, no app (house style 3).
PURE = (
    "caseapp/matches/engine/*.py",
    "caseapp/people/namematch/*.py",
    "caseapp/referrals/routing.py",
    "caseapp/appointments/slots.py",
    "caseapp/offices/hours.py",
    "caseapp/core/*.py",
)
FORBIDDEN = ("flask", "flask_*", "sqlalchemy", "caseapp.extensions")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in CASEAPP.rglob("*.py")}


def _runtime_statements(body: list[ast.stmt]):
    """Statements run when the module is imported: its top level, including if/try blocks,
    but not `if TYPE_CHECKING:`."""
    for node in body:
        if isinstance(node, ast.If):
            if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                continue
            yield from _runtime_statements(node.body)
            yield from _runtime_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _runtime_statements(block)
            for handler in node.handlers:
                yield from _runtime_statements(handler.body)
        else:
            yield node


def _imported(nodes) -> set[str]:
    """Dotted names imported by these nodes; `from a import b` names a.b when that is a module."""
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in MODULES else node.module)
    return names


def _own_module(name: str) -> str | None:
    """The caseapp module a dotted name lives in (caseapp.x.y.Name -> caseapp.x.y)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _packages_of(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _registers_routes(importer: str, target: str) -> bool:
    """Known exception: blueprint.py creates `bp` and then imports its own package's view
    modules so that their routes are registered, while those modules import `bp` from it.
    That is Flask's documented idiom (the views run after `bp` exists), not a dependency."""
    package = importer.rpartition(".")[0]
    return importer.endswith(".blueprint") and target.startswith(package + ".")


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """caseapp module -> caseapp modules its import runs first (top-level imports only).

    Importing a.b.c first runs the packages a and a.b; that counts, except for a module
    inside that package (its package is already being imported when it runs).
    """
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for imported in _imported(_runtime_statements(tree.body)):
            target = _own_module(imported) if imported.startswith("caseapp") else None
            if target is None or target == name or _registers_routes(name, target):
                continue
            targets.add(target)
            targets.update(
                package
                for package in _packages_of(target)
                if package in MODULES and not name.startswith(package + ".")
            )
        graph[name] = frozenset(targets)
    return graph


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_caseapp_imports_form_no_cycle():
    graph = import_graph()
    assert "caseapp.matches.services" in graph["caseapp.portal.services"]  # the scan works
    found = cycles(graph)
    described = [
        " <-> ".join(f"{m} (imports {sorted(set(graph[m]) & set(c))})" for m in c) for c in found
    ]
    assert described == []


def test_the_cycle_check_finds_a_loop_through_a_package():
    graph = {
        "caseapp.a": frozenset({"caseapp.b.c", "caseapp.b"}),
        "caseapp.b": frozenset({"caseapp.b.d"}),
        "caseapp.b.c": frozenset(),
        "caseapp.b.d": frozenset({"caseapp.a"}),
        "caseapp.e": frozenset({"caseapp.a"}),
    }
    assert cycles(graph) == [["caseapp.a", "caseapp.b", "caseapp.b.d"]]


def _pure_modules() -> list[str]:
    paths = sorted({p for pattern in PURE for p in ROOT.glob(pattern)})
    return [_module_name(p) for p in paths]


def _reaches(start: str) -> dict[str, str]:
    """Every module importing `start` loads (also imports inside functions, which run
    later but still need the module), as name -> the caseapp module that imports it."""
    seen: dict[str, str] = {}
    todo = [start, *(p for p in _packages_of(start) if p in MODULES)]
    done = set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        for imported in _imported(ast.walk(tree)):
            seen.setdefault(imported, name)
            target = _own_module(imported) if imported.startswith("caseapp") else None
            if target is not None:
                todo.append(target)
                todo.extend(p for p in _packages_of(target) if p in MODULES)
                seen.setdefault(target, name)
    return seen


def _forbidden(name: str) -> bool:
    for rule in FORBIDDEN:
        if rule.endswith("*"):
            if name.startswith(rule[:-1]):
                return True
        elif name == rule or name.startswith(rule + "."):
            return True
    return False


def test_every_pure_pattern_names_modules():
    for pattern in PURE:
        assert list(ROOT.glob(pattern)), pattern


@pytest.mark.parametrize("module", _pure_modules())
def test_pure_module_imports_neither_flask_nor_the_database(module):
    offending = sorted(
        f"{name} (imported by {importer})"
        for name, importer in _reaches(module).items()
        if _forbidden(name)
    )
    assert offending == []
