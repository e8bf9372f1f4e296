"""Finding persons: case lists, name search, likely duplicates, caseworkers of an office."""

from __future__ import annotations

from sqlalchemy import Select, exists, func, intersect, or_, select, union_all
from sqlalchemy.orm import contains_eager, lazyload

from caseapp.auth import scope
from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.people import namematch
from caseapp.people.models import (
    Case,
    CaseNeed,
    CaseVulnerability,
    Person,
    PersonNameKey,
)
from caseapp.people.namematch import review
from caseapp.people.namematch.evidence import MIN_REGISTER, TIERS
from caseapp.people.namematch.scoring import PLACEHOLDER_DAY, Prepared, compare_prepared, prepare
from caseapp.people.services.duplicate_facts import among
from caseapp.people.services.duplicates import FACT_COLUMNS, evidence_of, register_size
from caseapp.people.services.duplicates import person_facts as facts
from caseapp.people.services.finder import find_people, matching_ids
from caseapp.people.services.registration import _scope, phone_key
from caseapp.people.validation import PersonData

# Candidates shown while registering start below the duplicate threshold: "maybe" is useful.
CANDIDATE_MIN_SCORE = 0.55
# Up to this many name-key matches the hint reads the persons by id; beyond, it intersects
# them with the birth-year window from the birth index (at a million persons that window is
# ~80,000 index entries, ~60 ms; a lookup by id ~10 µs).
FEW_NAME_MATCHES = 3000


def facts_from_data(data: PersonData) -> namematch.PersonFacts:
    return namematch.PersonFacts(
        id=0,
        given_name=data.given_name,
        family_name=data.family_name,
        original_name=data.original_name,
        birth_year=data.birth_year,
        birth_month=data.birth_month,
        birth_day=data.birth_day,
        sex=data.sex,
        evidence=evidence_of(
            phone_digits=phone_key(data.phone),
            email=data.email,
            street=data.street,
            postcode=data.postcode,
            nationalities=data.nationalities,
            arrived=data.arrived_germany_on,
            azr_number=data.azr_number,
            birth_place=data.birth_place,
            father_name=data.father_name,
            mother_name=data.mother_name,
        ),
    )


def _dates_differ(candidate: Prepared, row) -> bool:
    """Both full (real) birth dates known and different, read from the row before it is
    prepared: scoring.dates_rule_out's first case (score at most 0.08, never a candidate)."""
    if candidate.day is None or (candidate.month, candidate.day) == PLACEHOLDER_DAY:
        return False
    if row.birth_year is None or row.birth_month is None or row.birth_day is None:
        return False
    if (row.birth_month, row.birth_day) == PLACEHOLDER_DAY:
        return False
    return (row.birth_year, row.birth_month, row.birth_day) != (
        candidate.year,
        candidate.month,
        candidate.day,
    )


def duplicate_candidates(
    actor, candidate: namematch.PersonFacts, *, exclude_id: int | None = None, limit: int = 5
) -> list[tuple[Person, namematch.Comparison]]:
    """Likely existing persons among those the actor may see, best first, each with its
    tier (Comparison.tier): the same evidence and tiers as the duplicate review."""
    keys = namematch.blocking_keys(
        candidate.given_name, candidate.family_name, candidate.original_name
    )
    azr = candidate.evidence.azr if candidate.evidence else ""
    if not keys and not azr:
        return []
    ids = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(sorted(keys)))
    # Plain columns for the comparison (the ORM's objects only for the few shown).
    stmt = select(*FACT_COLUMNS)
    if candidate.birth_year:
        # Birth years further apart than one never reach the threshold: filter them in SQL.
        year = candidate.birth_year
        near = or_(Person.birth_year.between(year - 1, year + 1), Person.birth_year.is_(None))
        # The name keys' ids come from the (key, person_id) index alone. Few of them (most
        # names): each person is looked up by id and the year checked on the row.
        few = db.session.scalars(ids.limit(FEW_NAME_MATCHES + 1)).all()
        if len(few) <= FEW_NAME_MATCHES:
            stmt = stmt.where(among(Person.id, sorted(set(few))), near)
        else:
            # A common name (thousands of matches): the window's ids come from the birth
            # index alone and are intersected with the name keys' ids, so only persons who
            # pass both are read (not one row per name match).
            born = union_all(
                select(Person.id).where(Person.birth_year.between(year - 1, year + 1)),
                select(Person.id).where(Person.birth_year.is_(None)),
            ).subquery()
            stmt = stmt.where(Person.id.in_(intersect(ids, select(born.c.id))))
    else:
        stmt = stmt.where(Person.id.in_(ids))
    stmt = _scope(stmt, actor).limit(500) if keys else None
    # The AZR number is issued once per person: whoever carries it is shown whatever the
    # name (a spelling the name rules cannot bridge, or a number typed wrong: worth a look).
    by_number = (
        _scope(select(*FACT_COLUMNS).where(Person.azr_number == azr), actor) if azr else None
    )
    prepared = prepare(candidate)
    # How many persons carry the name (a rare name makes a name + year match telling).
    name_count = None
    if register_size() >= MIN_REGISTER:
        name_count = db.session.scalar(
            select(func.count()).where(PersonNameKey.key == review.name_key(prepared))
        )
    scored, seen = [], set()
    rows = [*(db.session.execute(by_number) if by_number is not None else ())]
    rows += db.session.execute(stmt) if stmt is not None else ()
    for row in rows:
        if row.id == exclude_id or row.id in seen:
            continue
        seen.add(row.id)
        if not (azr and row.azr_number == azr) and _dates_differ(prepared, row):
            continue  # a different full date keeps a pair below any threshold
        other = prepare(facts(row))
        comparison = review.assess(prepared, other, name_count) or compare_prepared(prepared, other)
        if comparison.score >= CANDIDATE_MIN_SCORE or comparison.tier:
            scored.append((row.id, comparison))
    rank = {tier: n for n, tier in enumerate(TIERS)}
    scored.sort(key=lambda pc: (rank.get(pc[1].tier, len(rank)), -pc[1].score, pc[0]))
    shown = scored[:limit]
    people = {
        p.id: p
        for p in db.session.scalars(select(Person).where(Person.id.in_([i for i, _c in shown])))
    }
    return [(people[i], comparison) for i, comparison in shown]


