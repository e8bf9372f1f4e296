"""Casework indicators: registrations, cases, persons consulted, waiting for the first
consultation, consultations by need area and mode, next steps."""

from __future__ import annotations

from sqlalchemy import Integer, String, case, cast, exists, func, literal, select, union_all
from sqlalchemy.orm import aliased

from caseapp.db import UTCDateTime
from caseapp.extensions import db
from caseapp.people.models import Case, CaseStatusChange, Consultation, NextStep, Person
from caseapp.people.vocab import CASE_STATUS, CLOSE_REASONS, CONSULTATION_MODES, NEED_AREAS
from caseapp.reports import cube as cubes
from caseapp.reports.periods import Period, local_midnight_utc
from caseapp.reports.queries.common import (
    Breakdown,
    Context,
    Source,
    days_between,
    distinct_rows,
    grouped,
    in_year,
    local_date,
    quantile_rows,
    unnest_json,
)
from caseapp.reports.vocab import AGE_BANDS, LANGUAGE_GROUPS, NATIONALITY_GROUPS

SEXES = ("f", "m", "x", "none")
OPEN_STATUSES = tuple(s for s in CASE_STATUS if s != "closed")
STEP_STATES = ("on_time", "late", "overdue", "not_due")


def _persons(stmt):
    """Merged-away records are not counted (their rows moved to the surviving person)."""
    return stmt.where(Person.merged_into_id.is_(None))


def _case_areas():
    return {"office": Case.office_id, "district": Person.district_id}


def registration_breakdowns(year: int) -> list[Breakdown]:
    age = year - Person.birth_year
    bands = [(age.between(low, high), band) for band, (low, high) in AGE_BANDS.items()]
    nationality = Person.nationalities[0].as_string()
    language = Person.languages[(0, "code")].as_string()
    return [
        Breakdown("sex", Person.sex),
        Breakdown("age", case((Person.birth_year.is_(None), "unknown"), *bands, else_="unknown")),
        Breakdown(
            "nationality",
            case(
                (nationality.in_(NATIONALITY_GROUPS), nationality),
                (nationality.is_(None), "none"),
                else_="other",
            ),
        ),
        Breakdown(
            "language",
            case(
                (language.in_(LANGUAGE_GROUPS), language),
                (language.is_(None), "none"),
                else_="other",
            ),
        ),
    ]


def registration_categories() -> list[tuple]:
    return [
        cubes.ALL,
        *[("sex", s) for s in SEXES],
        *[("age", a) for a in [*AGE_BANDS, "unknown"]],
        *[("nationality", n) for n in [*NATIONALITY_GROUPS, "other", "none"]],
        *[("language", code) for code in [*LANGUAGE_GROUPS, "other", "none"]],
    ]


def registrations(ctx: Context) -> cubes.Cube:
    """New registrations: cases opened in the period (one case per person)."""
    source = Source(
        _persons(select(Case.id).select_from(Case).join(Person, Person.id == Case.person_id)),
        when=Case.created_at,
        dates=False,
        areas=_case_areas(),
    )
    rows = []
    for breakdown in registration_breakdowns(ctx.year):
        rows += grouped(source, ctx.year, [func.count(Case.id)], breakdown=breakdown)
    return cubes.build(
        "registrations",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("sex", "age", "nationality", "language")),
        areas=ctx.areas("office", "district"),
        categories=registration_categories(),
        min_cell=ctx.min_cell,
    )


def cases_open(ctx: Context) -> cubes.Cube:
    """Open cases at the end of the period by status (open, active, on hold): the status of
    each case's latest change before that instant (every case has its registration as the
    first change).

    One statement for every period end: each status change is valid from its instant until
    the case's next change (LEAD), and counts at the ends that fall inside that interval.
    """
    ends = list(ctx.stock_ends().items())
    if not ends:
        return _empty_open(ctx)
    valid = (
        select(
            CaseStatusChange.case_id.label("case_id"),
            CaseStatusChange.to_status.label("status"),
            CaseStatusChange.at.label("since"),
            func.lead(CaseStatusChange.at)
            .over(
                partition_by=CaseStatusChange.case_id,
                order_by=(CaseStatusChange.at, CaseStatusChange.id),
            )
            .label("until"),
        )
    ).cte("valid")
    instants = union_all(
        *[
            select(literal(i, Integer).label("i"), literal(end, UTCDateTime()).label("at"))
            for i, (_period, end) in enumerate(ends)
        ]
    ).cte("instants")
    stmt = _persons(
        select(
            instants.c.i,
            Case.office_id,
            Person.district_id,
            valid.c.status,
            func.count(),
        )
        .select_from(valid)
        .join(
            instants,
            (valid.c.since < instants.c.at)
            & (valid.c.until.is_(None) | (valid.c.until >= instants.c.at)),
        )
        .join(Case, Case.id == valid.c.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(valid.c.status.in_(OPEN_STATUSES))
        .group_by(instants.c.i, Case.office_id, Person.district_id, valid.c.status)
    )
    rows = []
    for i, office, district, status, n in db.session.execute(stmt):
        period = ends[i][0]
        category = ("status", status)
        rows.append((("office", office), category, period, n))
        rows.append((("district", district), category, period, n))
    return _open_cube(ctx, rows)


def _empty_open(ctx: Context) -> cubes.Cube:
    return _open_cube(ctx, [])


def _open_cube(ctx: Context, rows) -> cubes.Cube:
    return cubes.build(
        "cases_open",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("status",), additive_periods=False),
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL, *[("status", s) for s in OPEN_STATUSES]],
        min_cell=ctx.min_cell,
    )


