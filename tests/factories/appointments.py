"""Builders shared by several test modules."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from caseapp.appointments import services
from caseapp.appointments.models import Room
from caseapp.appointments.slots import BERLIN
from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.offices.services import OfficeData, create_office

ALL_DAY = {d: [(time(8, 0), time(18, 0))] for d in range(7)}


def next_day_at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    day = local_today() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def setup_office(app, make_user, *, name="Integrationszentrum Mitte", hours=None, **office_kw):
    """An office open every day 08-18 with two rooms, two caseworkers and a person.

    Returns plain ids: {office, rooms: [..], workers: [emails], worker_ids, person}."""
    from caseapp.people import services as people
    from caseapp.people.validation import PersonData

    with app.test_request_context():
        office = create_office(
            None,
            OfficeData(
                name=name,
                kind="integration_centre",
                street="Marktplatz 3",
                postcode="58762",
                city="Altena",
                phone="+49 2352 209-310",
                hours=hours if hours is not None else ALL_DAY,
                **office_kw,
            ),
        )
        rooms = [Room(office_id=office.id, name="Raum 1"), Room(office_id=office.id, name="Raum 2")]
        db.session.add_all(rooms)
        db.session.commit()
        office_id, room_ids = office.id, [r.id for r in rooms]
    workers = [make_user("caseworker", offices=[office_id], name=f"Caseworker {n}") for n in (1, 2)]
    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == workers[0]))
        person = people.register_person(
            worker,
            PersonData(
                given_name="Amal",
                family_name="Haddad",
                birth_year=1990,
                languages=[{"code": "ar", "level": "native"}],
                email="amal@example.org",
                phone="+49 171 1234567",
            ),
            office_id=office_id,
            caseworker_id=worker.id,
            today=local_today(),
        )
        db.session.commit()
        worker_ids = [db.session.scalar(select(User.id).where(User.email == e)) for e in workers]
        return {
            "office": office_id,
            "rooms": room_ids,
            "workers": workers,
            "worker_ids": worker_ids,
            "person": person.id,
        }


def make_person(app, setup, given="Karim", family="Yilmaz", **kw):
    from caseapp.people import services as people
    from caseapp.people.validation import PersonData

    with app.test_request_context():
        worker = db.session.get(User, setup["worker_ids"][0])
        person = people.register_person(
            worker,
            PersonData(given_name=given, family_name=family, birth_year=1985, **kw),
            office_id=setup["office"],
            caseworker_id=worker.id,
            today=local_today(),
        )
        db.session.commit()
        return person.id


def data_for(setup, start, *, minutes=30, room=0, worker=0, **kw) -> services.BookingData:
    return services.BookingData(
        office_id=setup["office"],
        room_id=setup["rooms"][room] if room is not None else None,
        caseworker_id=setup["worker_ids"][worker] if worker is not None else None,
        starts_at=start,
        duration_minutes=minutes,
        **kw,
    )


def book(app, setup, start, *, person=None, actor=0, **kw) -> int:
    """Book through the service and commit; returns the appointment id."""
    from caseapp.people.models import Person

    with app.test_request_context():
        actor_user = db.session.get(User, setup["worker_ids"][actor])
        appointment = services.book_appointment(
            actor_user,
            db.session.get(Person, person or setup["person"]),
            data_for(setup, start, **kw),
            now=utcnow(),
        )
        db.session.commit()
        return appointment.id


def room_and_appointment(office_id: int, person_id: int, caseworker_id: int, *, days: int = 2):
    """A room "Raum 1" and a 30-minute appointment in it `days` from now (flushed, not
    committed): the records the access matrices and the API tests read and change."""
    from caseapp.appointments.models import Appointment

    room = Room(office_id=office_id, name="Raum 1")
    db.session.add(room)
    db.session.flush()
    start = utcnow().replace(microsecond=0) + timedelta(days=days)
    appointment = Appointment(
        person_id=person_id,
        office_id=office_id,
        room_id=room.id,
        caseworker_id=caseworker_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    db.session.add(appointment)
    db.session.flush()
    return room, appointment