CASE_SORTS = {
    "name": (Person.family_name_norm, Person.given_name),
    "updated": (Case.updated_at,),
    "status": (Case.status, Case.updated_at),
    "number": (Case.case_number,),
}


def case_list_query(
    actor,
    *,
    q: str = "",
    status: str = "",
    need: str = "",
    vulnerability: str = "",
    caseworker_id: int | None = None,
    office_id: int | None = None,
    sort: str = "-updated",
) -> Select:
    """Persons with their cases, filtered and sorted; name search is transliteration-tolerant."""
    stmt = _scope(
        select(Person)
        .join(Case, Case.person_id == Person.id)
        # One query for the page: the case comes with the join; what lists do not show is not loaded.
        .options(
            contains_eager(Person.case).joinedload(Case.caseworker),
            contains_eager(Person.case).lazyload(Case.need_rows),
            contains_eager(Person.case).lazyload(Case.vulnerability_rows),
            contains_eager(Person.case).lazyload(Case.office),
            lazyload(Person.district),
            lazyload(Person.office),
        ),
        actor,
    )
    if not sort.lstrip("-").startswith("name"):
        # The same rows as the person scope; naming the case's office lets the
        # (office, status, updated) index drive lists sorted by case columns. Name sorting is
        # better served by the persons' (office, family name) index, so it is left alone there.
        stmt = scope.scoped(stmt, Case.office_id, actor)
    q = (q or "").strip()
    ids = matching_ids(actor, q) if q else None
    if ids is not None:  # the search box's hits, through its index (see finder)
        stmt = stmt.where(Person.id.in_(ids or [0]))
    if status:
        stmt = stmt.where(Case.status == status)
    if need:
        stmt = stmt.where(exists().where(CaseNeed.case_id == Case.id, CaseNeed.need == need))
    if vulnerability:
        stmt = stmt.where(
            exists().where(
                CaseVulnerability.case_id == Case.id, CaseVulnerability.flag == vulnerability
            )
        )
    if caseworker_id:
        stmt = stmt.where(Case.caseworker_id == caseworker_id)
    if office_id:
        stmt = stmt.where(Case.office_id == office_id)
    key = sort.lstrip("-")
    columns = CASE_SORTS.get(key, CASE_SORTS["updated"])
    descending = sort.startswith("-") if key in CASE_SORTS else True
    order = [c.desc() if descending else c.asc() for c in columns]
    return stmt.order_by(*order, Person.id.desc() if descending else Person.id.asc())


def rank_by_name(q: str, people: list[Person]) -> list[Person]:
    """Best name matches first for a name query (the page of candidates is already small)."""
    if not q or not namematch.query_keys(q):
        return people
    return sorted(people, key=lambda p: -namematch.search_score(q, facts(p)))


def name_search(actor, q: str, limit: int = 20) -> list[tuple[Person, float]]:
    """The search box's hits as (person, score), best first (household linking)."""
    return [(hit.person, hit.score) for hit in find_people(actor, q, limit=limit).hits]


def caseworkers_of(office_ids) -> list:
    """Active caseworkers of the offices (all offices: None), by name: rows with `id` and
    `display_name`, what choice lists show (not User objects with roles and offices)."""
    from caseapp.auth.models import OfficeMembership, UserRole

    stmt = (
        select(User.id, User.display_name)
        .where(User.active.is_(True), User.roles.any(UserRole.role == "caseworker"))
        .order_by(User.display_name)
    )
    if office_ids is not None:
        stmt = stmt.where(User.memberships.any(OfficeMembership.office_id.in_(office_ids or {0})))
    return list(db.session.execute(stmt))


def count_persons() -> int:
    return db.session.scalar(select(func.count(Person.id)).where(Person.merged_into_id.is_(None)))
