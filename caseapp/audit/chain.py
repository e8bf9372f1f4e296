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
verification.py checks the chains (`audit verify`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, event, select
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


# --- Retention ------------------------------------------------------------------------------


def purge_before(conn: Connection, day: date) -> int:
    """Delete whole segments of days before `day` (retention): entries and heads together, so
    the chain of the days kept still verifies. Returns the number of entries deleted."""
    old = select(HEADS.c.segment).where(HEADS.c.day < day)
    deleted = conn.execute(ENTRIES.delete().where(ENTRIES.c.chain_segment.in_(old))).rowcount
    conn.execute(HEADS.delete().where(HEADS.c.day < day))
    return deleted
