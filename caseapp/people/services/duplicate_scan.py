"""The whole-register duplicate scan in resumable batches: facts and evidence of persons,
bucket by bucket through the person_name_keys index, pairs stored with tier and benefit.

The scan walks person_name_keys in key order (its index), one batch of keys at a time: the
database returns the buckets in which some two members have compatible birth dates
(services.duplicate_batches) with what pairing reads of each member (names, dates, contacts),
the scan pairs them bucket by bucket (namematch.review), loads the facts and evidence of the
persons in candidate pairs only, compares and stores what it finds with tier and benefit, then
commits and notes the last key. Memory holds one batch and a bounded cache of facts; an
interrupted scan goes on from its last key. Last, records that carry one AZR number are
compared whatever their names (`_number_pairs`), in the commit that finishes the scan.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import aliased

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.people import namematch
from caseapp.people.models import (
    AidEntry,
    Case,
    DuplicatePair,
    DuplicateScan,
    HouseholdMember,
    Person,
    PersonNameKey,
)
from caseapp.people.namematch import evidence as ev
from caseapp.people.namematch import review
from caseapp.people.namematch.scoring import Prepared, prepare
from caseapp.people.services.duplicate_batches import batches
from caseapp.people.services.duplicate_facts import (
    FACT_COLUMNS,
    among,
    evidence_of,
    more_evidence,
    person_facts,
)

BATCH = 100_000  # key rows per batch: one commit each (about 30 MB of rows in memory)
FACTS_CACHE = 100_000  # persons kept between batches (a person sits in ~9 buckets)


@dataclass(frozen=True)
class _Loaded:
    prepared: Prepared
    office_id: int
    open_case: bool
    aid: bool


def load_facts(ids: list[int]) -> dict[int, _Loaded]:
    """Facts with evidence (contacts, arrival, household, what other packages register) and
    benefit data, few queries."""
    out: dict[int, _Loaded] = {}
    conn = db.session.connection()  # Core rows: no ORM bookkeeping per row
    step = 20_000 if db.engine.dialect.name == "postgresql" else 2000
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        rows = conn.execute(
            select(
                *FACT_COLUMNS,
                Person.office_id,
                Case.status,
            )
            .outerjoin(Case, Case.person_id == Person.id)
            .where(among(Person.id, chunk), Person.merged_into_id.is_(None))
        ).all()
        households = dict(
            conn.execute(
                select(HouseholdMember.person_id, HouseholdMember.household_id).where(
                    among(HouseholdMember.person_id, chunk)
                )
            ).all()
        )
        members: dict[int, list[tuple[int, str]]] = defaultdict(list)
        if households:
            for household_id, person_id, given in conn.execute(
                select(HouseholdMember.household_id, Person.id, Person.given_name)
                .join(Person, Person.id == HouseholdMember.person_id)
                .where(among(HouseholdMember.household_id, set(households.values())))
            ):
                members[household_id].append((person_id, given))
        with_aid = set(
            conn.execute(
                select(AidEntry.person_id).where(among(AidEntry.person_id, chunk)).distinct()
            ).scalars()
        )
        extra = more_evidence(conn, chunk)
        for r in rows:
            household = households.get(r.id)
            others = frozenset(
                namematch.normalise(given).split(" ")[0]
                for pid, given in members.get(household, ())
                if pid != r.id and given
            )
            facts = person_facts(r)
            if household is not None:
                evidence = replace(facts.evidence, household_id=household, household_names=others)
                facts = replace(facts, evidence=evidence)
            if r.id in extra:
                facts = replace(facts, evidence=replace(facts.evidence, **extra[r.id]))
            out[r.id] = _Loaded(
                prepare(facts), r.office_id, r.status not in (None, "closed"), r.id in with_aid
            )
    return out


def benefit(a: _Loaded, b: _Loaded) -> int:
    """How much finding this pair is worth: open cases in two offices and aid given to both
    are where repeated aid happens."""
    value = 0
    if a.open_case and b.open_case:
        value += 1
        if a.office_id != b.office_id:
            value += 2
    if a.aid and b.aid:
        value += 2
    return value


# --- the scan ---------------------------------------------------------------------------


_SIZE: dict[str, tuple[float, int]] = {}


def register_size() -> int:
    """How many persons are registered (not merged); counted at most every ten minutes,
    since only whether it is past evidence.MIN_REGISTER matters."""
    now = time.monotonic()
    cached = _SIZE.get(db.engine.url.render_as_string())
    if cached and now - cached[0] < 600:
        return cached[1]
    size = db.session.scalar(select(func.count(Person.id)).where(Person.merged_into_id.is_(None)))
    _SIZE[db.engine.url.render_as_string()] = (now, size or 0)
    return size or 0


def running_scan() -> DuplicateScan | None:
    return db.session.scalar(
        select(DuplicateScan)
        .where(DuplicateScan.finished_at.is_(None))
        .order_by(DuplicateScan.id.desc())
    )


def latest_scan() -> DuplicateScan | None:
    """The latest finished scan: the queue shows its pairs."""
    return db.session.scalar(
        select(DuplicateScan)
        .where(DuplicateScan.finished_at.is_not(None))
        .order_by(DuplicateScan.id.desc())
    )


def start_scan(actor) -> DuplicateScan:
    """A new scan, unless one is running (which then goes on)."""
    scan = running_scan()
    if scan is None:
        scan = DuplicateScan(started_by_id=getattr(actor, "id", None), last_key="", pairs=0)
        db.session.add(scan)
        db.session.flush()
    return scan


def common_keys() -> set[str]:
    """Name keys that COMMON_NAME persons or more share (few: the frequent name pairs)."""
    return set(
        db.session.scalars(
            select(PersonNameKey.key)
            .group_by(PersonNameKey.key)
            .having(func.count() >= ev.COMMON_NAME)
        )
    )


@lru_cache(maxsize=262_144)
def _name_tokens(given: str, family: str, original: str) -> tuple[tuple, int, tuple]:
    """Tokens, number of given-name tokens and original-script tokens, as prepare() has them
    (names repeat: a million persons carry far fewer names)."""
    p = prepare(
        namematch.PersonFacts(id=0, given_name=given, family_name=family, original_name=original)
    )
    return p.tokens, p.n_given, p.original


def _pairing(member, contacts: bool) -> Prepared:
    """A batch row as much as pairing a bucket reads: names, dates and (in a bucket of a
    common name, where only shared contacts pair vague dates) the contacts; the same as
    prepare() of the person's facts but for sex and the rest of the evidence."""
    pid, given, family, _size, _partner, original, year, month, day, *contact = member
    evidence = None
    if contacts:
        phone, email, street, postcode, arrived = contact
        evidence = evidence_of(
            phone_digits=phone,
            email=email,
            street=street,
            postcode=postcode,
            nationalities=(),
            arrived=arrived,
        )
    tokens, n_given, original_tokens = _name_tokens(given or "", family or "", original or "")
    month = month if year is not None else None
    return Prepared(
        id=pid,
        tokens=tokens,
        n_given=n_given,
        original=original_tokens,
        year=year,
        month=month,
        day=day if month is not None else None,
        sex="",
        evidence=evidence,
    )


