"""Demo data for volunteers: the six programmes, about twenty volunteers in every state,
trainings with attendance, certificates and logged hours (idempotent)."""

from __future__ import annotations

import contextlib
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select

from caseapp.auth.models import User
from caseapp.auth.normalise import normalise_email
from caseapp.core.clock import OFFICE_TZ, local_today, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.demo.offices import DEMO_PASSWORD
from caseapp.demo.volunteers.profiles import VOLUNTEERS
from caseapp.demo.volunteers.programmes import PROGRAMMES
from caseapp.extensions import db
from caseapp.offices.models import District
from caseapp.outbox.models import OutboxMessage
from caseapp.users.services import UserData, create_user
from caseapp.volunteers import services, trainings
from caseapp.volunteers.models import Programme, TrainingRegistration, Volunteer

BERLIN = OFFICE_TZ

ACTIONS = {"active": "activate", "paused": "pause", "ended": "end"}
REACHED = {  # target status -> statuses passed on the way
    "applied": [],
    "declined": ["declined"],
    "approved": ["approved"],
    "trained": ["approved", "trained"],
    "active": ["approved", "trained", "active"],
    "paused": ["approved", "trained", "paused"],
    "ended": ["approved", "trained", "ended"],
}


def _at(days: int, hour: int) -> datetime:
    day = (utcnow() + timedelta(days=days)).astimezone(BERLIN).date()
    return datetime.combine(day, time(hour, 0), tzinfo=BERLIN)


def seed(coordinator: User | None) -> None:
    """Create the volunteer demo unless it exists (programmes are the marker)."""
    if db.session.scalar(select(Programme.id).limit(1)):
        return
    programmes = {}
    for spec in PROGRAMMES:
        programmes[spec["kind"]] = services.create_programme(
            coordinator, services.ProgrammeData(**spec)
        )
    districts = {d.name: d.id for d in db.session.scalars(select(District))}
    today = local_today()

    # Trainings: two in the past (with attendance), three ahead.
    all_ids = [p.id for p in programmes.values()]
    past_basics = trainings.create_training(
        coordinator,
        trainings.TrainingData(
            title="Grundkurs: Ankommen begleiten",
            starts_at=_at(-40, 17),
            ends_at=_at(-40, 20),
            place="Koordinierungsstelle Ehrenamt, Kirchstraße 7",
            capacity=25,
            programme_ids=all_ids,
        ),
    )
    past_roles = trainings.create_training(
        coordinator,
        trainings.TrainingData(
            title="Rolle, Grenzen und Schweigepflicht",
            starts_at=_at(-12, 10),
            ends_at=_at(-12, 14),
            place="Integrationszentrum Altstadt, Marktplatz 3",
            capacity=20,
            programme_ids=[programmes[k].id for k in ("kuemmerer", "interpreter", "mentor")],
        ),
    )
    future = [
        trainings.create_training(
            coordinator,
            trainings.TrainingData(
                title=title,
                starts_at=_at(days, hour),
                ends_at=_at(days, hour + 3),
                place=place,
                capacity=capacity,
                programme_ids=[programmes[k].id for k in kinds],
            ),
        )
        for title, days, hour, place, capacity, kinds in [
            ("Grundkurs: Ankommen begleiten", 9, 17, "Kirchstraße 7", 25, list(programmes)),
            ("Dolmetschen im Gespräch", 16, 10, "Kirchstraße 7", 12, ["interpreter"]),
            (
                "Wohnen: Mietrecht für Wohnpaten",
                23,
                18,
                "Rathaus, Raum 2.14",
                15,
                ["housing_sponsor", "kuemmerer"],
            ),
        ]
    ]
    past = [past_basics, past_roles]

    volunteers = []
    for (
        email,
        name,
        language,
        district,
        languages,
        profession,
        skills,
        interests,
        capacity,
        gender,
        birth_year,
        wanted,
    ) in VOLUNTEERS:
        user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            user = create_user(
                None,
                UserData(
                    email=email, display_name=name, roles=["volunteer"], preferred_language=language
                ),
                DEMO_PASSWORD,
            )
        else:
            user.preferred_language = user.preferred_language or language
        if db.session.scalar(select(Volunteer.id).where(Volunteer.user_id == user.id)):
            continue
        volunteer = services.create_profile(
            user,
            services.ProfileData(
                name=name,
                phone="+49 2352 9" + str(1000 + len(volunteers)),
                district_id=districts.get(district),
                languages=languages,
                skills=skills,
                profession=profession,
                interests=interests,
                availability=["1-afternoon", "3-evening", "5-morning"][: 1 + len(volunteers) % 3],
                capacity=capacity,
                gender=gender,
                birth_year=birth_year,
                programme_ids=[programmes[k].id for k in wanted],
            ),
        )
        if any(programmes[k].good_conduct_required for k in wanted):
            # One record is close to renewal, so the list filter has something to show.
            seen = today - timedelta(days=5 * 365 - 40 if len(volunteers) % 4 == 0 else 200)
            services.record_good_conduct(
                coordinator, volunteer, seen, seen + timedelta(days=5 * 365), today
            )
        volunteers.append((volunteer, wanted))

    for volunteer, wanted in volunteers:
        for application in volunteer.applications:
            kind = application.programme.kind
            steps = REACHED[wanted[kind]]
            if not steps:
                continue
            if steps[0] == "declined":
                services.decline(
                    coordinator,
                    application,
                    "Die Sprachpatenschaften sind bis zum Frühjahr vergeben. Wir melden uns.",
                )
                continue
            services.approve(coordinator, application, today)
            if "trained" in steps:
                needed = application.programme.required_trainings
                for training in [t for t in past if application.programme in t.programmes][:needed]:
                    if not any(r.volunteer_id == volunteer.id for r in training.registrations):
                        training.registrations.append(
                            TrainingRegistration(volunteer_id=volunteer.id, attended=True)
                        )
                db.session.flush()
                trainings.check_completion(coordinator, volunteer)
            for step in steps[2:]:
                services.change_engagement(coordinator, application, ACTIONS[step])
            if application.status in ("trained", "active"):
                for weeks in range(1, 4 + volunteer.id % 5):
                    services.log_hours(
                        volunteer.user,
                        volunteer,
                        application.programme_id,
                        today - timedelta(days=7 * weeks),
                        60 + 30 * (weeks % 3),
                        "Treffen, Begleitung zu einem Termin, Deutsch im Alltag geübt",
                        today,
                    )
        # Approved volunteers register for the next basics course.
        if any(a.status == "approved" for a in volunteer.applications):
            with contextlib.suppress(ValidationFailed):  # a full course is fine here
                trainings.register(volunteer.user, volunteer, future[0], utcnow())
    # The demo's approvals and certificates would mail made-up addresses: drop those mails.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.status == "queued"))
    db.session.flush()
