"""Builders shared by several test modules."""

from __future__ import annotations

from datetime import timedelta

from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from tests.factories.appointments import book, next_day_at, setup_office

LATIN_NAME = ("Rania", "Khalil")


OTHER_NAME = ("Omar", "Haddad")  # names are in Latin letters as in the passport


ROOM = "Beratungsraum 2.14"


ARABIC_ROOM = "قاعة الاستشارة"  # free text typed in Arabic sits in German lists too


STEP = "Mietvertrag mitbringen"


ARABIC_STEP = "إحضار عقد الإيجار"


def seed_office(app, make_user) -> dict:
    """An office with two newcomers, an appointment each today (rooms named in German and in
    Arabic), next steps due (one typed in Arabic), and a referral sent to another office that
    answered."""
    from caseapp.appointments.models import Room
    from caseapp.people import casework
    from caseapp.people import services as people
    from caseapp.people.models import Person
    from caseapp.people.validation import PersonData
    from caseapp.referrals.models import Referral, ReferralEvent, Service

    setup = setup_office(app, make_user, name="Integrationszentrum Mitte")
    with app.test_request_context():
        db.session.get(Room, setup["rooms"][0]).name = ROOM
        db.session.get(Room, setup["rooms"][1]).name = ARABIC_ROOM
        worker = db.session.get(User, setup["worker_ids"][0])
        ids = []
        for (given, family), step in ((LATIN_NAME, STEP), (OTHER_NAME, ARABIC_STEP)):
            person = people.register_person(
                worker,
                PersonData(
                    given_name=given,
                    family_name=family,
                    birth_year=1991,
                    phone="+49 171 5550199",
                    street="Lennestraße 12",
                    postcode="58762",
                    city="Altena",
                ),
                office_id=setup["office"],
                caseworker_id=worker.id,
                today=local_today(),
            )
            casework.log_consultation(
                worker,
                person.case,
                casework.ConsultationData(
                    at=utcnow() - timedelta(days=2),
                    duration_minutes=30,
                    mode="in_person",
                    steps=[casework.StepData(step, local_today() - timedelta(days=1), worker.id)],
                ),
                office_id=setup["office"],
            )
            ids.append(person.id)
        other = setup_office(app, make_user, name="Jobcenter Altena")
        service = Service(office_id=other["office"], name_de="Arbeitsvermittlung", response_days=3)
        db.session.add(service)
        db.session.flush()
        person = db.session.get(Person, ids[0])
        referral = Referral(
            person_id=person.id,
            case_id=person.case.id,
            from_office_id=setup["office"],
            to_office_id=other["office"],
            service_id=service.id,
            need="work",
            status="accepted",
            sent_at=utcnow() - timedelta(days=1),
            respond_by=utcnow() + timedelta(days=2),
            created_by_id=worker.id,
        )
        db.session.add(referral)
        db.session.flush()
        db.session.add(
            ReferralEvent(
                referral_id=referral.id,
                at=utcnow() - timedelta(hours=3),
                office_id=other["office"],
                from_status="sent",
                to_status="accepted",
            )
        )
        db.session.commit()
        setup["people"] = ids
        setup["referral"] = referral.id
        setup["case_numbers"] = [db.session.get(Person, i).case.case_number for i in ids]
    book(app, setup, next_day_at(14, days=0), person=ids[0], room=0)
    book(app, setup, next_day_at(15, days=0), person=ids[1], room=1)
    return setup
