"""The search box: find persons by any word of their names in any script, by case number,
phone number or birth date, through the person_search_keys index; ranked, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, union_all
from sqlalchemy.orm import aliased, lazyload, selectinload

from caseapp.auth import scope
from caseapp.core.signals import merge_handler
from caseapp.extensions import db
from caseapp.people import namematch
from caseapp.people.models import Case, Person, PersonSearchKey
from caseapp.people.namematch import search as keys
from caseapp.people.services.case_filters import filtered
from caseapp.people.services.duplicate_facts import person_facts
from caseapp.people.services.registration import phone_key
from caseapp.people.validation import AZR_DIGITS, normalise_azr


@merge_handler("person_search_keys.person_id")
def drop_merged_keys(survivor: Person, *, removed: Person, **_kw) -> dict[str, int]:
    """The removed record is never found again; the survivor's keys are rewritten by the
    people package's receiver (registration._write_keys). Index rows, not data: not counted."""
    db.session.execute(delete(PersonSearchKey).where(PersonSearchKey.person_id == removed.id))
    return {}


RESULTS = 25  # hits shown; more means "add the birth year"
LIVE_RESULTS = 8  # under the navbar's box
CANDIDATES = 120  # persons ranked per query (plain columns)
DRIVER_CAP = 2000  # index entries read for the rarest word of a query


@dataclass(frozen=True)
class Hit:
    person: Person
    score: float
    reasons: tuple[str, ...]


@dataclass
class SearchResult:
    query: namematch.Query
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # there are more matches than shown

    @property
    def hint(self) -> str:
        return self.query.hint


# --- the index --------------------------------------------------------------------------


def key_rows(
    person_id: int,
    office_id: int,
    given: str,
    family: str,
    original: str,
    *,
    birth_year: int | None,
) -> list[dict]:
    """Rows of person_search_keys for one person (bulk inserts, reindexing)."""
    return [
        {"person_id": person_id, "office_id": office_id, "birth_year": birth_year, "key": key}
        for key in sorted(keys.search_keys(given, family, original or ""))
    ]


def write_search_keys(person: Person) -> None:
    """Replace the person's search keys (after registering or changing names or the birth
    date: the keys carry the birth year); flushes."""
    db.session.execute(delete(PersonSearchKey).where(PersonSearchKey.person_id == person.id))
    rows = key_rows(
        person.id,
        person.office_id,
        person.given_name,
        person.family_name,
        person.original_name,
        birth_year=person.birth_year,
    )
    if rows:
        db.session.execute(PersonSearchKey.__table__.insert(), rows)


def reindex(conn, *, after_id: int = 0, batch: int = 2000) -> int | None:
    """Rewrite both key tables for the next `batch` persons after `after_id` on `conn`.

    Returns the last person id done, or None when there are none left; callers commit between
    batches, so a reindex of a million persons never holds one long transaction and can go on
    where it stopped.
    """
    from caseapp.people.models import PersonNameKey

    persons = Person.__table__
    rows = conn.execute(
        select(
            persons.c.id,
            persons.c.office_id,
            persons.c.given_name,
            persons.c.family_name,
            persons.c.original_name,
            persons.c.birth_year,
        )
        .where(persons.c.id > after_id)
        .order_by(persons.c.id)
        .limit(batch)
    ).all()
    if not rows:
        return None
    ids = [r.id for r in rows]
    conn.execute(delete(PersonSearchKey).where(PersonSearchKey.person_id.in_(ids)))
    conn.execute(delete(PersonNameKey).where(PersonNameKey.person_id.in_(ids)))
    search_rows, name_rows = [], []
    for r in rows:
        search_rows += key_rows(
            r.id,
            r.office_id,
            r.given_name,
            r.family_name,
            r.original_name,
            birth_year=r.birth_year,
        )
        name_rows += [
            {"person_id": r.id, "key": key[:40]}
            for key in sorted(
                namematch.blocking_keys(r.given_name, r.family_name, r.original_name or "")
            )
        ]
    if search_rows:
        conn.execute(PersonSearchKey.__table__.insert(), search_rows)
    if name_rows:
        conn.execute(PersonNameKey.__table__.insert(), name_rows)
    return ids[-1]


# --- searching --------------------------------------------------------------------------


