"""The duplicate scan's batches: key rows of person_name_keys in key order, and the
database's choice of the buckets worth comparing (services.duplicate_scan pairs them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import Connection, and_, case, func, or_, select, text

from caseapp.extensions import db
from caseapp.people.models import Person, PersonNameKey
from caseapp.people.namematch.scoring import PLACEHOLDER_DAY
from caseapp.web import readonly


def _last_key(conn, after: str, size: int) -> str | None:
    """The last key of the next batch: about `size` key rows after `after`, whole buckets
    (None: the batch runs to the end). One probe of the key index."""
    return conn.scalar(
        select(PersonNameKey.key)
        .where(PersonNameKey.key > after)
        .order_by(PersonNameKey.key)
        .offset(size)
        .limit(1)
    )


def _batch_query(after: str, upto: str | None):
    """Key rows of the batch whose bucket holds a pair worth comparing, with each member's
    names, the bucket's size and whether the member has a partner there.

    The database decides which buckets those are (most hold no two compatible dates): a
    member has a partner when another member has the same full (real) date, or one of the
    two has a vague date (year only, 01.01., none) and their years are at most one apart.
    Buckets where someone has a partner come whole: all members' names count how many carry
    a name."""
    k, p = PersonNameKey.__table__.c, Person.__table__.c
    placeholder = and_(p.birth_month == PLACEHOLDER_DAY[0], p.birth_day == PLACEHOLDER_DAY[1])
    vague = case((or_(p.birth_day.is_(None), placeholder), 1), else_=0)
    no_year = case((p.birth_year.is_(None), 1), else_=0)
    near = {"partition_by": k.key, "order_by": p.birth_year, "range_": (-1, 1)}
    where = [k.key > after, p.merged_into_id.is_(None)]
    if upto is not None:
        where.append(k.key <= upto)
    date = (k.key, p.birth_year, p.birth_month, p.birth_day)
    inner = (
        select(
            k.key,
            k.person_id,
            p.birth_year,
            p.birth_month,
            p.birth_day,
            p.given_name,
            p.family_name,
            p.original_name,
            p.phone_digits,
            p.email,
            p.street,
            p.postcode,
            p.arrived_germany_on,
            vague.label("vague"),
            func.count().over(partition_by=k.key).label("size"),
            func.sum(no_year).over(partition_by=k.key).label("no_year"),
            func.count().over(**near).label("near"),
            func.sum(vague).over(**near).label("near_vague"),
            func.count().over(partition_by=date).label("same_date"),
        )
        .join_from(PersonNameKey.__table__, Person.__table__, p.id == k.person_id)
        .where(*where)
        .subquery()
    )
    i = inner.c
    partner = case(
        (i.birth_year.is_(None), case((i.size > 1, 1), else_=0)),
        (i.vague == 1, case((i.near + i.no_year > 1, 1), else_=0)),
        (or_(i.same_date > 1, i.near_vague + i.no_year > 0), 1),
        else_=0,
    )
    marked = select(
        i.key,
        i.person_id,
        i.given_name,
        i.family_name,
        i.size,
        partner.label("partner"),
        *(i[name] for name in FACTS),
        func.max(partner).over(partition_by=i.key).label("worth"),
    ).subquery()
    m = marked.c
    return select(
        m.key,
        m.person_id,
        m.given_name,
        m.family_name,
        m.size,
        m.partner,
        *(m[name] for name in FACTS),
    ).where(m.worth == 1)


# What the batch returns of each member besides names, bucket size and partner: what pairing
# a bucket needs (dates, original-script name, contacts), so that only the persons of
# candidate pairs are loaded whole.
FACTS = (
    "original_name",
    "birth_year",
    "birth_month",
    "birth_day",
    "phone_digits",
    "email",
    "street",
    "postcode",
    "arrived_germany_on",
)


def next_batch(
    after: str, size: int, conn: Connection | None = None
) -> tuple[dict[str, list[tuple]], str | None]:
    """The next batch's buckets that hold a pair worth comparing: {key: [(person id, given
    name, family name, bucket size, has a partner, *FACTS)]}, and the batch's last key (None:
    the batch ran to the end of the key index). Read on `conn` (default: the session's)."""
    conn = conn if conn is not None else db.session.connection()
    upto = _last_key(conn, after, size)
    if conn.dialect.name == "postgresql":
        # A batch's key rows are a small part of the register: PostgreSQL's planner would
        # rather hash all persons (a sequential scan of a million rows per batch) than look
        # up each by its primary key; measured 3.7 s against 2.7 s for 200,000 key rows.
        conn.execute(text("SET LOCAL enable_hashjoin = off"))
    buckets: dict[str, list[tuple]] = defaultdict(list)
    for key, *member in conn.execute(_batch_query(after, upto)):
        buckets[key].append(tuple(member))
    return buckets, upto


Batch = tuple[dict[str, list[tuple]], str | None]


@contextmanager
def batches(after: str, size: int, *, ahead: bool) -> Iterator[Iterator[Batch]]:
    """The batches from `after` in key order, as `next_batch` gives them.

    With `ahead`, the next batch is read on a connection of its own, in a thread, while the
    caller pairs the current one: the database's window query runs on another core meanwhile
    (PostgreSQL's server process; SQLite leaves the interpreter lock while it steps). The
    reader only reads, each batch in a short transaction of its own; the caller still commits
    its progress batch by batch, so a scan stopped anywhere goes on from its last key. Leaving
    the block early waits for the batch being read and drops it.
    """
    if not ahead:

        def one_by_one() -> Iterator[Batch]:
            key: str | None = after
            while key is not None:
                buckets, upto = next_batch(key, size)
                yield buckets, upto
                key = upto

        yield one_by_one()
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def read(key: str) -> Batch:
        with app.app_context(), readonly.deferred(), db.engine.connect() as conn, conn.begin():
            return next_batch(key, size, conn)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="duplicate-batches") as pool:

        def read_ahead() -> Iterator[Batch]:
            pending: Future[Batch] | None = pool.submit(read, after)
            while pending is not None:
                buckets, upto = pending.result()
                pending = pool.submit(read, upto) if upto is not None else None
                yield buckets, upto

        yield read_ahead()
