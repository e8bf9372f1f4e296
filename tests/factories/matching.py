"""A small matching world on the real database: districts, a programme, volunteers, newcomers."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.matches import services
from caseapp.offices.models import District
from caseapp.people.models import Person
from caseapp.volunteers.models import Volunteer

TODAY = date(2026, 11, 30)


def trained_volunteer(email: str, programme_id: int, district_id: int, languages, **kw) -> int:
    """A confirmed volunteer of `email` (an existing account), trained for the programme."""
    from tests.factories.volunteers import make_profile

    user = db.session.scalar(select(User).where(User.email == email))
    volunteer = make_profile(
        user,
        [programme_id],
        district_id=district_id,
        languages=languages,
        capacity=kw.pop("capacity", 1),
        **kw,
    )
    volunteer.email_confirmed_at = utcnow()
    volunteer.applications[0].status = "trained"
    db.session.flush()
    return volunteer.id


def newcomer(worker: User, office_id: int, given: str, district_id: int, languages, **kw) -> Person:
    from caseapp.people.services import register_person
    from caseapp.people.validation import PersonData

    return register_person(
        worker,
        PersonData(
            given_name=given,
            family_name=kw.pop("family_name", "Haddad"),
            birth_year=kw.pop("birth_year", 1990),
            languages=[{"code": c, "level": lv} for c, lv in languages],
            district_id=district_id,
            **kw,
        ),
        office_id=office_id,
        caseworker_id=worker.id,
        today=TODAY,
    )


def consent_to_matching(worker: User, person: Person) -> None:
    """The volunteer_matching consent a person needs to go on a waiting list (once)."""
    from caseapp.people import casework, consents

    if consents.has_consent(person.id, "volunteer_matching", TODAY):
        return
    casework.record_consent(
        worker,
        person.case,
        purpose="volunteer_matching",
        receiving_office_id=None,
        scope="",
        given_on=TODAY,
        form="written",
        today=TODAY,
    )


def build(
    app, world, make_user, *, kind="welcome_ambassador", volunteer_email=None, name=None
) -> dict:
    """Districts Altstadt–Nordstadt (neighbours) and Hafen; two volunteers; three waiting."""
    from tests.factories.volunteers import make_programme

    second = make_user("volunteer", email="vol2@test.example", name="Derya Kaya")
    with app.test_request_context():
        alt, nord, hafen = (District(name=n) for n in ("Altstadt", "Nordstadt", "Hafen"))
        db.session.add_all([alt, nord, hafen])
        db.session.flush()
        services.set_neighbours(None, alt.id, {nord.id})
        extra = {"name_de": name} if name else {}
        programme_id = make_programme(kind=kind, max_newcomers=2, min_commitment_months=6, **extra)
        v1 = trained_volunteer(
            volunteer_email or world["volunteer"],
            programme_id,
            alt.id,
            [("de", "native"), ("ar", "good")],
        )
        v2 = trained_volunteer(second, programme_id, nord.id, [("de", "native"), ("tr", "native")])
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        people = {
            "amal": newcomer(worker, world["office_a"], "Amal", alt.id, [("ar", "native")]),
            "emre": newcomer(
                worker, world["office_a"], "Emre", nord.id, [("tr", "native")], family_name="Yıldız"
            ),
            "selam": newcomer(
                worker,
                world["office_a"],
                "Selam",
                alt.id,
                [("ti", "native")],
                family_name="Tesfaye",
            ),
        }
        requests = {}
        for key, person in people.items():
            consent_to_matching(worker, person)
            requests[key] = services.create_request(
                worker,
                person,
                services.RequestData(
                    programme_id=programme_id, waiting_since=TODAY - timedelta(days=41)
                ),
                TODAY,
            ).id
        db.session.commit()
        return {
            "programme_id": programme_id,
            "v1": v1,
            "v2": v2,
            "districts": {"alt": alt.id, "nord": nord.id, "hafen": hafen.id},
            "people": {k: p.id for k, p in people.items()},
            "requests": requests,
            "worker": world["caseworker_a"],
            "volunteer2": second,
        }


def volunteer_user_id(volunteer_id: int) -> int:
    return db.session.get(Volunteer, volunteer_id).user_id
