"""The calendar: a day or a week per office, caseworker or room, with free slots."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template, request
from flask_login import current_user

from caseapp.appointments import services
from caseapp.appointments.blueprint import bp
from caseapp.appointments.slots import week_days
from caseapp.appointments.views.common import (
    CASEWORK,
    appointment_or_404,
    person_or_404,
    visible_offices,
)
from caseapp.core.clock import local_today, utcnow
from caseapp.offices.models import Office
from caseapp.people import services as people
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.readonly import read_only


@bp.get("/calendar")
@access(*CASEWORK)
@read_only
def calendar():
    """Day or week per office, caseworker or room, with free slots from the opening hours."""
    offices = visible_offices()
    if not offices:
        return render_template("appointments/calendar.html", office=None, offices=[])
    args = request.args
    office_id = args.get("office", type=int) or offices[0].id
    office = next((o for o in offices if o.id == office_id), None)
    if office is None:
        abort(404)
    view = "day" if args.get("view") == "day" else "week"
    try:
        day = date.fromisoformat(args.get("date", ""))
    except ValueError:
        day = local_today()
    caseworkers = people.caseworkers_of({office.id})
    rooms = services.rooms_of(office.id, active_only=True)
    caseworker_id = args.get("caseworker", type=int)
    if caseworker_id not in {u.id for u in caseworkers}:
        caseworker_id = None
    room_id = args.get("room", type=int)
    if room_id not in {r.id for r in rooms}:
        room_id = None
    duration = min(max(args.get("duration", type=int) or 30, 5), 480)
    person = None
    if args.get("person", type=int):
        person = person_or_404(args.get("person", type=int))
    moving = None
    if args.get("move", type=int):
        moving = appointment_or_404(args.get("move", type=int))
    days = [day] if view == "day" else week_days(day)
    start, _end = services.day_bounds(days[0])
    _start, end = services.day_bounds(days[-1])
    shown = services.in_range(
        start, end, office_id=office.id, caseworker_id=caseworker_id, room_id=room_id
    )
    now = utcnow()
    columns = []
    for d in days:
        d_start, d_end = services.day_bounds(d)
        free = []
        if caseworker_id or room_id:
            free = services.free_slots_for(
                office,
                d,
                duration_minutes=duration,
                caseworker_id=caseworker_id,
                room_id=room_id,
                now=now,
            )
        columns.append(
            {
                "day": d,
                "appointments": [a for a in shown if d_start <= a.starts_at < d_end],
                "free": free,
                "open": [h for h in office.opening_hours if h.weekday == d.weekday()],
            }
        )
    audit_calendar(office)
    step = timedelta(days=1 if view == "day" else 7)
    return flow.render_audited(
        "appointments/calendar.html",
        office=office,
        offices=offices,
        caseworkers=caseworkers,
        rooms=rooms,
        caseworker_id=caseworker_id,
        room_id=room_id,
        view=view,
        day=day,
        prev_day=(day - step).isoformat(),
        next_day=(day + step).isoformat(),
        columns=columns,
        duration=duration,
        person=person,
        moving=moving,
        today=local_today(),
        open_requests=services.open_requests_for(current_user),
    )


def audit_calendar(office: Office) -> None:
    from caseapp.audit import services as audit

    audit.record(current_user, "view_calendar", "office", office.id, office_id=office.id)
