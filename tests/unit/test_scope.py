"""Office scope is decided in one module (auth/scope.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select

from caseapp.auth import scope
from caseapp.core.errors import NotFound

PACKAGE = Path(__file__).resolve().parents[2] / "caseapp"
rows = Table("rows", MetaData(), Column("id", Integer), Column("office_id", Integer))


@dataclass
class Actor:
    is_admin: bool = False
    office_ids: frozenset[int] = field(default_factory=frozenset)


def sql(stmt) -> str:
    return str(stmt.compile(compile_kwargs={"literal_binds": True}))


def test_administrators_and_jobs_see_every_office_members_their_own():
    assert scope.visible_office_ids(None) is None
    assert scope.visible_office_ids(Actor(is_admin=True, office_ids=frozenset({3}))) is None
    assert scope.visible_office_ids(Actor(office_ids=frozenset({1, 2}))) == {1, 2}
    assert scope.own_office_ids(Actor(is_admin=True, office_ids=frozenset({3}))) == {3}


def test_scoped_statements():
    stmt = select(rows.c.id)
    assert "WHERE" not in sql(scope.scoped(stmt, rows.c.office_id, Actor(is_admin=True)))
    assert "IN (1, 2)" in sql(scope.scoped(stmt, rows.c.office_id, Actor(office_ids={1, 2})))
    # No offices at all: nothing, not everything.
    assert "IN (0)" in sql(scope.scoped(stmt, rows.c.office_id, Actor()))
    assert "IN (0)" in sql(scope.own(stmt, rows.c.office_id, Actor(is_admin=True)))


def test_single_records_are_not_found_outside_the_scope():
    scope.require_visible(Actor(office_ids=frozenset({1})), 1)
    scope.require_visible(Actor(is_admin=True), 7)
    with pytest.raises(NotFound):
        scope.require_visible(Actor(office_ids=frozenset({1})), 2)
    with pytest.raises(NotFound):
        scope.require_visible(Actor(office_ids=frozenset({1})), None)


def test_no_other_module_decides_office_scope():
    """`office_ids or {0}` and `is_admin ... office_ids` belong in auth/scope.py only."""
    pattern = re.compile(r"office_ids or \{0\}|is_admin else .*office_ids|office_ids or \(\)")
    allowed = {PACKAGE / "auth" / "scope.py"}
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        if path not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and "OfficeMembership" not in line
    ]
    assert offenders == []
