"""The audit log as hash chains: any changed, removed or inserted entry breaks a link.

Entries are chained per segment: one UTC day and one of SHARDS shards of the writers (the
actor's id modulo SHARDS; entries without an actor go to shard 0). Each entry stores its
segment, its position (`chain_seq`, 1, 2, ...), the previous entry's hash and its own: SHA-256
over the canonical JSON of its content, position and previous hash. The first entry of a
segment links to the hash the shard's previous segment had when this one began, so removing a
whole day is noticed too. `audit_chain_heads` holds each segment's last link.

Links are made when the writing transaction commits (Session `before_commit`): the
transaction's unchained rows are read back, the heads they belong to are locked (SELECT ... FOR
UPDATE on PostgreSQL, in segment order so two writers never deadlock; SQLite's BEGIN IMMEDIATE
already serialises writers) and linked. A head is therefore locked only between the last flush
and the commit, and only writers of the same shard and day wait for each other.

Rows inserted with Core (people.services.bulk) are chained the same way: an engine event
notes an INSERT into audit_entries on the connection. Code that writes audit rows on its own
engine connection, outside the session, calls `chain_pending(connection)` before committing.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import Insert

from caseapp.audit.models import AuditChainHead, AuditEntry

SHARDS = 8
ZERO_HASH = "0" * 64
VERSION = "lotse-audit-v1"
_FLAG = "lotse_audit_unchained"
_CONNECTIONS = "lotse_audit_connections"

ENTRIES = AuditEntry.__table__
HEADS = AuditChainHead.__table__
CONTENT = (
    ENTRIES.c.id,
    ENTRIES.c.at,
    ENTRIES.c.actor_id,
    ENTRIES.c.office_id,
    ENTRIES.c.action,
    ENTRIES.c.record_type,
    ENTRIES.c.record_id,
    ENTRIES.c.purpose,
    ENTRIES.c.details,
)


def segment_of(at: datetime, actor_id: int | None) -> tuple[str, date, int]:
    """The segment an entry belongs to: (key, UTC day, shard)."""
    day = at.astimezone(UTC).date()
    shard = (actor_id or 0) % SHARDS
    return f"{day.isoformat()}/{shard}", day, shard


def entry_hash(row, segment: str, seq: int, prev_hash: str) -> str:
    """SHA-256 of the entry's canonical content (as stored and read back) and its link."""
    content = [
        VERSION,
        segment,
        seq,
        prev_hash,
        row.id,
        row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        row.actor_id,
        row.office_id,
        row.action,
        row.record_type,
        row.record_id,
        row.purpose,
        row.details,
    ]
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Writing ---------------------------------------------------------------------------------


def _insert_head(conn: Connection):
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(HEADS)


def _locked_head(conn: Connection, segment: str, day: date, shard: int):
    stmt = select(HEADS).where(HEADS.c.segment == segment).with_for_update()
    head = conn.execute(stmt).first()
    if head is None:
        previous = conn.execute(
            select(HEADS.c.segment, HEADS.c.last_hash)
            .where(HEADS.c.shard == shard)
            .order_by(HEADS.c.day.desc())
            .limit(1)
        ).first()
        conn.execute(
            _insert_head(conn)
            .values(
                segment=segment,
                day=day,
                shard=shard,
                genesis_segment=previous.segment if previous else None,
                genesis_hash=previous.last_hash if previous else ZERO_HASH,
                last_seq=0,
                last_hash=previous.last_hash if previous else ZERO_HASH,
            )
            .on_conflict_do_nothing(index_elements=["segment"])
        )
        head = conn.execute(stmt).one()
    return head


def chain_pending(conn: Connection, limit: int | None = None) -> dict:
    """Link the entries not yet chained that this transaction sees (the first `limit` of
    them): {entry id: (segment, position, previous hash, hash)}."""
    rows = conn.execute(
        select(*CONTENT)
        .where(ENTRIES.c.chain_segment.is_(None))
        .order_by(ENTRIES.c.id)
        .limit(limit)
        .with_for_update()
    ).all()
    groups: dict[tuple[str, date, int], list] = defaultdict(list)
    for row in rows:
        groups[segment_of(row.at, row.actor_id)].append(row)
    links: dict[int, tuple[str, int, str, str]] = {}
    for segment, day, shard in sorted(groups):  # one order for every writer: no deadlock
        head = _locked_head(conn, segment, day, shard)
        seq, prev = head.last_seq, head.last_hash
        updates = []
        for row in groups[(segment, day, shard)]:
            seq += 1
            digest = entry_hash(row, segment, seq, prev)
            updates.append({"b_id": row.id, "seg": segment, "seq": seq, "prev": prev, "h": digest})
            links[row.id] = (segment, seq, prev, digest)
            prev = digest
        conn.execute(
            ENTRIES.update()
            .where(ENTRIES.c.id == bindparam("b_id"))
            .values(
                chain_segment=bindparam("seg"),
                chain_seq=bindparam("seq"),
                prev_hash=bindparam("prev"),
                entry_hash=bindparam("h"),
            ),
            updates,
        )
        conn.execute(
            HEADS.update().where(HEADS.c.segment == segment).values(last_seq=seq, last_hash=prev)
        )
    return links


def _note_insert(conn, clauseelement, multiparams, params, execution_options):
    if isinstance(clauseelement, Insert) and clauseelement.table is ENTRIES:
        conn.info[_FLAG] = True


def _forget(conn) -> None:
    conn.info.pop(_FLAG, None)


def _after_begin(session: Session, _transaction, connection: Connection) -> None:
    session.info.setdefault(_CONNECTIONS, []).append(connection)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # the outermost commit links, so a head is locked as briefly as possible
    if any(isinstance(obj, AuditEntry) for obj in session.new):
        session.flush()
    for conn in session.info.get(_CONNECTIONS, ()):
        if conn.closed or not conn.info.pop(_FLAG, False):
            continue
        links = chain_pending(conn)
        for obj in session.identity_map.values():
            if isinstance(obj, AuditEntry) and obj.id in links:
                segment, seq, prev, digest = links[obj.id]
                set_committed_value(obj, "chain_segment", segment)
                set_committed_value(obj, "chain_seq", seq)
                set_committed_value(obj, "prev_hash", prev)
                set_committed_value(obj, "entry_hash", digest)


def _after_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # commit, rollback or close of the outermost transaction
        session.info.pop(_CONNECTIONS, None)


def install() -> None:
    """Listen on every engine and ORM session (idempotent)."""
    listeners = (
        (Engine, "before_execute", _note_insert),
        (Engine, "rollback", _forget),
        (Session, "after_begin", _after_begin),
        (Session, "before_commit", _before_commit),
        (Session, "after_transaction_end", _after_end),
    )
    for target, name, fn in listeners:
        if not event.contains(target, name, fn):
            event.listen(target, name, fn)


# --- Verifying -------------------------------------------------------------------------------


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


def purge_before(conn: Connection, day: date) -> int:
    """Delete whole segments of days before `day` (retention): entries and heads together, so
    the chain of the days kept still verifies. Returns the number of entries deleted."""
    old = select(HEADS.c.segment).where(HEADS.c.day < day)
    deleted = conn.execute(ENTRIES.delete().where(ENTRIES.c.chain_segment.in_(old))).rowcount
    conn.execute(HEADS.delete().where(HEADS.c.day < day))
    return deleted
