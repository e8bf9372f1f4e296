"""Demo rooms and appointments (coming two weeks, past three months with attendance), and a
newcomer with a portal access code to try the portal (idempotent)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from caseapp.appointments import services, slots
from caseapp.appointments.models import (
    ATTENDED,
    CANCELLED_BY_NEWCOMER,
    NO_SHOW,
    Appointment,
    AppointmentChange,
    Room,
)
from caseapp.auth.models import OfficeMembership, User, UserRole
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.people.models import Case, Person

ROOMS = ["Beratungsraum 1", "Beratungsraum 2", "Gruppenraum"]
# What to bring: documents of the vocabulary (caseapp/appointments/documents.py, shown in the
# newcomer's language) and now and then a free-text note for anything else.
BRING = [
    (["passport", "residence_permit"], ""),
    (["rental_contract"], "Letzte Nebenkostenabrechnung"),
    (["school_certificates"], "Lebenslauf (falls vorhanden)"),
    (["benefit_notice", "bank_details"], ""),
    (["arrival_certificate", "health_insurance_card", "registration_certificate"], ""),
    ([], ""),
]
NEEDS = ["housing", "work", "language", "benefits", "legal", "education"]
PORTAL_DEMO_ID = "demo-portal-newcomer"


def _workers(office_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(OfficeMembership, OfficeMembership.user_id == User.id)
            .where(
                OfficeMembership.office_id == office_id,
                User.roles.any(UserRole.role == "caseworker"),
            )
            .order_by(User.id)
        )
    )


def _portal_person(office: Office, worker: User) -> Person:
    from caseapp.people.services import register_person
    from caseapp.people.validation import PersonData

    person = db.session.scalar(select(Person).where(Person.external_id == PORTAL_DEMO_ID))
    if person is None:
        person = register_person(
            worker,
            PersonData(
                given_name="Rania",
                family_name="Khalil",
                original_name="رانيا خليل",
                birth_year=1991,
                sex="f",
                nationalities=["SY"],
                languages=[{"code": "ar", "level": "native"}, {"code": "de", "level": "A2"}],
                interpreter_language="ar",
                external_id=PORTAL_DEMO_ID,
            ),
            office_id=office.id,
            caseworker_id=worker.id,
            today=local_today(),
        )
    return person


def seed(rng_seed: int = 11) -> None:
    rng = random.Random(rng_seed)  # noqa: S311 - made-up data, reproducible
    offices = [
        o
        for o in db.session.scalars(
            select(Office).where(Office.active.is_(True)).order_by(Office.id)
        )
        if o.opening_hours and _workers(o.id)
    ]
    for office in offices:
        for name in ROOMS[:2] if office.kind != "integration_centre" else ROOMS:
            exists = db.session.scalar(
                select(Room.id).where(Room.office_id == office.id, Room.name == name)
            )
            if not exists:
                db.session.add(Room(office_id=office.id, name=name))
    db.session.flush()
    if not offices:
        return
    main = next((o for o in offices if o.kind == "integration_centre"), offices[0])
    _portal_person(main, _workers(main.id)[0])
    db.session.flush()
    if db.session.scalar(select(func.count(Appointment.id))):
        return
    now = utcnow()
    today = local_today()
    portal_days: set[int] = set()
    for office in offices:
        rooms = services.rooms_of(office.id, active_only=True)
        workers = _workers(office.id)
        persons = list(
            db.session.scalars(
                select(Person)
                .join(Case, Case.person_id == Person.id)
                .where(Case.office_id == office.id, Person.merged_into_id.is_(None))
                .order_by(Person.id)
                .limit(40)
            )
        )
        if not persons:
            continue
        if office.id == main.id:
            portal = db.session.scalar(select(Person).where(Person.external_id == PORTAL_DEMO_ID))
            persons = [portal, *[p for p in persons if p.id != portal.id]]
        # Coming two weeks: booked through the service (opening hours, no double bookings).
        for offset in range(0, 15):
            day = today + timedelta(days=offset)
            for worker in workers:
                free = services.free_slots_for(
                    office,
                    day,
                    duration_minutes=45,
                    caseworker_id=worker.id,
                    room_id=None,
                    now=now,
                )
                for slot in rng.sample(free, min(len(free), rng.randint(0, 2))):
                    # The demo newcomer gets two appointments; others one here and there.
                    if office.id == main.id and offset in (2, 9) and offset not in portal_days:
                        person = persons[0]
                        portal_days.add(offset)
                    else:
                        person = rng.choice(persons[1:] or persons)
                    room = next(
                        (
                            r
                            for r in rooms
                            if not services.clashes(slot.start, slot.end, room_id=r.id)
                        ),
                        None,
                    )
                    need = rng.choice(NEEDS)
                    bring = rng.choice(BRING)
                    try:
                        services.book_appointment(
                            worker,
                            person,
                            services.BookingData(
                                office_id=office.id,
                                room_id=room.id if room else None,
                                caseworker_id=worker.id,
                                starts_at=slot.start,
                                duration_minutes=45,
                                need_area=need,
                                purpose="Beratung",
                                interpreter_language=person.interpreter_language or "",
                                documents_to_bring=bring[0],
                                notes_for_newcomer=bring[1],
                            ),
                            now=now,
                            confirm_person_overlap=True,
                        )
                    except Exception:  # noqa: S112 - a clash in demo data is simply skipped
                        continue
        # Past three months, with attendance recorded.
        for offset in range(1, 92, 2):
            day = today - timedelta(days=offset)
            periods = slots.opening_intervals(day, services.hours_of(office))
            if not periods:
                continue
            worker = rng.choice(workers)
            start = periods[0].start + timedelta(minutes=30 * rng.randint(0, 3))
            status = rng.choices([ATTENDED, NO_SHOW, CANCELLED_BY_NEWCOMER], [80, 12, 8])[0]
            appointment = Appointment(
                person_id=(persons[0] if offset in (20, 45) else rng.choice(persons)).id,
                office_id=office.id,
                room_id=rng.choice(rooms).id if rooms else None,
                caseworker_id=worker.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
                scheduled_at=start - timedelta(days=7),
                need_area=rng.choice(NEEDS),
                purpose="Beratung",
                status=status,
                created_by_id=worker.id,
            )
            db.session.add(appointment)
            db.session.flush()
            db.session.add_all(
                [
                    AppointmentChange(
                        appointment_id=appointment.id,
                        at=start - timedelta(days=7),
                        by_id=worker.id,
                        action="booked",
                        new_starts_at=start,
                    ),
                    AppointmentChange(
                        appointment_id=appointment.id,
                        at=start + timedelta(minutes=40),
                        by_id=worker.id,
                        action=status,
                        old_starts_at=start,
                    ),
                ]
            )
    db.session.flush()


def portal_demo_login(valid_days: int = 90) -> tuple[str, str] | None:
    """Issue a fresh access code for the demo newcomer: (case number, code) to print."""
    from caseapp.portal.services import issue_code

    person = db.session.scalar(select(Person).where(Person.external_id == PORTAL_DEMO_ID))
    if person is None:
        return None
    code = issue_code(None, person, now=utcnow(), valid_days=valid_days)
    return person.case.case_number, code
