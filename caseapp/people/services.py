"""Registering, finding, reading and changing persons; every read and change is audited."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict
from datetime import date

from sqlalchemy import Select, delete, exists, func, select
from sqlalchemy.orm import contains_eager, lazyload

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import namematch
from caseapp.people.models import (
    Case,
    CaseNeed,
    CaseStatusChange,
    CaseVulnerability,
    Person,
    PersonNameKey,
)
from caseapp.people.validation import PersonData, validate_person

CASE_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
# Candidates shown while registering start below the duplicate threshold: "maybe" is useful.
CANDIDATE_MIN_SCORE = 0.55


def _scope(stmt: Select, actor) -> Select:
    stmt = stmt.where(Person.merged_into_id.is_(None))
    return scope.scoped(stmt, Person.office_id, actor)


def facts(person: Person) -> namematch.PersonFacts:
    return namematch.PersonFacts(
        id=person.id,
        given_name=person.given_name,
        family_name=person.family_name,
        original_name=person.original_name or "",
        birth_year=person.birth_year,
        birth_month=person.birth_month,
        birth_day=person.birth_day,
        sex=person.sex or "",
    )


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
    )


def new_case_number() -> str:
    """Human-readable and unique, random so it says nothing and cannot be guessed."""
    while True:
        body = "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(6))
        number = f"L{utcnow():%y}-{body}"
        if not db.session.scalar(select(Case.id).where(Case.case_number == number)):
            return number


def _apply(person: Person, data: PersonData) -> None:
    for name, value in asdict(data).items():
        if name == "external_id" and value is None:
            continue
        setattr(person, name, value)
    person.family_name_norm = namematch.normalise(data.family_name)[:120]
    person.phone_digits = phone_key(data.phone)


def phone_key(phone: str | None) -> str:
    """Digits without the German country code or trunk 0: "+49 171 23", "0171 23" -> "17123"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0049"):
        digits = digits[4:]
    elif digits.startswith("49") and (phone or "").lstrip().startswith("+"):
        digits = digits[2:]
    return digits.lstrip("0")


def _write_keys(person: Person) -> None:
    db.session.execute(delete(PersonNameKey).where(PersonNameKey.person_id == person.id))
    for key in sorted(
        namematch.blocking_keys(person.given_name, person.family_name, person.original_name or "")
    ):
        db.session.add(PersonNameKey(person_id=person.id, key=key[:40]))


def register_person(
    actor, data: PersonData, *, office_id: int, caseworker_id: int | None, today: date
) -> Person:
    """Create the person and their case at the given office."""
    validate_person(data, today)
    if not scope.can_see(actor, office_id):
        raise ValidationFailed({"office": _("You can only register persons for your own offices.")})
    person = Person(office_id=office_id, given_name="", family_name="")
    _apply(person, data)
    db.session.add(person)
    db.session.flush()
    _write_keys(person)
    case = Case(
        case_number=new_case_number(),
        person_id=person.id,
        office_id=office_id,
        caseworker_id=caseworker_id,
        status="open",
    )
    db.session.add(case)
    db.session.flush()
    db.session.add(
        CaseStatusChange(case_id=case.id, to_status="open", by_id=getattr(actor, "id", None))
    )
    audit.record(
        actor, "create", "person", person.id, office_id=office_id, purpose="case_management"
    )
    return person


