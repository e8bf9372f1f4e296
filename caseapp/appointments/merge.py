"""The appointments package's part of a merge: every appointment goes to the survivor."""

from __future__ import annotations

from sqlalchemy import update

from caseapp.appointments.models import Appointment
from caseapp.core.signals import merge_handler
from caseapp.extensions import db


@merge_handler("appointments.person_id")
def merge_appointments(survivor, *, removed, actor=None, **_kw) -> dict[str, int]:
    result = db.session.execute(
        update(Appointment).where(Appointment.person_id == removed.id).values(person_id=survivor.id)
    )
    return {"appointments": result.rowcount or 0}
