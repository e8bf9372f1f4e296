"""The duplicate review: the tiered queue sorted by likely benefit, clusters, and the
decisions that make the queue shrink ("not the same person" is never proposed again).

The queue shows the latest finished scan (services.duplicate_scan), less the pairs someone
decided on; a small register without a stored scan is compared on the fly (`preview`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, tuple_

from caseapp.audit import services as audit
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.signals import merge_handler
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import DuplicateDecision, DuplicatePair, Person
from caseapp.people.namematch import evidence as ev
from caseapp.people.namematch import review
from caseapp.people.services.duplicate_scan import (  # noqa: F401 - one place to import from
    BATCH,
    FACT_COLUMNS,
    benefit,
    evidence_of,
    latest_scan,
    load_facts,
    person_facts,
    register_size,
    running_scan,
    scan,
    start_scan,
)

DECISIONS = ("different", "later")
QUEUE_PAGE = 50


# --- the queue --------------------------------------------------------------------------


def open_pairs(scan_id: int):
    """Pairs of the scan nobody called "not the same person" (those put off for later stay),
    between records that are not merged."""
    decided = select(DuplicateDecision.id).where(
        DuplicateDecision.a_id == DuplicatePair.a_id,
        DuplicateDecision.b_id == DuplicatePair.b_id,
        DuplicateDecision.decision == "different",
    )
    merged = select(Person.id).where(
        Person.id.in_((DuplicatePair.a_id, DuplicatePair.b_id)), Person.merged_into_id.is_not(None)
    )
    return select(DuplicatePair).where(
        DuplicatePair.scan_id == scan_id, ~decided.exists(), ~merged.exists()
    )


def queue_counts(scan_id: int) -> dict[str, int]:
    """Pairs left to review per tier (later ones included)."""
    stmt = open_pairs(scan_id).subquery()
    rows = db.session.execute(select(stmt.c.tier, func.count()).group_by(stmt.c.tier)).all()
    return {tier: dict(rows).get(tier, 0) for tier in ev.TIERS}


def queue(
    scan_id: int, tier: str, *, page: int = 1, name: str = "", per_page: int = QUEUE_PAGE
) -> list[tuple[DuplicatePair, str]]:
    """One page of a tier's open pairs: most benefit first, then best score; pairs put off
    for later come last. With `name` (the "same name only" tier is searched, not listed),
    only pairs whose records the search box finds for it."""
    later = (
        select(DuplicateDecision.decision)
        .where(
            DuplicateDecision.a_id == DuplicatePair.a_id,
            DuplicateDecision.b_id == DuplicatePair.b_id,
        )
        .scalar_subquery()
    )
    stmt = open_pairs(scan_id).where(DuplicatePair.tier == tier)
    if name:
        from caseapp.people.services.finder import matching_ids

        ids = matching_ids(None, name) or [0]
        stmt = stmt.where(or_(DuplicatePair.a_id.in_(ids), DuplicatePair.b_id.in_(ids)))
    stmt = stmt.add_columns(func.coalesce(later, "")).order_by(
        func.coalesce(later, "") == "later",
        DuplicatePair.benefit.desc(),
        DuplicatePair.score.desc(),
        DuplicatePair.a_id,
        DuplicatePair.b_id,
    )
    stmt = stmt.limit(per_page).offset((max(page, 1) - 1) * per_page)
    return [(pair, decision) for pair, decision in db.session.execute(stmt).all()]


def pair_clusters(scan_id: int, tiers=(ev.CERTAIN, ev.POSSIBLE)) -> list[list[int]]:
    """Everyone who is probably one person, from the listed tiers; "not the same person"
    decisions keep their two records apart in every cluster."""
    pairs = db.session.execute(
        open_pairs(scan_id)
        .where(DuplicatePair.tier.in_(tiers))
        .with_only_columns(DuplicatePair.a_id, DuplicatePair.b_id, DuplicatePair.score)
    ).all()
    different = db.session.execute(
        select(DuplicateDecision.a_id, DuplicateDecision.b_id).where(
            DuplicateDecision.decision == "different"
        )
    ).all()
    return review.clusters(pairs, different)


def decide(actor, a_id: int, b_id: int, decision: str) -> DuplicateDecision:
    """Store "different" (never proposed again) or "later" for a pair; audited."""
    if decision not in DECISIONS or a_id == b_id:
        raise ValidationFailed(
            {"decision": _("Choose two different records that are not merged yet.")}
        )
    low, high = sorted((a_id, b_id))
    people = db.session.scalars(select(Person).where(Person.id.in_((low, high)))).all()
    if len(people) != 2:
        raise ValidationFailed(
            {"decision": _("Choose two different records that are not merged yet.")}
        )
    row = db.session.scalar(
        select(DuplicateDecision).where(
            DuplicateDecision.a_id == low, DuplicateDecision.b_id == high
        )
    )
    if row is None:
        row = DuplicateDecision(a_id=low, b_id=high)
        db.session.add(row)
    row.decision = decision
    row.decided_by_id = getattr(actor, "id", None)
    row.decided_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "duplicate_decision",
        "person",
        low,
        office_id=people[0].office_id,
        details={"other": [None, high], "decision": [None, decision]},
    )
    return row


def decisions_of(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    if not pairs:
        return {}
    rows = db.session.execute(
        select(DuplicateDecision.a_id, DuplicateDecision.b_id, DuplicateDecision.decision).where(
            tuple_(DuplicateDecision.a_id, DuplicateDecision.b_id).in_(pairs)
        )
    ).all()
    return {(a, b): d for a, b, d in rows}


@merge_handler(
    "duplicate_decisions.a_id",
    "duplicate_decisions.b_id",
    "duplicate_pairs.a_id",
    "duplicate_pairs.b_id",
)
def carry_decisions(survivor: Person, *, removed: Person, **_kw) -> dict[str, int]:
    """Decisions about the removed record now concern the survivor: if it was "not the same
    person" as someone, neither is the survivor it was the same person as. The scan's pairs
    with the removed record are gone (the next scan finds the survivor's own)."""
    db.session.execute(
        delete(DuplicatePair).where(
            or_(DuplicatePair.a_id == removed.id, DuplicatePair.b_id == removed.id)
        )
    )
    rows = db.session.scalars(
        select(DuplicateDecision).where(
            or_(DuplicateDecision.a_id == removed.id, DuplicateDecision.b_id == removed.id)
        )
    ).all()
    moved = 0
    for row in rows:
        other = row.b_id if row.a_id == removed.id else row.a_id
        low, high = sorted((survivor.id, other))
        exists = db.session.scalar(
            select(DuplicateDecision.id).where(
                DuplicateDecision.a_id == low, DuplicateDecision.b_id == high
            )
        )
        if other == survivor.id or exists:
            db.session.delete(row)  # about the pair that was just merged, or already known
        else:
            row.a_id, row.b_id = low, high
            moved += 1
        db.session.flush()
    return {"duplicate_decisions": moved}


# --- a register without a stored scan ---------------------------------------------------

PREVIEW_PERSONS = 3_000  # up to this many persons the page compares on the fly (~2 s)


@dataclass(frozen=True)
class PairView:
    """A found pair as the review page shows it (stored by a scan or computed on the fly)."""

    a_id: int
    b_id: int
    tier: str
    score: float
    reasons: tuple[str, ...]
    benefit: int = 0


def preview() -> list[PairView] | None:
    """Every pair of a small register, computed now and not stored (a GET never writes);
    None when the register is too large for that and needs `scan`."""
    total = db.session.scalar(select(func.count(Person.id)).where(Person.merged_into_id.is_(None)))
    if total > PREVIEW_PERSONS:
        return None
    ids = list(db.session.scalars(select(Person.id).where(Person.merged_into_id.is_(None))))
    loaded = load_facts(ids)
    by_id = loaded
    found = review.review_pairs(item.prepared for item in loaded.values())
    decided = decisions_of([(a, b) for a, b, _c in found])
    return [
        PairView(a, b, c.tier, c.score, c.reasons, benefit(by_id[a], by_id[b]))
        for a, b, c in found
        if decided.get((a, b)) != "different"
    ]
