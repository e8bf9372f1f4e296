"""Database rows → the pure engine's inputs (caseapp.matches.engine), loaded with plain column queries.

Newcomer profiles are keyed by the waiting request's id, volunteer profiles by the volunteer's
id, and the engine's programme code is the programme's id as text.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.matches.engine.scoring import (
    ALL_SLOTS,
    Districts,
    NewcomerProfile,
    VolunteerProfile,
    Weights,
    level_rank,
)
from caseapp.matches.engine.scoring import Programme as EngineProgramme
from caseapp.matches.models import Match, MatchingSettings, MatchProposal, MatchRequest
from caseapp.matches.models import district_neighbours as neighbours_table
from caseapp.offices.models import District
from caseapp.people import consents
from caseapp.people.models import Case, CaseNeed, HouseholdMember, Person
from caseapp.volunteers.labels import ENGAGED, Status
from caseapp.volunteers.models import Application, Programme, Volunteer

# Programme kinds whose volunteers care for a household rather than one person.
HOUSEHOLD_KINDS = frozenset({"kuemmerer", "housing_sponsor"})
# A person's sex in the case file → the gender words volunteers use.
SEX_TO_GENDER = {"f": "female", "m": "male", "x": "diverse"}
OPEN_MATCH = ("active", "paused")


def weights_for(programme_id: int) -> tuple[Weights, str]:
    settings = db.session.get(MatchingSettings, programme_id)
    if settings is None:
        return Weights(), "A2"
    known = set(Weights.__dataclass_fields__)
    values = {k: float(v) for k, v in (settings.weights or {}).items() if k in known}
    return Weights(**values), settings.min_language_level or "A2"


def engine_programme(programme: Programme) -> EngineProgramme:
    weights, level = weights_for(programme.id)
    return EngineProgramme(
        code=str(programme.id),
        requires_good_conduct=programme.good_conduct_required,
        weights=weights,
        min_language_level=level,
    )


def districts() -> Districts:
    names = dict(db.session.execute(select(District.id, District.name)).all())
    pairs: dict[str, list[str]] = defaultdict(list)
    for a, b in db.session.execute(
        select(neighbours_table.c.district_id, neighbours_table.c.neighbour_id)
    ):
        pairs[names[a]].append(names[b])
    return Districts(dict(pairs))


def _languages(entries) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in entries or []:
        code = (entry or {}).get("code")
        level = (entry or {}).get("level") or ""
        if code and level_rank(level) >= level_rank(out.get(code)):
            out[code] = level
    return out


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in (text or "").replace(";", ",").split(",") if w.strip())


def _availability(slots) -> frozenset:
    return frozenset(slots) if slots else ALL_SLOTS


def _age(birth_year: int | None, today: date) -> int | None:
    return today.year - birth_year if birth_year else None


def load_newcomers(
    programme: Programme, today: date, request_ids: set[int] | None = None
) -> list[NewcomerProfile]:
    """Every waiting request of the programme as a NewcomerProfile (id = request id), of
    persons whose consent to matching is valid today (nobody else is proposed or shown)."""
    mine = [
        MatchRequest.programme_id == programme.id,
        MatchRequest.status == "waiting",
        consents.consented(MatchRequest.person_id, "volunteer_matching", today),
    ]
    if request_ids is not None:
        mine.append(MatchRequest.id.in_(request_ids))
    rows = db.session.execute(
        select(
            MatchRequest.id,
            MatchRequest.person_id,
            MatchRequest.household_id,
            MatchRequest.waiting_since,
            MatchRequest.gender_preference,
            MatchRequest.interests,
            MatchRequest.availability,
            MatchRequest.interpreter_arranged,
            Person.languages,
            Person.sex,
            Person.birth_year,
            Person.interpreter_language,
            District.name,
        )
        .join(Person, Person.id == MatchRequest.person_id)
        .outerjoin(District, District.id == Person.district_id)
        .where(*mine)
        .order_by(MatchRequest.id)
    ).all()
    waiting = select(MatchRequest.person_id).where(*mine).scalar_subquery()
    needs: dict[int, list[str]] = defaultdict(list)
    for person_id, need in db.session.execute(
        select(Case.person_id, CaseNeed.need)
        .join(CaseNeed, CaseNeed.case_id == Case.id)
        .where(Case.person_id.in_(waiting))
    ):
        needs[person_id].append(need)
    previous: dict[int, set[int]] = defaultdict(set)
    banned: dict[int, set[int]] = defaultdict(set)
    for person_id, volunteer_id, no_rematch in db.session.execute(
        select(Match.person_id, Match.volunteer_id, Match.do_not_rematch).where(
            Match.person_id.in_(waiting)
        )
    ):
        (banned if no_rematch else previous)[person_id].add(volunteer_id)

    household_ids = {r.household_id for r in rows if r.household_id}
    members: dict[int, list[list[dict]]] = defaultdict(list)
    if household_ids:
        for household_id, languages in db.session.execute(
            select(HouseholdMember.household_id, Person.languages)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(HouseholdMember.household_id.in_(household_ids))
        ):
            members[household_id].append(languages)

    out = []
    for r in rows:
        languages = _languages(r.languages)
        size = 1
        if r.household_id and members.get(r.household_id):
            # A household speaks every language one of its members speaks.
            size = len(members[r.household_id])
            languages = _languages([e for entry in members[r.household_id] for e in entry or []])
        out.append(
            NewcomerProfile(
                id=r.id,
                programme=str(programme.id),
                languages=languages,
                district=r.name or "",
                waiting_since=r.waiting_since,
                gender=SEX_TO_GENDER.get(r.sex or "", ""),
                gender_preference=r.gender_preference or None,
                age=_age(r.birth_year, today),
                needs=tuple(needs.get(r.person_id, ())),
                interests=_words(r.interests),
                availability=_availability(r.availability),
                interpreter_arranged=bool(r.interpreter_arranged),
                previous_volunteer_ids=frozenset(previous.get(r.person_id, ())),
                do_not_match_ids=frozenset(banned.get(r.person_id, ())),
                household_size=size,
            )
        )
    return out


def open_match_counts(
    programme_id: int, volunteer_ids: set[int] | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """Active or paused matches per volunteer: in all programmes, and in this programme."""
    everywhere: dict[int, int] = {}
    here: dict[int, int] = {}
    stmt = select(Match.volunteer_id, Match.programme_id, func.count(Match.id)).where(
        Match.status.in_(OPEN_MATCH)
    )
    if volunteer_ids is not None:  # one pair re-checked on acceptance: count only its volunteer
        stmt = stmt.where(Match.volunteer_id.in_(volunteer_ids))
    for volunteer_id, match_programme, count in db.session.execute(
        stmt.group_by(Match.volunteer_id, Match.programme_id)
    ):
        everywhere[volunteer_id] = everywhere.get(volunteer_id, 0) + count
        if match_programme == programme_id:
            here[volunteer_id] = count
    return everywhere, here


def load_volunteers(
    programme: Programme, today: date, volunteer_ids: set[int] | None = None
) -> list[VolunteerProfile]:
    """Volunteers with an application to the programme (any status) as VolunteerProfiles."""
    stmt = (
        select(
            Volunteer.id,
            Volunteer.languages,
            Volunteer.skills,
            Volunteer.profession,
            Volunteer.interests,
            Volunteer.availability,
            Volunteer.capacity,
            Volunteer.gender,
            Volunteer.birth_year,
            Volunteer.good_conduct_valid_until,
            Volunteer.email_confirmed_at,
            User.active,
            Application.status,
            District.name,
        )
        .join(User, User.id == Volunteer.user_id)
        .join(Application, Application.volunteer_id == Volunteer.id)
        .outerjoin(District, District.id == Volunteer.district_id)
        .where(Application.programme_id == programme.id)
        .order_by(Volunteer.id)
    )
    if volunteer_ids is not None:
        stmt = stmt.where(Volunteer.id.in_(volunteer_ids))
    everywhere, here = open_match_counts(programme.id, volunteer_ids)
    code = str(programme.id)
    out = []
    for r in db.session.execute(stmt):
        engaged = r.status in ENGAGED
        trained = r.status in (Status.TRAINED, Status.ACTIVE)
        busy = everywhere.get(r.id, 0)
        # Free places: what the volunteer offers overall, and at most the programme's limit.
        free = min(r.capacity - busy, programme.max_newcomers - here.get(r.id, 0))
        gender = r.gender if r.gender in ("female", "male", "diverse") else ""
        out.append(
            VolunteerProfile(
                id=r.id,
                languages=_languages(r.languages),
                district=r.name or "",
                approved_programmes=frozenset({code}) if engaged else frozenset(),
                trained_programmes=frozenset({code}) if trained else frozenset(),
                good_conduct_valid_until=r.good_conduct_valid_until,
                capacity=busy + max(free, 0),
                active_matches=busy,
                gender=gender,
                age=_age(r.birth_year, today),
                skills=_words(r.skills),
                profession=r.profession or "",
                interests=_words(r.interests),
                availability=_availability(r.availability),
                active=bool(r.active)
                and r.email_confirmed_at is not None
                and r.status not in (Status.PAUSED, Status.ENDED),
            )
        )
    return out


def rejected_pairs(programme_id: int) -> set[tuple[int, int]]:
    return {
        (request_id, volunteer_id)
        for request_id, volunteer_id in db.session.execute(
            select(MatchProposal.request_id, MatchProposal.volunteer_id)
            .join(MatchRequest, MatchRequest.id == MatchProposal.request_id)
            .where(MatchRequest.programme_id == programme_id, MatchProposal.status == "rejected")
        )
    }


def locked_pairs(programme_id: int) -> dict[int, int]:
    """Locked proposals still awaiting a decision, of requests still waiting."""
    return dict(
        db.session.execute(
            select(MatchProposal.request_id, MatchProposal.volunteer_id)
            .join(MatchRequest, MatchRequest.id == MatchProposal.request_id)
            .where(
                MatchRequest.programme_id == programme_id,
                MatchRequest.status == "waiting",
                MatchProposal.status == "proposed",
                MatchProposal.locked.is_(True),
            )
        ).all()
    )