def _word_parts(word: str, table) -> list[ColumnElement[bool]]:
    """Index entries that match one query word: the word, words starting with it, skeletons."""
    exact, prefix, sounds = keys.word_keys(word)
    key = table.key
    # The prefix range holds the word itself; a one-letter word is looked up alone.
    parts = [and_(key >= prefix, key < keys.prefix_end(prefix))] if prefix else [key == exact]
    return parts + [key == sound for sound in sounds]


def _word_entries(word: str, actor, year: int | None):
    """Ids of persons with an index entry that matches one query word, each part (prefix,
    skeletons) its own range of the (key, office, birth year) index, so every part is an
    index-only scan; ids may repeat."""
    parts = []
    for condition in _word_parts(word, PersonSearchKey):
        part = scope.scoped(
            select(PersonSearchKey.person_id).where(condition), PersonSearchKey.office_id, actor
        )
        if year:
            part = part.where(PersonSearchKey.birth_year == year)
        parts.append(part)
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _count(word: str, actor) -> int:
    """A word's index entries, counted up to DRIVER_CAP + 1 (an index-only range scan)."""
    entries = _word_entries(word, actor, None).limit(DRIVER_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(entries)) or 0


def _name_candidates(actor, query: namematch.Query):
    """Ids of persons who match every query word (and the birth year), ids may repeat.

    The rarest word drives: at most DRIVER_CAP of its index entries, read index-only (the
    year narrows them inside the index); every other word is checked per driver entry
    through the (person_id, key) index, never through the persons table.
    """
    words = list(dict.fromkeys(query.names))
    if len(words) > 1 and not query.birth_year:
        counts = [_count(word, actor) for word in words]
        words = [words[i] for i in sorted(range(len(words)), key=counts.__getitem__)]
    driver = _word_entries(words[0], actor, query.birth_year).limit(DRIVER_CAP).subquery()
    stmt = select(driver.c.person_id)
    for word in words[1:]:
        other = aliased(PersonSearchKey)
        stmt = stmt.where(
            exists().where(other.person_id == driver.c.person_id, or_(*_word_parts(word, other)))
        )
    return stmt


def _candidates(actor, query: namematch.Query) -> list[int]:
    if query.case_number or query.case_body:
        numbers = [query.case_number] if query.case_number else _case_numbers(query.case_body)
        stmt = select(Case.person_id).where(Case.case_number.in_(numbers))
        ids = list(db.session.scalars(stmt))
        if not query.names:
            return ids
    else:
        ids = []
    if query.phone:
        digits = phone_key(query.phone)
        stmt = select(Person.id).where(
            Person.phone_digits >= digits, Person.phone_digits < keys.prefix_end(digits)
        )
        azr = _azr(query)
        if azr:  # twelve digits may be an AZR number as well as a phone number
            stmt = stmt.union(select(Person.id).where(Person.azr_number == azr)).subquery()
            stmt = select(Person.id).where(Person.id.in_(select(stmt.c.id)))
    elif query.names and not query.birth_day:
        # The index answers alone: merged records have no keys, the office and the year are
        # in it (_ranked reads the persons' rows and checks scope again).
        # A person matches a word through up to a few entries (word and skeleton).
        found = db.session.scalars(_name_candidates(actor, query).limit(4 * CANDIDATES))
        found = [i for i in dict.fromkeys(found) if i not in ids]
        return ids + found[:CANDIDATES]
    elif query.names:
        stmt = select(Person.id).where(Person.id.in_(_name_candidates(actor, query)))
    else:  # a birth date or year alone
        stmt = select(Person.id)
    stmt = scope.scoped(stmt.where(Person.merged_into_id.is_(None)), Person.office_id, actor)
    if query.birth_year:
        stmt = stmt.where(Person.birth_year == query.birth_year)
        if query.birth_day:
            # A full date also finds records that know only the year or carry 01.01.
            stmt = stmt.where(
                Person.birth_month.is_(None)
                | (
                    (Person.birth_month == query.birth_month)
                    & (Person.birth_day == query.birth_day)
                )
                | ((Person.birth_month == 1) & (Person.birth_day == 1))
            )
    return ids + [i for i in db.session.scalars(stmt.limit(CANDIDATES)) if i not in ids]


def _azr(query: namematch.Query) -> str:
    """The typed digits when they can be an AZR number (12 digits, spaces allowed)."""
    digits = normalise_azr(query.phone)
    return digits if AZR_DIGITS.fullmatch(digits) else ""


def _case_numbers(body: str) -> list[str]:
    """Every case number with this body: the year part runs from 2020 to next year."""
    from caseapp.core.clock import utcnow

    last = utcnow().year % 100 + 1
    return [f"L{year:02d}-{body}" for year in range(20, last + 1)]


