"""A matching programme large enough to run as a background job, written with bulk inserts.

Rows only (no services, no audit): a few thousand waiting newcomers (persons with cases, needs,
consent to matching and a waiting request) and a thousand trained volunteers, so a round takes
long enough (about a second) that a test can stop its worker half-way.
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

from sqlalchemy import insert

from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.matches.models import MatchRequest, district_neighbours
from caseapp.offices.models import District
from caseapp.people.models import Case, CaseNeed, Consent, Person
from caseapp.volunteers.models import Application, Programme, Volunteer

DISTRICTS = ("Altstadt", "Nordstadt", "Hafen", "Südviertel", "Weststadt", "Oststadt")
NEEDS = ("language", "education", "work", "housing", "health", "family", "participation")
NEWCOMER_LANGUAGES = ("ar", "tr", "uk", "fa", "ti", "ru", "ku", "ps")
PARTS = ("morning", "afternoon", "evening")


def _slots(rng: random.Random, count: int) -> list[str]:
    return sorted({f"{rng.randrange(7)}-{rng.choice(PARTS)}" for _ in range(count)})


def large_programme(office_id: int, *, waiting: int, volunteers: int, seed: int = 16) -> int:
    """Write the programme and its people in the current app context (commits); its id."""
    rng = random.Random(seed)
    today = local_today()
    now = utcnow()
    district_ids = list(
        db.session.scalars(
            insert(District).returning(District.id, sort_by_parameter_order=True),
            [{"name": name} for name in DISTRICTS],
        )
    )
    db.session.execute(
        insert(district_neighbours),
        [{"district_id": a, "neighbour_id": b} for a, b in itertools.pairwise(district_ids)],
    )
    programme = Programme(
        kind="mentor", name_de="Mentoring (groß)", good_conduct_required=False, max_newcomers=3
    )
    db.session.add(programme)
    db.session.flush()

    person_ids = list(
        db.session.scalars(
            insert(Person).returning(Person.id, sort_by_parameter_order=True),
            [
                {
                    "office_id": office_id,
                    "given_name": f"Vorname{n}",
                    "family_name": f"Nachname{n}",
                    "sex": rng.choice("mf"),
                    "birth_year": today.year - rng.randint(18, 64),
                    "languages": [
                        {"code": rng.choice(NEWCOMER_LANGUAGES), "level": "native"},
                        {"code": "de", "level": rng.choice(["A1", "A2", "B1"])},
                    ],
                    "district_id": rng.choice(district_ids),
                }
                for n in range(waiting)
            ],
        )
    )
    case_ids = list(
        db.session.scalars(
            insert(Case).returning(Case.id, sort_by_parameter_order=True),
            [
                {"case_number": f"G{pid:08d}", "person_id": pid, "office_id": office_id}
                for pid in person_ids
            ],
        )
    )
    db.session.execute(
        insert(CaseNeed),
        [
            {"case_id": cid, "need": need}
            for cid in case_ids
            for need in rng.sample(NEEDS, rng.randint(1, 3))
        ],
    )
    db.session.execute(
        insert(Consent),
        [
            {
                "person_id": pid,
                "purpose": "volunteer_matching",
                "given_on": today - timedelta(days=60),
                "form": "written",
            }
            for pid in person_ids
        ],
    )
    db.session.execute(
        insert(MatchRequest),
        [
            {
                "programme_id": programme.id,
                "person_id": pid,
                "waiting_since": today - timedelta(days=rng.randint(1, 300)),
                "availability": _slots(rng, rng.randint(3, 9)),
            }
            for pid in person_ids
        ],
    )
    user_ids = list(
        db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {"email": f"mentor{n}@large.example", "display_name": f"Mentor:in {n}"}
                for n in range(volunteers)
            ],
        )
    )
    volunteer_ids = list(
        db.session.scalars(
            insert(Volunteer).returning(Volunteer.id, sort_by_parameter_order=True),
            [
                {
                    "user_id": uid,
                    "district_id": rng.choice(district_ids),
                    "languages": [
                        {"code": "de", "level": "native"},
                        {"code": rng.choice(NEWCOMER_LANGUAGES), "level": "B2"},
                    ],
                    "availability": _slots(rng, rng.randint(2, 7)),
                    "capacity": rng.choice([1, 2, 3]),
                    "birth_year": today.year - rng.randint(19, 75),
                    "email_confirmed_at": now,
                }
                for uid in user_ids
            ],
        )
    )
    db.session.execute(
        insert(Application),
        [
            {"volunteer_id": vid, "programme_id": programme.id, "status": "trained"}
            for vid in volunteer_ids
        ],
    )
    db.session.commit()
    return programme.id
