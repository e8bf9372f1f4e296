"""Pages that only read: on SQLite their transaction does not take the write lock.

Every SQLite transaction otherwise starts with BEGIN IMMEDIATE (app._configure_sqlite): a
request that reads and later writes (an audit row) must not fail with "database is locked"
because someone else wrote in between. The price is that every request, reads included,
waits its turn for the one write lock. A view marked `@read_only` (the case list and the
search box, the start page, the duplicate hint while registering) begins with a plain BEGIN
instead, so any number of them read at once beside one writer.

The rule that keeps this safe: inside a read-only request a write may only start a
transaction of its own, never follow a read in the same one (SQLite cannot upgrade a read
snapshot that someone else's commit has overtaken). `write_apart()` ends the read
transaction before a small write that any request may do (the session's idle clock, a
chosen language), and a guard on the connection refuses a write after a read, so a view
marked read-only that starts writing fails in the tests rather than now and then in use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event

from caseapp.extensions import db

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteAfterRead(RuntimeError):
    """A read-only request wrote after reading in the same transaction."""


def read_only(view):
    """Mark a view as one that only reads (see the module docstring)."""
    view.read_only = True
    return view


_reading: ContextVar[bool] = ContextVar("lotse_reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """Long reads outside a read-only page (a report job, a CSV download before its audit
    row): transactions begun inside take no write lock on SQLite. The transaction is ended
    when the block ends, so what follows (progress, an audit row) begins as a writer."""
    db.session.rollback()
    token = _reading.set(True)
    try:
        yield
    finally:
        db.session.rollback()
        _reading.reset(token)


def in_read_only_request() -> bool:
    if _reading.get():
        return True
    if not has_request_context() or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "read_only", False))


def write_apart() -> None:
    """Before a write in a request that may be read-only: end the read transaction (nothing
    to keep) and let the next one take the write lock up front, as every other request's."""
    if in_read_only_request():
        db.session.rollback()
        g.lotse_write_next = True


def install(engine) -> None:
    """How SQLite transactions begin, and the guard against a write after a read in a
    deferred (read-only) transaction."""

    @event.listens_for(engine, "begin")
    def _begin(connection):
        deferred = in_read_only_request() and not g.pop("lotse_write_next", False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")
        connection.info["lotse_deferred"] = deferred
        connection.info["lotse_read"] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _check(connection, _cursor, statement, _params, _context, _executemany):
        if not connection.info.get("lotse_deferred"):
            return
        head = statement.lstrip()[:7].upper()
        if head.startswith(_WRITES):
            if connection.info.get("lotse_read"):
                where = request.endpoint if has_request_context() else "a reading() block"
                raise WriteAfterRead(f"{where} is marked read-only but writes after reading")
        elif head.startswith(("SELECT", "WITH")):
            connection.info["lotse_read"] = True
