"""Records behind the URLs of the role x route matrix (tests/web/test_access.py), also used by
the data-protection views' tests."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db


def _case_records(app, world):
    """A person of office A with a consent and a next step, for the URLs that need them."""
    from datetime import UTC, date, datetime

    from caseapp.people import casework, services
    from caseapp.people.validation import PersonData

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        person = services.register_person(
            worker,
            PersonData(given_name="Amal", family_name="Haddad", birth_year=1990),
            office_id=world["office_a"],
            caseworker_id=worker.id,
            today=date(2026, 11, 22),
        )
        consent = casework.record_consent(
            worker,
            person.case,
            purpose="reminders",
            receiving_office_id=None,
            scope="",
            given_on=date(2026, 11, 1),
            form="written",
            today=date(2026, 11, 22),
        )
        casework.log_consultation(
            worker,
            person.case,
            casework.ConsultationData(
                at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                duration_minutes=10,
                mode="phone",
                steps=[casework.StepData("Anrufen", date(2026, 12, 1), worker.id)],
            ),
            office_id=world["office_a"],
        )
        db.session.commit()
        from caseapp.people.models import NextStep

        step_id = db.session.scalar(select(NextStep.id))
        appointment_ids = _appointment_records(person, worker, world)
        return {
            "person_id": person.id,
            "consent_id": consent.id,
            "step_id": step_id,
            **appointment_ids,
        }


def _appointment_records(person, worker, world):
    """A room, a future appointment with a reschedule request, and the world's newcomer
    account linked to the person (portal)."""
    from caseapp.appointments.models import RescheduleRequest
    from caseapp.portal.models import PortalAccess
    from tests.factories.appointments import room_and_appointment

    room, appointment = room_and_appointment(world["office_a"], person.id, worker.id)
    request_row = RescheduleRequest(appointment_id=appointment.id, message="")
    newcomer = db.session.scalar(select(User).where(User.email == world["newcomer"]))
    db.session.add_all([request_row, PortalAccess(person_id=person.id, user_id=newcomer.id)])
    db.session.commit()
    return {"appointment_id": appointment.id, "room_id": room.id, "request_id": request_row.id}