def candidate_pairs(buckets: dict[str, list[tuple]], common) -> list[tuple[int, int, int]]:
    """(person id, person id, how many carry the name) of the pairs the batch's buckets answer
    for (review.bucket_candidates), from the batch's rows alone."""
    out = []
    light: dict[tuple[int, bool], Prepared] = {}  # a person sits in several of the buckets
    signatures: dict[tuple[str, str], tuple[str, ...]] = {}
    keysets: dict[int, frozenset[str]] = {}  # each person's keys, computed once per batch

    def keys_of(p: Prepared) -> frozenset[str]:
        keys = keysets.get(p.id)
        if keys is None:
            keys = keysets[p.id] = review.person_keys(p)
        return keys

    contact_sets: dict[int, tuple[str, ...]] = {}  # likewise each person's contacts

    def contacts_of(p: Prepared) -> tuple[str, ...]:
        found = contact_sets.get(p.id)
        if found is None:
            found = contact_sets[p.id] = review.contacts(p)
        return found

    for key, members in buckets.items():
        group = [m for m in members if m[4]]
        if len(group) < 2:
            continue
        size = members[0][3]
        contacts = size >= ev.COMMON_NAME
        prepared = []
        for m in group:
            p = light.get((m[0], contacts))
            if p is None:
                p = light[m[0], contacts] = _pairing(m, contacts)
            prepared.append(p)
        # How many carry each name: counted over the whole bucket, partners or not.
        names: Counter = Counter()
        for m in members:
            signature = signatures.get((m[1], m[2]))
            if signature is None:
                signature = signatures[m[1], m[2]] = review.signature_of(m[1], m[2])
            names[signature] += 1
        for a, b, count in review.bucket_candidates(
            key, prepared, common, names, size, keys_of, contacts_of
        ):
            out.append((a.id, b.id, count))
    return out


