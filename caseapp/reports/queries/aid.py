"""Aid indicators: aid given by kind and value, and aid given despite a repeated-aid warning."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.people.models import AidEntry, AidKind, Person
from caseapp.reports import cube as cubes
from caseapp.reports.queries.common import Breakdown, Context, Source, grouped


def _source(*where) -> Source:
    return Source(
        select(AidEntry.id)
        .select_from(AidEntry)
        .join(Person, Person.id == AidEntry.person_id)
        .where(Person.merged_into_id.is_(None), *where),
        when=AidEntry.given_on,
        dates=True,
        areas={"office": AidEntry.office_id, "district": Person.district_id},
    )


def kind_ids() -> list[int]:
    return list(db.session.scalars(select(AidKind.id).order_by(AidKind.name_de)))


def aid(ctx: Context) -> cubes.Cube:
    """Aid entries given in the period by kind, with their value in cents (hidden wherever
    the count is)."""
    rows = grouped(
        _source(),
        ctx.year,
        [func.count(AidEntry.id), func.sum(AidEntry.value_cents)],
        breakdown=Breakdown("kind", AidEntry.aid_kind_id),
    )
    return cubes.build(
        "aid",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("kind",)),
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL, *[("kind", str(k)) for k in kind_ids()]],
        measures=("count", "value"),
        min_cell=ctx.min_cell,
    )


def repeated_aid(ctx: Context) -> cubes.Cube:
    """Aid given although Lotse warned that the household had the same kind recently: the
    caseworker gave a reason (the warnings answered by not giving leave no record)."""
    rows = grouped(
        _source(AidEntry.override_reason != ""),
        ctx.year,
        [func.count(AidEntry.id)],
        breakdown=Breakdown("kind", AidEntry.aid_kind_id),
    )
    return cubes.build(
        "repeated_aid",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("kind",)),
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL, *[("kind", str(k)) for k in kind_ids()]],
        min_cell=ctx.min_cell,
    )