def bulk_register(actor, people: list[PersonData], *, office_id: int, batch: int = 2000) -> int:
    """Register many already validated persons with few statements (spreadsheet import).

    Core inserts with RETURNING: the ORM's unit of work costs ~1 ms per row, too slow for
    100,000-row files.
    """
    from caseapp.audit.models import AuditEntry

    now = utcnow()
    actor_id = getattr(actor, "id", None)
    conn = db.session.connection()
    fields = list(PersonData.__dataclass_fields__)
    persons, keys_table = Person.__table__, PersonNameKey.__table__
    cases, changes, audits = Case.__table__, CaseStatusChange.__table__, AuditEntry.__table__
    for start in range(0, len(people), batch):
        chunk = people[start : start + batch]
        rows = []
        for data in chunk:
            row = {name: getattr(data, name) for name in fields}
            row.update(
                office_id=office_id,
                created_at=now,
                updated_at=now,
                version=1,
                family_name_norm=namematch.normalise(data.family_name)[:120],
                phone_digits=phone_key(data.phone),
            )
            rows.append(row)
        ids = _insert_returning_ids(conn, persons, rows, chunk)
        keys = [
            {"person_id": pid, "key": key[:40]}
            for pid, data in zip(ids, chunk, strict=True)
            for key in namematch.blocking_keys(
                data.given_name, data.family_name, data.original_name
            )
        ]
        if keys:
            conn.execute(keys_table.insert(), keys)
        numbers = _unique_case_numbers(len(ids))
        conn.execute(
            cases.insert(),
            [
                {
                    "case_number": n,
                    "person_id": pid,
                    "office_id": office_id,
                    "status": "open",
                    "closed_reason": "",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n, pid in zip(numbers, ids, strict=True)
            ],
        )
        by_person = dict(
            conn.execute(
                select(cases.c.person_id, cases.c.id).where(cases.c.person_id.in_(ids))
            ).all()
        )
        case_ids = [by_person[pid] for pid in ids]
        conn.execute(
            changes.insert(),
            [
                {
                    "case_id": cid,
                    "from_status": "",
                    "to_status": "open",
                    "reason": "",
                    "at": now,
                    "by_id": actor_id,
                }
                for cid in case_ids
            ],
        )
        conn.execute(
            audits.insert(),
            [
                {
                    "at": now,
                    "actor_id": actor_id,
                    "office_id": office_id,
                    "action": "import",
                    "record_type": "person",
                    "record_id": pid,
                    "purpose": "case_management",
                    "details": {},
                }
                for pid in ids
            ],
        )
    return len(people)


def _insert_returning_ids(conn, table, rows: list[dict], chunk: list[PersonData]) -> list[int]:
    """Insert persons and return their ids in order.

    With an external id on every row, a plain executemany and one SELECT are several times
    faster than INSERT ... RETURNING, which SQLite runs row by row.
    """
    external = [data.external_id for data in chunk]
    if all(external):
        conn.execute(table.insert(), rows)
        found = dict(
            conn.execute(
                select(table.c.external_id, table.c.id).where(table.c.external_id.in_(external))
            ).all()
        )
        return [found[e] for e in external]
    stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(conn.execute(stmt, rows).scalars())


def _unique_case_numbers(count: int) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = count - len(numbers)
        fresh = {
            f"L{utcnow():%y}-" + "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(6))
            for _ in range(wanted)
        } - numbers
        taken = set(
            db.session.scalars(select(Case.case_number).where(Case.case_number.in_(sorted(fresh))))
        )
        numbers |= fresh - taken
    return sorted(numbers)[:count]


def get_person(
    actor, person_id: int, *, purpose: str = "case_management", audit_read: bool = True
) -> Person:
    """The person if the actor may see them; every read is audited in the same transaction."""
    person = db.session.scalar(_scope(select(Person).where(Person.id == person_id), actor))
    if person is None:
        raise NotFound()
    if audit_read:
        audit.record(
            actor, "view", "person", person.id, office_id=person.office_id, purpose=purpose
        )
    return person


def update_person(
    actor, person: Person, data: PersonData, loaded_version: int | None, today: date
) -> Person:
    if loaded_version != person.version:
        raise StaleVersion(person)
    validate_person(data, today)
    before = {k: str(v) for k, v in asdict(_as_data(person)).items()}
    _apply(person, data)
    after = {k: str(v) for k, v in asdict(_as_data(person)).items()}
    changes = audit.diff(before, after)
    if changes:
        person.updated_at = utcnow()
        db.session.flush()
        _write_keys(person)
        audit.record(
            actor,
            "update",
            "person",
            person.id,
            office_id=person.office_id,
            details={k: ["…", "…"] for k in changes},
        )  # which fields, not the values
    return person


def _as_data(person: Person) -> PersonData:
    return PersonData(**{k: getattr(person, k) for k in PersonData.__dataclass_fields__})


def duplicate_candidates(
    actor, candidate: namematch.PersonFacts, *, exclude_id: int | None = None, limit: int = 5
) -> list[tuple[Person, namematch.Comparison]]:
    """Likely existing persons among those the actor may see, best first."""
    keys = namematch.blocking_keys(
        candidate.given_name, candidate.family_name, candidate.original_name
    )
    if not keys:
        return []
    ids = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(sorted(keys))).distinct()
    stmt = _scope(select(Person).where(Person.id.in_(ids)), actor)
    if candidate.birth_year:
        # Birth years further apart than one never reach the threshold: filter them in SQL.
        year = candidate.birth_year
        stmt = stmt.where(
            Person.birth_year.is_(None) | Person.birth_year.between(year - 1, year + 1)
        )
    stmt = stmt.limit(500)
    scored = []
    for person in db.session.scalars(stmt):
        if person.id == exclude_id:
            continue
        comparison = namematch.compare(candidate, facts(person))
        if comparison.score >= CANDIDATE_MIN_SCORE:
            scored.append((person, comparison))
    scored.sort(key=lambda pc: (-pc[1].score, pc[0].id))
    return scored[:limit]


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
    if q:
        stmt = stmt.where(_search_clause(q))
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


