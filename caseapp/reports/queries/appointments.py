"""Appointment indicators: booked by outcome and need area, no-show rate, reschedule requests."""

from __future__ import annotations

from sqlalchemy import case, func, literal, select

from caseapp.appointments.models import (
    ATTENDED,
    CANCELLED,
    CANCELLED_BY_NEWCOMER,
    NO_SHOW,
    SCHEDULED,
    Appointment,
    RescheduleRequest,
)
from caseapp.people.models import Person
from caseapp.people.vocab import NEED_AREAS
from caseapp.reports import cube as cubes
from caseapp.reports.queries.common import Breakdown, Context, Source, grouped

STATUSES = (ATTENDED, NO_SHOW, SCHEDULED, CANCELLED, CANCELLED_BY_NEWCOMER)
REQUEST_STATES = ("handled", "open")


def appointments(ctx: Context) -> cubes.Cube:
    """Appointments that start in the period, by outcome (attended, not attended, still
    scheduled, cancelled by the office or by the newcomer) and by need area."""
    source = Source(
        select(Appointment.id)
        .select_from(Appointment)
        .join(Person, Person.id == Appointment.person_id)
        .where(Person.merged_into_id.is_(None)),
        when=Appointment.starts_at,
        dates=False,
        areas={"office": Appointment.office_id, "district": Person.district_id},
    )
    count = [func.count(Appointment.id)]
    rows = grouped(source, ctx.year, count, breakdown=Breakdown("status", Appointment.status))
    rows += grouped(source, ctx.year, count, breakdown=Breakdown("need", Appointment.need_area))
    return cubes.build(
        "appointments",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("status", "need")),
        areas=ctx.areas("office", "district"),
        categories=[
            cubes.ALL,
            *[("status", s) for s in STATUSES],
            *[("need", n) for n in [*NEED_AREAS, "none"]],
        ],
        min_cell=ctx.min_cell,
    )


def reschedule_requests(ctx: Context) -> cubes.Cube:
    """Requests from newcomers (portal) to move an appointment, by whether the office has
    handled them yet, in the period they were made."""
    state = case((RescheduleRequest.handled_at.is_(None), literal("open")), else_="handled")
    source = Source(
        select(RescheduleRequest.id)
        .select_from(RescheduleRequest)
        .join(Appointment, Appointment.id == RescheduleRequest.appointment_id)
        .join(Person, Person.id == Appointment.person_id)
        .where(Person.merged_into_id.is_(None)),
        when=RescheduleRequest.requested_at,
        dates=False,
        areas={"office": Appointment.office_id, "district": Person.district_id},
    )
    rows = grouped(
        source, ctx.year, [func.count(RescheduleRequest.id)], breakdown=Breakdown("state", state)
    )
    return cubes.build(
        "reschedule_requests",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("state",)),
        areas=ctx.areas("office", "district"),
        categories=[cubes.ALL, *[("state", s) for s in REQUEST_STATES]],
        min_cell=ctx.min_cell,
    )
