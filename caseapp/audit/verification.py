"""`audit verify`: walks the hash chains of the audit log (chain.py) and names the first broken
link: an entry changed, removed or inserted after it was written, or a segment missing."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from caseapp.audit.chain import CONTENT, ENTRIES, HEADS, ZERO_HASH, entry_hash


@dataclass(frozen=True)
class Broken:
    """The first link that does not hold: which entry (if one is to blame) and why."""

    segment: str
    entry_id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.entry_id} (segment {self.segment}, position {self.seq})"
        if self.entry_id is None:
            where = f"segment {self.segment}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Report:
    entries: int
    segments: int
    seal: str  # SHA-256 over every segment's last link: write it down elsewhere to anchor
    broken: Broken | None


@contextmanager
def _snapshot(engine: Engine):
    """A short transaction that sees one state of the log: REPEATABLE READ on PostgreSQL (no
    locks); on SQLite the application's BEGIN IMMEDIATE, held for one segment at a time so
    writers wait briefly instead of for the whole walk."""
    conn = engine.connect()
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    try:
        with conn.begin():
            yield conn
    finally:
        conn.close()


def verify(engine: Engine, batch: int = 2000) -> Report:
    """Walk every segment (day by day, shard by shard) and report the first broken link.

    Retention deletes the oldest entries (privacy: audit log), so each shard's chain is
    checked from its first entry still there (the anchor) on: segments emptied before it are
    retired, and the anchor may start after position 1. Anything missing after the anchor is a
    broken link. Each segment is read in a transaction of its own, with its head, so entries
    committed meanwhile are not mistaken for a broken link."""
    entries = 0
    seal = hashlib.sha256()
    with _snapshot(engine) as conn:
        heads = conn.execute(select(HEADS).order_by(HEADS.c.day, HEADS.c.shard)).all()
        first_seq = dict(
            conn.execute(
                select(ENTRIES.c.chain_segment, func.min(ENTRIES.c.chain_seq))
                .where(ENTRIES.c.chain_segment.is_not(None))
                .group_by(ENTRIES.c.chain_segment)
            ).all()
        )
    by_segment = {head.segment: head for head in heads}
    anchors: dict[int, str] = {}
    for head in heads:
        if head.segment in first_seq:
            anchors.setdefault(head.shard, head.segment)
    retired = {
        head.segment
        for head in heads
        if head.shard not in anchors or head.day < by_segment[anchors[head.shard]].day
    }

    def report(broken: Broken | None) -> Report:
        return Report(entries, len(heads) - len(retired), seal.hexdigest(), broken)

    for listed in heads:
        if listed.segment in retired:
            continue
        with _snapshot(engine) as conn:
            head = conn.execute(select(HEADS).where(HEADS.c.segment == listed.segment)).first()
            if head is None:
                return report(Broken(listed.segment, None, None, "its head is missing"))
            anchor_day = by_segment[anchors[head.shard]].day
            starts_late = head.segment == anchors[head.shard] and first_seq[head.segment] > 1
            broken, n, last = _verify_segment(
                conn, head, by_segment, retired, anchor_day, starts_late, batch
            )
        entries += n
        if broken is not None:
            return report(broken)
        seal.update(f"{head.segment}:{head.last_seq}:{last}\n".encode())
    with _snapshot(engine) as conn:
        stray = conn.execute(
            select(ENTRIES.c.id, ENTRIES.c.chain_segment, ENTRIES.c.chain_seq)
            .where(
                ENTRIES.c.chain_segment.is_(None)
                | ENTRIES.c.chain_segment.not_in(select(HEADS.c.segment))
            )
            .order_by(ENTRIES.c.id)
            .limit(1)
        ).first()
    if stray is not None:
        reason = "it was written outside the chain"
        return report(Broken(stray.chain_segment or "-", stray.id, stray.chain_seq, reason))
    return report(None)


def _verify_segment(conn, head, by_segment, retired, anchor_day, starts_late, batch):
    """(the first broken link or None, entries read, the last hash) of one segment."""
    expected, prev, n = 0, head.genesis_hash, 0
    if starts_late:
        expected, prev = None, None  # retention removed its start: begin at its first entry
    else:
        reason = _genesis_problem(conn, head, by_segment, retired, anchor_day)
        if reason:
            return Broken(head.segment, None, None, reason), n, prev
    stmt = (
        select(*CONTENT, ENTRIES.c.chain_seq, ENTRIES.c.prev_hash, ENTRIES.c.entry_hash)
        .where(ENTRIES.c.chain_segment == head.segment)
        .order_by(ENTRIES.c.chain_seq)
        .execution_options(yield_per=batch)
    )
    result = conn.execute(stmt)
    try:
        for row in result:
            expected = row.chain_seq if expected is None else expected + 1
            n += 1
            reason = _link_problem(row, head.segment, expected, prev or row.prev_hash)
            if reason:
                return Broken(head.segment, row.id, row.chain_seq, reason), n, prev
            prev = row.entry_hash
    finally:
        result.close()  # a server-side cursor on PostgreSQL, left early on a break
    expected = expected or 0
    if expected < head.last_seq:
        reason = f"its last {head.last_seq - expected} entries are missing (deleted?)"
        return Broken(head.segment, None, None, reason), n, prev
    if expected != head.last_seq or prev != head.last_hash:
        return Broken(head.segment, None, None, "its head does not match its entries"), n, prev
    return None, n, prev


def _link_problem(row, segment: str, expected: int, prev: str) -> str:
    """Why this entry breaks its segment's chain, or "" when it holds."""
    if row.chain_seq != expected:
        return f"position {expected} before it is missing (deleted?)"
    if row.prev_hash != prev:
        return "it does not link to the entry before it"
    if entry_hash(row, segment, row.chain_seq, row.prev_hash) != row.entry_hash:
        return "its content was changed after it was written"
    return ""


def _genesis_problem(conn: Connection, head, by_segment, retired, anchor_day: date) -> str:
    """Why the segment's first link does not hold, or "" when it does."""
    if head.genesis_segment is None:
        return "" if head.genesis_hash == ZERO_HASH else "its first link points nowhere"
    target = by_segment.get(head.genesis_segment)
    if target is None or target.segment in retired:
        # Retention removes whole days from the oldest on: a link into them is expected.
        removed_day = date.fromisoformat(head.genesis_segment.partition("/")[0])
        if removed_day <= anchor_day:
            return ""
        return f"segment {head.genesis_segment}, which it continues, is missing (deleted?)"
    if head.genesis_hash in (target.genesis_hash, target.last_hash):
        return ""
    found = conn.execute(
        select(ENTRIES.c.id).where(
            ENTRIES.c.chain_segment == target.segment, ENTRIES.c.entry_hash == head.genesis_hash
        )
    ).first()
    return "" if found else f"it does not continue segment {target.segment}"
