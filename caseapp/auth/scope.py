"""Office scope: which offices' records an actor may see. The one place that decides it.

Every list, search, detail page, count and (later) API or report query asks here, instead
of re-deciding "administrators see everything, everyone else their own offices":

- `visible_office_ids(actor)` — None means every office (administrators and system jobs,
  where `actor` is None); otherwise the offices the actor is a member of;
- `own_office_ids(actor)` — the offices the actor works in, also for administrators ("my
  cases", "my appointments today");
- `scoped(stmt, column, actor)` — the statement limited to rows whose `column` (an office id
  column) is visible;
- `own(stmt, column, actor)` — the same, limited to the actor's own offices;
- `can_see(actor, office_id)` / `require_visible(actor, office_id)` — a single record
  (NotFound, never "forbidden": another office's records are not there for this user);
- `data_protection_office_ids(actor)` — whose persons an actor may export, erase or hold for
  the data-protection tasks: every office for the data-protection permission (city-wide,
  like reports), otherwise `visible_office_ids`.

Flask-free; `actor` is anything with `is_admin` and `office_ids` (auth.models.User).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from caseapp.core.errors import NotFound

# An IN () with no values is not valid SQL everywhere; an id no row has stands in for "none".
_NO_OFFICE = frozenset({0})


def visible_office_ids(actor) -> frozenset[int] | None:
    """None: every office (administrators, system jobs); otherwise the actor's own offices."""
    if actor is None or actor.is_admin:
        return None
    return frozenset(actor.office_ids)


def own_office_ids(actor) -> frozenset[int]:
    """The offices the actor is a member of (administrators too; none for system jobs)."""
    if actor is None:
        return frozenset()
    return frozenset(actor.office_ids)


def _in(column: Any, offices: frozenset[int]):
    return column.in_(offices or _NO_OFFICE)


def scoped(stmt: Select, column: Any, actor) -> Select:
    """`stmt` limited to rows whose office `column` the actor may see."""
    offices = visible_office_ids(actor)
    return stmt if offices is None else stmt.where(_in(column, offices))


def own(stmt: Select, column: Any, actor) -> Select:
    """`stmt` limited to rows of the actor's own offices (administrators included)."""
    return stmt.where(_in(column, own_office_ids(actor)))


def within(stmt: Select, column: Any, offices: frozenset[int] | None) -> Select:
    """`stmt` limited to `offices` as returned by visible_office_ids (None: no limit)."""
    return stmt if offices is None else stmt.where(_in(column, offices))


def can_see(actor, office_id: int | None) -> bool:
    offices = visible_office_ids(actor)
    return offices is None or (office_id is not None and office_id in offices)


def require_visible(actor, office_id: int | None) -> None:
    """NotFound unless the actor may see records of `office_id`."""
    if not can_see(actor, office_id):
        raise NotFound()


def data_protection_office_ids(actor) -> frozenset[int] | None:
    """None: every office (administrators, system jobs, the data-protection permission)."""
    if actor is not None and actor.has_role("data_protection"):
        return None
    return visible_office_ids(actor)


def can_see_for_data_protection(actor, office_id: int | None) -> bool:
    offices = data_protection_office_ids(actor)
    return offices is None or (office_id is not None and office_id in offices)


def first_own_office(actor) -> int | None:
    """A stable office to file an actor's action under (audit), or None."""
    return min(own_office_ids(actor), default=None)
