"""Volunteer indicators: sign-ups, decisions, trained (certificates), active and hours."""

from __future__ import annotations

from sqlalchemy import Integer, case, distinct, func, literal, select

from caseapp.extensions import db
from caseapp.reports import cube as cubes
from caseapp.reports.queries.common import LEVELS, Breakdown, Context, Source, grouped
from caseapp.volunteers.models import Application, Certificate, HoursEntry, Programme, Volunteer

AREA_KINDS = ("district",)
DECISIONS = ("approved", "declined")


def programme_ids() -> list[int]:
    return list(db.session.scalars(select(Programme.id).order_by(Programme.name_de)))


def _programmes() -> list[tuple]:
    return [("programme", str(p)) for p in programme_ids()]


def volunteer_signups(ctx: Context) -> cubes.Cube:
    """Volunteers who signed up in the period (public form or entered by the coordination)."""
    source = Source(
        select(Volunteer.id).select_from(Volunteer),
        when=Volunteer.created_at,
        dates=False,
        areas={"district": Volunteer.district_id},
    )
    rows = grouped(source, ctx.year, [func.count(Volunteer.id)])
    return cubes.build(
        "volunteer_signups",
        ctx.year,
        rows,
        cubes.Shape(area_kinds=AREA_KINDS),
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL],
        min_cell=ctx.min_cell,
    )


def volunteer_decisions(ctx: Context) -> cubes.Cube:
    """Applications to a programme decided in the period: approved or declined."""
    decision = case((Application.status == "declined", literal("declined")), else_="approved")
    source = Source(
        select(Application.id)
        .select_from(Application)
        .join(Volunteer, Volunteer.id == Application.volunteer_id),
        when=Application.decided_at,
        dates=False,
        areas={"district": Volunteer.district_id},
    )
    count = [func.count(Application.id)]
    rows = grouped(source, ctx.year, count, breakdown=Breakdown("decision", decision))
    rows += grouped(
        source, ctx.year, count, breakdown=Breakdown("programme", Application.programme_id)
    )
    return cubes.build(
        "volunteer_decisions",
        ctx.year,
        rows,
        cubes.Shape(area_kinds=AREA_KINDS, additive_breakdowns=("decision", "programme")),
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL, *[("decision", d) for d in DECISIONS], *_programmes()],
        min_cell=ctx.min_cell,
    )


def volunteers_trained(ctx: Context) -> cubes.Cube:
    """Volunteers who completed a programme's training in the period (certificate issued and
    not revoked), by programme."""
    source = Source(
        select(Certificate.id)
        .select_from(Certificate)
        .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
        .where(Certificate.revoked_at.is_(None)),
        when=Certificate.issued_at,
        dates=False,
        areas={"district": Volunteer.district_id},
    )
    rows = grouped(
        source,
        ctx.year,
        [func.count(Certificate.id)],
        breakdown=Breakdown("programme", Certificate.programme_id),
    )
    return cubes.build(
        "volunteers_trained",
        ctx.year,
        rows,
        cubes.Shape(area_kinds=AREA_KINDS, additive_breakdowns=("programme",)),
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL, *_programmes()],
        min_cell=ctx.min_cell,
    )


def volunteer_hours(ctx: Context) -> cubes.Cube:
    """Hours volunteers logged in the period, and the volunteers who logged any (active
    volunteers): hours are hidden wherever fewer than min_cell volunteers stand behind them."""
    source = Source(
        select(HoursEntry.id)
        .select_from(HoursEntry)
        .join(Volunteer, Volunteer.id == HoursEntry.volunteer_id),
        when=HoursEntry.day,
        dates=True,
        areas={"district": Volunteer.district_id},
    )
    programme = Breakdown("programme", HoursEntry.programme_id)
    volunteers = func.count(distinct(HoursEntry.volunteer_id))
    rows = grouped(
        source, ctx.year, [func.sum(HoursEntry.minutes), volunteers], breakdown=programme
    )
    # Distinct volunteers do not add up over programmes or months: count every level.
    nothing = literal(0, Integer)
    for level in LEVELS:
        for breakdown in (programme, None):
            if level == LEVELS[0] and breakdown is programme:
                continue
            rows += grouped(
                source, ctx.year, [nothing, volunteers], breakdown=breakdown, level=level
            )
    return cubes.build(
        "volunteer_hours",
        ctx.year,
        rows,
        cubes.Shape(area_kinds=AREA_KINDS, additive_breakdowns=("programme",)),
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL, *_programmes()],
        measures=("minutes", "volunteers"),
        contributors="volunteers",
        distinct_axes={"volunteers": (1, 2)},
        min_cell=ctx.min_cell,
    )