def _search_clause(q: str):
    """Case number, phone, birth date or name (blocking keys), whichever the query looks like."""
    compact = q.replace(" ", "").upper()
    if re.fullmatch(r"L\d{2}-[A-Z0-9]{6}", compact):
        return Case.case_number == compact
    birth = _parse_birth_query(q)
    if birth:
        year, month, day = birth
        clause = Person.birth_year == year
        if month:
            clause = clause & (Person.birth_month == month) & (Person.birth_day == day)
        return clause
    if re.fullmatch(r"\+?[\d ()/-]{6,}", q) and len(re.sub(r"\D", "", q)) >= 6:
        return Person.phone_digits == phone_key(q)
    keys = namematch.query_keys(q)
    norm = namematch.normalise(q)
    if " " not in norm and len(norm) >= 2:
        # One word ("Hassan"): blocking keys need two names, so also match family names by prefix.
        prefix = Person.family_name_norm.like(f"{norm}%")
        if not keys:
            return prefix
        ids = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(sorted(keys)))
        return prefix | Person.id.in_(ids)
    if not keys:
        return Person.id == -1
    ids = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(sorted(keys)))
    return Person.id.in_(ids)


def _parse_birth_query(q: str):
    from caseapp.people.validation import parse_birth

    if not re.fullmatch(r"[\d.\-]+", q.strip()):
        return None
    try:
        return parse_birth(q)
    except ValueError:
        return None


def rank_by_name(q: str, people: list[Person]) -> list[Person]:
    """Best name matches first for a name query (the page of candidates is already small)."""
    if not q or not namematch.query_keys(q):
        return people
    return sorted(people, key=lambda p: -namematch.search_score(q, facts(p)))


def name_search(actor, q: str, limit: int = 20) -> list[tuple[Person, float]]:
    """Name search ranked by similarity (used by autocomplete and the search box)."""
    keys = namematch.query_keys(q)
    if not keys:
        return []
    ids = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(sorted(keys))).distinct()
    stmt = _scope(select(Person).where(Person.id.in_(ids)), actor).limit(2000)
    scored = [(p, namematch.search_score(q, facts(p))) for p in db.session.scalars(stmt)]
    scored = [(p, s) for p, s in scored if s >= 0.5]
    scored.sort(key=lambda ps: (-ps[1], ps[0].id))
    return scored[:limit]


def caseworkers_of(office_ids) -> list[User]:
    from caseapp.auth.models import OfficeMembership, UserRole

    stmt = (
        select(User)
        .where(User.active.is_(True), User.roles.any(UserRole.role == "caseworker"))
        .order_by(User.display_name)
    )
    if office_ids is not None:
        stmt = stmt.where(User.memberships.any(OfficeMembership.office_id.in_(office_ids or {0})))
    return list(db.session.scalars(stmt))


def count_persons() -> int:
    return db.session.scalar(select(func.count(Person.id)).where(Person.merged_into_id.is_(None)))
