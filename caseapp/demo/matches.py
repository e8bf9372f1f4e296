"""Demo data for matching: neighbouring districts, people waiting, a round and a first match."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.matches import services
from caseapp.matches.models import MatchProposal, MatchRequest, district_neighbours
from caseapp.offices.models import District
from caseapp.people import consents
from caseapp.people.models import Case, CaseNeed, Person
from caseapp.volunteers.models import Programme, Volunteer

NEIGHBOURS = {
    "Altstadt": ["Weststadt", "Nordstadt", "Oststadt", "Südstadt"],
    "Weststadt": ["Hafenviertel", "Nordstadt"],
    "Oststadt": ["Nordstadt", "Südstadt"],
}
INTERESTS = ["Fußball", "Kochen", "Wandern", "Musik", "Lesen", "Nähen", "Schach", "Radfahren"]


def seed(coordinator: User | None, rng_seed: int = 5) -> None:
    """Create the matching demo unless waiting requests exist already."""
    if db.session.scalar(select(MatchRequest.id).limit(1)):
        return
    names = {d.name: d.id for d in db.session.scalars(select(District))}
    if not db.session.scalar(select(district_neighbours.c.district_id).limit(1)):
        pairs = {
            pair
            for district, near in NEIGHBOURS.items()
            for n in near
            if district in names and n in names
            for pair in ((names[district], names[n]), (names[n], names[district]))
        }
        if pairs:
            db.session.execute(
                district_neighbours.insert(),
                [{"district_id": a, "neighbour_id": b} for a, b in sorted(pairs)],
            )
    programmes = {p.kind: p for p in db.session.scalars(select(Programme))}
    rng = random.Random(rng_seed)  # noqa: S311 - made-up data, reproducible
    today = local_today()
    portal_person = db.session.scalar(
        select(Person).where(Person.external_id == "demo-portal-newcomer")
    )
    if portal_person is not None and portal_person.district_id is None and "Altstadt" in names:
        portal_person.district_id = names["Altstadt"]
        db.session.flush()
    people = db.session.scalars(
        select(Person)
        .join(Case, Case.person_id == Person.id)
        .where(Person.merged_into_id.is_(None), Person.district_id.is_not(None))
        .order_by(Person.id)
    ).all()
    if not people or "welcome_ambassador" not in programmes:
        return
    needs: dict[int, set[str]] = {}
    for person_id, need in db.session.execute(
        select(Case.person_id, CaseNeed.need).join(CaseNeed, CaseNeed.case_id == Case.id)
    ):
        needs.setdefault(person_id, set()).add(need)
    portal = next((p for p in people if p.external_id == "demo-portal-newcomer"), None)
    ambassadors = [p for p in people if p is not portal]
    rng.shuffle(ambassadors)
    chosen = {"welcome_ambassador": ([portal] if portal else []) + ambassadors[:29]}
    if "mentor" in programmes:
        job_seekers = [
            p for p in ambassadors[29:] if needs.get(p.id, set()) & {"work", "education"}
        ]
        chosen["mentor"] = job_seekers[:15]
    demo_volunteer = db.session.scalar(
        select(Volunteer.id)
        .join(User, User.id == Volunteer.user_id)
        .where(User.email == "ehrenamt@lotse.example")
    )

    def ask(person, kind):
        if not consents.has_consent(person.id, "volunteer_matching", today):
            consents.record_consent(
                coordinator,
                person.case,
                purpose="volunteer_matching",
                receiving_office_id=None,
                scope="",
                given_on=today - timedelta(days=160),
                form="oral_interpreter",
                today=today,
            )
        services.create_request(
            coordinator,
            person,
            services.RequestData(
                programme_id=programmes[kind].id,
                waiting_since=today - timedelta(days=rng.randint(3, 150)),
                gender_preference="female" if person.sex == "f" and rng.random() < 0.3 else "",
                interests=", ".join(rng.sample(INTERESTS, 2)),
            ),
            today,
        )

    def run_and_accept(kind, wanted):
        outcome = services.run_round(coordinator, programmes[kind], today)
        db.session.flush()
        proposals = db.session.scalars(
            select(MatchProposal)
            .where(MatchProposal.round_id == outcome.round.id)
            .order_by(MatchProposal.id)
        ).all()
        for proposal in [p for p in proposals if wanted(p)][:1]:
            services.accept(coordinator, proposal, today, "über die Koordinierungsstelle")
        db.session.flush()

    # An earlier round matched the portal newcomer, so the portal shows her ambassador.
    if portal is not None:
        ask(portal, "welcome_ambassador")
        db.session.flush()
        run_and_accept("welcome_ambassador", lambda p: True)
    for kind, persons in chosen.items():
        for person in persons:
            if person is not portal:
                ask(person, kind)
    db.session.flush()
    # The current rounds: proposals to review, one accepted for the demo volunteer.
    for kind in chosen:
        run_and_accept(
            kind,
            lambda p, kind=kind: kind == "welcome_ambassador" and p.volunteer_id == demo_volunteer,
        )
