"""Matching indicators: matches made, active, ended by reason, six months reached, waiting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.matches.models import Match, MatchRequest
from caseapp.matches.wording import END_REASONS
from caseapp.people.models import Person
from caseapp.reports import cube as cubes
from caseapp.reports.queries.common import (
    Breakdown,
    Context,
    Source,
    days_between,
    grouped,
    months_later,
    quantile_rows,
)
from caseapp.reports.queries.volunteering import programme_ids

AREA_KINDS = ("office", "district")
SIX_MONTHS = 6


def _programmes() -> list[tuple]:
    return [("programme", str(p)) for p in programme_ids()]


def _matches(*where, when=Match.started_on) -> Source:
    return Source(
        select(Match.id)
        .select_from(Match)
        .join(Person, Person.id == Match.person_id)
        .where(Person.merged_into_id.is_(None), *where),
        when=when,
        dates=True,
        areas={"office": Person.office_id, "district": Person.district_id},
    )


def matches_started(ctx: Context) -> cubes.Cube:
    """Matches (volunteer and newcomer) that started in the period, by programme."""
    rows = grouped(
        _matches(),
        ctx.year,
        [func.count(Match.id)],
        breakdown=Breakdown("programme", Match.programme_id),
    )
    return cubes.build(
        "matches_started",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("programme",)),
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL, *_programmes()],
        min_cell=ctx.min_cell,
    )


def matches_active(ctx: Context) -> cubes.Cube:
    """Matches running on the last day of the period (started, not ended; paused included)."""
    rows = []
    tomorrow = ctx.today + timedelta(days=1)
    for period in ctx.stock_ends():
        end = min(period.end, tomorrow)
        stmt = (
            select(Person.office_id, Person.district_id, Match.programme_id, func.count(Match.id))
            .select_from(Match)
            .join(Person, Person.id == Match.person_id)
            .where(
                Person.merged_into_id.is_(None),
                Match.started_on < end,
                Match.ended_on.is_(None) | (Match.ended_on >= end),
            )
            .group_by(Person.office_id, Person.district_id, Match.programme_id)
        )
        for office, district, programme, n in db.session.execute(stmt):
            category = ("programme", str(programme))
            rows.append((("office", office), category, period, n))
            rows.append((("district", district), category, period, n))
    return cubes.build(
        "matches_active",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("programme",), additive_periods=False),
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL, *_programmes()],
        min_cell=ctx.min_cell,
    )


def matches_ended(ctx: Context) -> cubes.Cube:
    """Matches that ended in the period, by reason and by programme."""
    source = _matches(Match.ended_on.is_not(None), when=Match.ended_on)
    count = [func.count(Match.id)]
    rows = grouped(source, ctx.year, count, breakdown=Breakdown("reason", Match.end_reason))
    rows += grouped(source, ctx.year, count, breakdown=Breakdown("programme", Match.programme_id))
    return cubes.build(
        "matches_ended",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("reason", "programme")),
        areas=ctx.areas(*AREA_KINDS),
        categories=[
            cubes.ALL,
            *[("reason", r) for r in [*END_REASONS, "none"]],
            *_programmes(),
        ],
        min_cell=ctx.min_cell,
    )


def matches_six_months(ctx: Context) -> cubes.Cube:
    """Matches that reached six months in the period (the mentoring programmes' minimum):
    the day six calendar months after the start falls in the period and the match had not
    ended before it."""
    mark = months_later(Match.started_on, SIX_MONTHS)
    source = _matches(Match.ended_on.is_(None) | (Match.ended_on >= mark), when=mark)
    rows = grouped(
        source,
        ctx.year,
        [func.count(Match.id)],
        breakdown=Breakdown("programme", Match.programme_id),
    )
    return cubes.build(
        "matches_six_months",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("programme",)),
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL, *_programmes()],
        min_cell=ctx.min_cell,
    )


def match_waiting_days(ctx: Context) -> cubes.Cube:
    """Days a newcomer waited on the list until the match started (matches started in the
    period): median and 90th percentile."""
    source = _matches()
    source.stmt = source.stmt.join(MatchRequest, MatchRequest.id == Match.request_id)
    rows = quantile_rows(
        source,
        ctx.year,
        days_between(Match.started_on, MatchRequest.waiting_since, dates=True),
    )
    return cubes.build_quantiles(
        "match_waiting_days",
        ctx.year,
        rows,
        areas=ctx.areas(*AREA_KINDS),
        categories=[cubes.ALL],
        min_cell=ctx.min_cell,
    )