def scan(
    actor=None,
    *,
    seconds: float | None = None,
    batch: int = BATCH,
    progress=None,
    ahead: bool | None = None,
) -> DuplicateScan:
    """Run the scan (a new one, or the one that was interrupted) for at most `seconds`.

    Commits after every batch: a scan of a million persons never holds one long transaction,
    and requests go on while it runs. Returns the scan; `finished_at` is set when it is done.
    `ahead`: read the next batch while pairing this one (duplicate_batches.batches); by
    default on PostgreSQL when the scan runs to the end (a job, the command line), not for
    the admin page's slices of a few seconds, where a batch read ahead would be dropped.
    """
    scan_row = start_scan(actor)
    db.session.commit()
    scan_id, last_key, found = scan_row.id, scan_row.last_key, scan_row.pairs
    deadline = None if seconds is None else time.monotonic() + seconds
    facts: OrderedDict[int, _Loaded] = OrderedDict()
    common = common_keys()
    size = register_size()
    if ahead is None:
        ahead = seconds is None and db.engine.dialect.name == "postgresql"
    with batches(last_key, batch, ahead=ahead) as reader:
        for buckets, upto in reader:
            last_key, stored = _scan_batch(scan_id, buckets, upto, last_key, common, size, facts)
            found += stored
            if progress:  # every batch, the last one too (a small register has only that one)
                progress(last_key, found)
            if upto is not None and deadline is not None and time.monotonic() > deadline:
                return db.session.get(DuplicateScan, scan_id)
    found += _number_pairs(scan_id)
    db.session.execute(
        DuplicateScan.__table__.update()
        .where(DuplicateScan.id == scan_id)
        .values(finished_at=utcnow(), pairs=found)
    )
    # Older scans' pairs are replaced by this one's (in batches: they may be many).
    older = select(DuplicateScan.id).where(DuplicateScan.id < scan_id)
    db.session.execute(delete(DuplicatePair).where(DuplicatePair.scan_id.in_(older)))
    db.session.execute(delete(DuplicateScan).where(DuplicateScan.id < scan_id))
    db.session.commit()
    return db.session.get(DuplicateScan, scan_id)


def _pair_row(scan_id: int, a: _Loaded, b: _Loaded, comparison) -> dict:
    """A found pair as stored: lower id first, with tier, score, reasons and benefit."""
    low, high = sorted((a.prepared.id, b.prepared.id))
    return {
        "scan_id": scan_id,
        "a_id": low,
        "b_id": high,
        "tier": comparison.tier,
        "score": comparison.score,
        "reasons": list(comparison.reasons),
        "benefit": benefit(a, b),
    }


def _number_pairs(scan_id: int) -> int:
    """Store the pairs of records with one AZR number that the key walk did not: names the
    rules cannot bridge share no key, and full dates that differ are never paired there.
    Few (one pair per person registered twice with the number), found by its index."""
    a, b = aliased(Person), aliased(Person)
    pairs = db.session.execute(
        select(a.id, b.id)
        .join_from(a, b, and_(b.azr_number == a.azr_number, b.id > a.id))
        .where(a.azr_number != "", a.merged_into_id.is_(None), b.merged_into_id.is_(None))
    ).all()
    if not pairs:
        return 0
    stored = set(
        db.session.execute(
            select(DuplicatePair.a_id, DuplicatePair.b_id).where(
                DuplicatePair.scan_id == scan_id,
                among(DuplicatePair.a_id, sorted({x for x, _y in pairs})),
            )
        ).all()
    )
    loaded = load_facts(sorted({pid for pair in pairs for pid in pair}))
    rows = []
    for low, high in pairs:
        if (low, high) in stored or low not in loaded or high not in loaded:
            continue
        x, y = loaded[low], loaded[high]
        comparison = review.assess(x.prepared, y.prepared)
        if comparison is not None and comparison.tier:
            rows.append(_pair_row(scan_id, x, y, comparison))
    if rows:
        db.session.execute(DuplicatePair.__table__.insert(), rows)
    return len(rows)


def _scan_batch(scan_id: int, buckets, upto, last_key: str, common, size, facts) -> tuple[str, int]:
    """Pair, compare and store one batch's pairs, note its last key and commit: (the key
    noted, pairs stored)."""
    candidates = candidate_pairs(buckets, common)
    # Only the persons of candidate pairs are loaded whole (evidence, household, benefit):
    # a person sits in ~9 buckets, most of which pair them with nobody.
    wanted = {pid for a, b, _count in candidates for pid in (a, b)}
    for pid in wanted & facts.keys():
        facts.move_to_end(pid)  # the batch's own are the last evicted
    facts.update(load_facts(sorted(wanted - facts.keys())))
    here = {pid: facts[pid] for pid in wanted if pid in facts}  # merged meanwhile: gone
    while len(facts) > FACTS_CACHE:
        facts.popitem(last=False)
    rows = []
    for a_id, b_id, name_count in candidates:
        a, b = here.get(a_id), here.get(b_id)
        if a is None or b is None:
            continue
        comparison = review.assess(a.prepared, b.prepared, ev.usable_count(name_count, size))
        if comparison is None or not comparison.tier:
            continue
        rows.append(_pair_row(scan_id, a, b, comparison))
    if rows:
        db.session.execute(DuplicatePair.__table__.insert(), rows)
    if upto is not None:
        last_key = upto
    elif buckets:
        # The last batch: no key after its last bucket holds a pair, so a scan resumed
        # from here stores none of this batch's pairs twice.
        last_key = max(buckets)
    db.session.execute(
        DuplicateScan.__table__.update()
        .where(DuplicateScan.id == scan_id)
        .values(last_key=last_key, pairs=DuplicateScan.pairs + len(rows))
    )
    db.session.commit()
    return last_key, len(rows)
