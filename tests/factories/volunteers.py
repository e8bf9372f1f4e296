"""Builders shared by several test modules."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.volunteers.models import (
    Certificate,
    Training,
    TrainingRegistration,
    Volunteer,
)


def make_programme(**kw) -> int:
    from caseapp.volunteers.services import ProgrammeData, create_programme

    data = ProgrammeData(
        kind=kw.pop("kind", "welcome_ambassador"),
        name_de=kw.pop("name_de", "Willkommensbotschafter"),
        name_ar=kw.pop("name_ar", "سفراء الترحيب"),
        name_tr=kw.pop("name_tr", "Hoş geldin elçileri"),
        description_de=kw.pop("description_de", "Begleitet Neuankömmlinge."),
        **kw,
    )
    programme = create_programme(None, data)
    db.session.flush()
    return programme.id


def make_profile(user: User, programme_ids, **kw) -> Volunteer:
    from caseapp.volunteers.services import ProfileData, create_profile

    data = ProfileData(
        name=kw.pop("name", user.display_name),
        languages=kw.pop("languages", [("de", "native"), ("ar", "good")]),
        availability=kw.pop("availability", ["0-morning", "2-evening"]),
        capacity=kw.pop("capacity", 2),
        programme_ids=list(programme_ids),
        **kw,
    )
    return create_profile(user, data)


def add_training(programme_ids, starts_at, **kw) -> Training:
    from caseapp.volunteers.trainings import TrainingData, create_training

    return create_training(
        None,
        TrainingData(
            title=kw.pop("title", "Grundlagen der Begleitung"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            place=kw.pop("place", "Kirchstraße 7"),
            capacity=kw.pop("capacity", 10),
            programme_ids=list(programme_ids),
        ),
    )


def volunteer_records(app, email: str) -> dict:
    """The volunteer of `email` approved, trained and certified, plus a future training."""
    from caseapp.volunteers import services, trainings

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        programme_id = make_programme()
        volunteer = make_profile(user, [programme_id])
        application = volunteer.applications[0]
        services.approve(None, application)
        now = utcnow()
        past = add_training([programme_id], now - timedelta(days=3))
        past.registrations.append(TrainingRegistration(volunteer_id=volunteer.id, attended=True))
        db.session.flush()
        trainings.check_completion(None, volunteer)
        future = add_training([programme_id], now + timedelta(days=10), title="Aufbau")
        db.session.commit()
        certificate_id = db.session.scalar(select(Certificate.id))
        return {
            "programme_id": programme_id,
            "volunteer_profile_id": volunteer.id,
            "application_id": application.id,
            "training_id": future.id,
            "certificate_id": certificate_id,
            "action": "pause",
        }


def _signup_form(programme_id: int, **overrides) -> dict:
    data = {
        "email": "leyla.demir@example.org",
        "password": "Mein Garten blüht im Mai",
        "confirm": "Mein Garten blüht im Mai",
        "name": "Leyla Demir",
        "phone": "+49 170 1234567",
        "district": "0",
        "language_0": "tr",
        "level_0": "native",
        "language_1": "de",
        "level_1": "fluent",
        "profession": "Erzieherin",
        "skills": "Behördengänge, Kinderbetreuung",
        "interests": "Gärtnern, Kochen",
        "availability": ["1-afternoon", "5-morning"],
        "capacity": "2",
        "gender": "female",
        "birth_year": "1985",
        "programmes": [str(programme_id)],
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return data


def _programme(app, **kw) -> int:
    with app.test_request_context():
        programme_id = make_programme(**kw)
        db.session.commit()
        return programme_id
