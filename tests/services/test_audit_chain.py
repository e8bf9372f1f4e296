"""The audit log is hash-chained: `audit verify` names the first entry changed or removed by
SQL, and concurrent writers keep a valid chain."""

from __future__ import annotations

import threading
from datetime import date
from itertools import pairwise

from sqlalchemy import func, select, text

from caseapp.audit import chain, verification
from caseapp.audit.models import AuditChainHead, AuditEntry
from caseapp.audit.services import record
from caseapp.core.clock import utcnow
from caseapp.extensions import db


def write(app, n: int, *, actor=None, action="view", **details) -> list[int]:
    """`n` entries in one transaction, committed as a service's caller does."""
    with app.app_context():
        entries = [
            record(actor, action, "person", i, purpose="case_management", details=details)
            for i in range(n)
        ]
        db.session.commit()
        return [e.id for e in entries]


def verify(app):
    with app.app_context():
        return verification.verify(db.engine)


def sql(app, statement: str, **params) -> None:
    """Plain SQL on the table, as someone with database access would change it."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_entries_are_linked_when_their_transaction_commits(app):
    ids = write(app, 3, field=["alt", "neu – عربي"])
    ids += write(app, 2)
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [r.chain_seq for r in rows] == [1, 2, 3, 4, 5]
        assert len({r.chain_segment for r in rows}) == 1
        assert rows[0].prev_hash == chain.ZERO_HASH
        assert all(b.prev_hash == a.entry_hash for a, b in pairwise(rows))
    report = verify(app)
    assert report.broken is None and report.entries == 5
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "audit chain intact: 5 entries in 1 segments" in result.output


def test_an_entry_changed_by_sql_is_named(app):
    ids = write(app, 4)
    sql(app, "UPDATE audit_entries SET purpose = 'nothing to see' WHERE id = :id", id=ids[2])
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {ids[2]} " in result.output
    assert "changed after it was written" in result.output
    assert result.output.count("\n") == 1


def test_an_entry_rehashed_by_sql_breaks_the_next_link(app):
    """Whoever recomputes a changed entry's hash still breaks the entry after it."""
    ids = write(app, 3)
    sql(app, "UPDATE audit_entries SET entry_hash = :h WHERE id = :id", h="f" * 64, id=ids[0])
    broken = verify(app).broken
    assert broken.entry_id in (ids[0], ids[1])


def test_a_deleted_entry_is_noticed(app):
    ids = write(app, 4)
    sql(app, "DELETE FROM audit_entries WHERE id = :id", id=ids[1])
    broken = verify(app).broken
    assert broken.entry_id == ids[2] and "missing" in broken.reason
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"entry {ids[2]} " in result.output


def test_the_deleted_last_entry_is_noticed(app):
    ids = write(app, 3)
    sql(app, "DELETE FROM audit_entries WHERE id = :id", id=ids[-1])
    broken = verify(app).broken
    assert broken is not None and "missing" in broken.reason


def test_an_entry_inserted_by_sql_is_noticed(app):
    write(app, 2)
    sql(
        app,
        "INSERT INTO audit_entries (at, action, record_type, purpose, details) "
        "VALUES ('2026-11-30 08:00:00', 'view', 'person', '', '{}')",
    )
    broken = verify(app).broken
    assert broken is not None and "outside the chain" in broken.reason


def test_days_link_and_retention_removes_whole_days(app, clock):
    first = write(app, 2)
    clock.advance(days=1)
    second = write(app, 2)
    clock.advance(days=1)
    write(app, 1)
    with app.app_context():
        heads = db.session.scalars(select(AuditChainHead).order_by(AuditChainHead.day)).all()
        assert [h.genesis_segment for h in heads] == [None, heads[0].segment, heads[1].segment]
        db.session.rollback()
    assert verify(app).broken is None
    # Removing a whole day in the middle, head and all, is noticed by the day after it.
    sql(app, "DELETE FROM audit_entries WHERE id IN (:a, :b)", a=second[0], b=second[1])
    sql(app, "DELETE FROM audit_chain_heads WHERE day = :day", day=date(2026, 12, 1))
    broken = verify(app).broken
    assert broken is not None and "2026-12-01" in str(broken) and "missing" in broken.reason
    # Retention deletes the oldest days with their heads: what is left still verifies.
    with app.app_context(), db.engine.begin() as conn:
        assert chain.purge_before(conn, date(2026, 12, 2)) == len(first)
    assert verify(app).broken is None


def test_core_inserts_are_linked_too(app):
    """people.services.bulk writes audit rows with Core inserts on the session's connection."""
    with app.app_context():
        conn = db.session.connection()
        conn.execute(
            AuditEntry.__table__.insert(),
            [
                {"at": utcnow(), "action": "import", "record_type": "person", "record_id": i}
                for i in range(3)
            ],
        )
        db.session.commit()
        unchained = db.session.scalar(
            select(func.count()).where(AuditEntry.chain_segment.is_(None))
        )
        assert unchained == 0
        db.session.rollback()
    assert verify(app).broken is None


def test_concurrent_writers_keep_a_valid_chain(app):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for _ in range(10):
                write(app, 1 + n % 2, action="view", writer=n)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    report = verify(app)
    assert report.broken is None
    assert report.entries == 10 * 1 + 10 * 2
    with app.app_context():
        seqs = db.session.scalars(select(AuditEntry.chain_seq).order_by(AuditEntry.chain_seq))
        assert list(seqs) == list(range(1, 31))  # one segment (no actor: shard 0), no gaps
        db.session.rollback()


def test_a_rolled_back_transaction_leaves_no_link(app):
    write(app, 2)
    with app.app_context():
        record(None, "view", "person", 1)
        db.session.flush()
        db.session.rollback()
    write(app, 1)
    assert verify(app).broken is None


def test_retention_deleting_the_oldest_entries_by_time_keeps_the_chain_valid(app, clock):
    """As privacy's retention does: DELETE ... WHERE at < cutoff, heads left in place."""
    write(app, 3)
    clock.advance(hours=30)
    write(app, 2)
    cutoff = clock.advance(minutes=1)
    write(app, 2)
    clock.advance(days=1)
    write(app, 2)
    sql(app, "DELETE FROM audit_entries WHERE at < :cutoff", cutoff=cutoff)
    report = verify(app)
    assert report.broken is None and report.entries == 4
    # Deleting in what is left is still noticed.
    with app.app_context():
        newest = db.session.scalar(select(func.max(AuditEntry.id)))
        db.session.rollback()
    sql(app, "DELETE FROM audit_entries WHERE id = :id", id=newest - 1)
    assert verify(app).broken is not None


def test_verify_while_others_write_reports_nothing_broken(app):
    write(app, 5)
    done = threading.Event()

    def writer() -> None:
        for _ in range(30):
            write(app, 2)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reports = []
    while not done.is_set():
        reports.append(verify(app))
    thread.join(timeout=120)
    reports.append(verify(app))
    assert [r.broken for r in reports if r.broken is not None] == []
    assert reports[-1].entries == 65