def cases_closed(ctx: Context) -> cubes.Cube:
    """Closed cases: status changes to closed in the period, by reason."""
    source = Source(
        _persons(
            select(CaseStatusChange.id)
            .select_from(CaseStatusChange)
            .join(Case, Case.id == CaseStatusChange.case_id)
            .join(Person, Person.id == Case.person_id)
            .where(CaseStatusChange.to_status == "closed")
        ),
        when=CaseStatusChange.at,
        dates=False,
        areas=_case_areas(),
    )
    rows = grouped(
        source,
        ctx.year,
        [func.count(CaseStatusChange.id)],
        breakdown=Breakdown("reason", CaseStatusChange.reason),
    )
    return cubes.build(
        "cases_closed",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("reason",)),
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL, *[("reason", r) for r in [*CLOSE_REASONS, "none"]]],
        min_cell=ctx.min_cell,
    )


def _consultations_source(*where) -> Source:
    return Source(
        _persons(
            select(Consultation.id)
            .select_from(Consultation)
            .join(Case, Case.id == Consultation.case_id)
            .join(Person, Person.id == Case.person_id)
            .where(*where)
        ),
        when=Consultation.at,
        dates=False,
        areas={"office": Consultation.office_id, "district": Person.district_id},
    )


def persons_consulted(ctx: Context) -> cubes.Cube:
    """Persons with at least one consultation in the period (distinct persons, counted at
    their case's office: each person once per period)."""
    source = _consultations_source()
    source.areas = _case_areas()
    rows = distinct_rows(source, ctx.year, Consultation.case_id)
    return cubes.build(
        "persons_consulted",
        ctx.year,
        rows,
        cubes.Shape(additive_periods=False),
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL],
        min_cell=ctx.min_cell,
    )


def first_consultation_days(ctx: Context) -> cubes.Cube:
    """Days from registration to the first consultation, for cases whose first consultation
    took place in the period (median and 90th percentile)."""
    earlier = aliased(Consultation)
    start = local_midnight_utc(Period(ctx.year).start)
    firsts = (
        select(Consultation.case_id.label("case_id"), func.min(Consultation.at).label("first_at"))
        .where(
            in_year(Consultation.at, ctx.year, False),
            ~exists().where(earlier.case_id == Consultation.case_id, earlier.at < start),
        )
        .group_by(Consultation.case_id)
        .subquery("firsts")
    )
    source = Source(
        _persons(
            select(Case.id)
            .select_from(firsts)
            .join(Case, Case.id == firsts.c.case_id)
            .join(Person, Person.id == Case.person_id)
        ),
        when=firsts.c.first_at,
        dates=False,
        areas=_case_areas(),
    )
    rows = quantile_rows(source, ctx.year, days_between(firsts.c.first_at, Case.created_at))
    return cubes.build_quantiles(
        "first_consultation_days",
        ctx.year,
        rows,
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL],
        min_cell=ctx.min_cell,
    )


def consultations(ctx: Context) -> cubes.Cube:
    """Consultations in the period by mode (each one mode) and by need area (a consultation
    may touch several need areas, so those rows do not add up to the total)."""
    source = _consultations_source()
    count = [func.count(Consultation.id)]
    rows = grouped(source, ctx.year, count, breakdown=Breakdown("mode", Consultation.mode))
    needs = unnest_json(Consultation.need_areas)
    rows += grouped(
        source,
        ctx.year,
        count,
        breakdown=Breakdown("need", cast(needs.c.value, String), unnest=needs),
    )
    return cubes.build(
        "consultations",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("mode",)),
        areas=ctx.areas("office", "district"),
        categories=[
            cubes.ALL,
            *[("mode", m) for m in CONSULTATION_MODES],
            *[("need", n) for n in NEED_AREAS],
        ],
        min_cell=ctx.min_cell,
    )


def next_steps(ctx: Context) -> cubes.Cube:
    """Next steps due in the period: done on time (on or before the due date), done late,
    overdue (not done, due date passed) or not yet due."""
    done_day = local_date(NextStep.done_at)
    state = case(
        (NextStep.done_at.is_(None) & (NextStep.due_on < ctx.today), literal("overdue")),
        (NextStep.done_at.is_(None), literal("not_due")),
        (done_day <= NextStep.due_on, literal("on_time")),
        else_=literal("late"),
    )
    source = Source(
        _persons(
            select(NextStep.id)
            .select_from(NextStep)
            .join(Case, Case.id == NextStep.case_id)
            .join(Person, Person.id == Case.person_id)
        ),
        when=NextStep.due_on,
        dates=True,
        areas=_case_areas(),
    )
    rows = grouped(source, ctx.year, [func.count(NextStep.id)], breakdown=Breakdown("state", state))
    return cubes.build(
        "next_steps",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("state",)),
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL, *[("state", s) for s in STEP_STATES]],
        min_cell=ctx.min_cell,
    )
