"""Rooms of an office: listed in the booking form and the calendar, added and retired."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.appointments.models import Room
from caseapp.audit import services as audit
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import Office


def rooms_of(office_id: int, *, active_only: bool = False) -> list[Room]:
    stmt = select(Room).where(Room.office_id == office_id)
    if active_only:
        stmt = stmt.where(Room.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Room.name)))


def create_room(actor, office: Office, name: str, notes: str = "") -> Room:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": _("This field is required.")})
    if db.session.scalar(
        select(Room.id).where(Room.office_id == office.id, func.lower(Room.name) == name.lower())
    ):
        raise ValidationFailed({"name": _("This office already has a room with this name.")})
    room = Room(office_id=office.id, name=name, notes=notes.strip())
    db.session.add(room)
    db.session.flush()
    audit.record(
        actor, "create", "room", room.id, office_id=office.id, details={"name": [None, name]}
    )
    return room


def set_room_active(actor, room: Room, active: bool) -> None:
    if room.active != active:
        room.active = active
        audit.record(
            actor,
            "update",
            "room",
            room.id,
            office_id=room.office_id,
            details={"active": [not active, active]},
        )
