"""Shared by the appointment views: who may use them, lookups, choices and form times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from caseapp.appointments import services
from caseapp.appointments.slots import BERLIN
from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.people import services as people
from caseapp.people.models import Person
from caseapp.web.flow import written  # noqa: F401 - the views use it from here

CASEWORK = (Role.CASEWORKER, Role.ADMIN)


def person_or_404(person_id: int, *, audit_read: bool = False) -> Person:
    try:
        return people.get_person(current_user, person_id, audit_read=audit_read)
    except NotFound:
        abort(404)


def appointment_or_404(appointment_id: int, *, audit_read: bool = False):
    try:
        return services.get_appointment(current_user, appointment_id, audit_read=audit_read)
    except NotFound:
        abort(404)


def visible_offices() -> list[Office]:
    offices = scope.visible_office_ids(current_user)
    stmt = select(Office).where(Office.active.is_(True)).order_by(Office.name)
    if offices is not None:
        stmt = stmt.where(Office.id.in_(offices or {0}))
    return list(db.session.scalars(stmt))


def room_choices(offices: list[Office]):
    several = len(offices) > 1
    return [
        (r.id, f"{r.name} ({o.name})" if several else r.name)
        for o in offices
        for r in services.rooms_of(o.id, active_only=True)
    ]


def caseworker_choices(offices: list[Office]):
    return [(u.id, u.display_name) for u in people.caseworkers_of({o.id for o in offices})]


def local_time(value: datetime) -> datetime:
    """A naive local time from a datetime-local field as an aware Berlin time."""
    return value.replace(tzinfo=BERLIN)


def parse_start(raw: str | None) -> datetime | None:
    try:
        return datetime.strptime(raw or "", "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def unless_person_busy(others: list, book: Callable[[], Any]) -> Callable[[], Any]:
    """A booking or move for `flow.submit`: when the newcomer has another appointment at that
    time, nothing is saved, the others land in `others` and the form comes back to confirm."""

    def run():
        try:
            return book()
        except services.PersonBusy as warning:
            others.extend(warning.others)
            raise ValidationFailed({}) from warning

    return run