def _ranked(
    actor, query: namematch.Query, filters: dict | None = None
) -> tuple[list[tuple[float, str, int, tuple[str, ...]]], int]:
    """(score, sort name, id, reasons) of the candidates that are hits, best first, from
    plain columns (no ORM objects: up to CANDIDATES rows per keystroke); and how many
    candidates the index gave."""
    ids = _candidates(actor, query)
    if not ids:
        return [], 0
    stmt = scope.scoped(
        select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.family_name_norm,
            Person.original_name,
            Person.birth_year,
            Person.birth_month,
            Person.birth_day,
            Person.sex,
            Person.azr_number,
            Case.id.label("case_id"),
            Case.case_number,
            Case.status,
            Case.caseworker_id,
            Case.office_id.label("case_office_id"),
        )
        .outerjoin(Case, Case.person_id == Person.id)
        .where(Person.id.in_(ids), Person.merged_into_id.is_(None)),
        Person.office_id,
        actor,
    )
    rows = db.session.execute(stmt).all()
    rows = filtered(rows, filters or {})
    ranked = []
    seen: dict[tuple, tuple[float, tuple[str, ...]]] = {}  # namesakes are ranked once
    for row in rows:
        score, reasons = _rank(query, row, seen)
        if score > 0:
            ranked.append((score, row.family_name_norm, row.id, reasons))
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
    return ranked, len(ids)


def find_people(
    actor, text: str, *, limit: int = RESULTS, filters: dict | None = None
) -> SearchResult:
    """Persons the actor may see who match the search box text, best first, with reasons.

    `filters` are the case list's (status, need, vulnerability, caseworker_id, office_id),
    applied to the candidates. Only the hits shown are loaded as persons."""
    query = namematch.parse_query(text)
    result = SearchResult(query=query)
    if query.hint:
        return result
    ranked, candidates = _ranked(actor, query, filters)
    shown = ranked[:limit]
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .options(
                selectinload(Person.case).options(
                    lazyload(Case.person),  # the person being loaded (identity map)
                    lazyload(Case.need_rows),
                    lazyload(Case.vulnerability_rows),
                    lazyload(Case.caseworker),
                    lazyload(Case.office),
                ),
                lazyload(Person.district),
            )
            .where(Person.id.in_([r[2] for r in shown] or [0]))
        )
    }
    result.hits = [Hit(people[pid], score, reasons) for score, _n, pid, reasons in shown]
    result.more = len(ranked) > limit or candidates >= CANDIDATES
    return result


def _rank(query: namematch.Query, row, seen: dict) -> tuple[float, tuple[str, ...]]:
    if query.case_number or query.case_body:
        number = row.case_number or ""
        if number.endswith(query.case_number or query.case_body):
            return 1.0, ("case_number",)
    if query.phone:
        if row.azr_number and row.azr_number == _azr(query):
            return 1.0, ("azr_number",)
        return 0.95, ("phone",)
    # The score depends on the names, the birth date and sex only, not on who carries them.
    key = (
        row.given_name,
        row.family_name,
        row.original_name,
        row.birth_year,
        row.birth_month,
        row.birth_day,
        row.sex,
    )
    if key not in seen:
        seen[key] = _explain(query, row)
    return seen[key]


def _explain(query: namematch.Query, row) -> tuple[float, tuple[str, ...]]:
    return namematch.explain(query, person_facts(row, evidence=False))


def near_matches(actor, text: str, *, limit: int = 10) -> list[Hit]:
    """When nobody matches every word: persons who match some of them, best first."""
    query = namematch.parse_query(text)
    if len(query.names) < 2:
        return []
    found: dict[int, Hit] = {}
    for word in dict.fromkeys(query.names):
        for hit in find_people(actor, word, limit=limit).hits:
            if hit.person.id not in found or found[hit.person.id].score < hit.score:
                found[hit.person.id] = hit
    ranked = sorted(found.values(), key=lambda h: (-h.score, h.person.id))
    return ranked[:limit]


def matching_ids(actor, text: str) -> list[int] | None:
    """Ids of the persons the search box finds for `text`, best first (None: not a search)."""
    query = namematch.parse_query(text)
    if query.hint == "empty":
        return None
    if query.hint:
        return []
    return [pid for _score, _name, pid, _reasons in _ranked(actor, query)[0]]
