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


def read_only(view=None, *, methods: tuple[str, ...] | None = None):
    """Mark a view as one that only reads (see the module docstring); with `methods`, only
    requests of those methods (a form's GET, whose POST saves)."""

    def mark(view):
        view.read_only = tuple(methods) if methods else True
        return view

    return mark(view) if view is not None else mark


_reading: ContextVar[bool] = ContextVar("lotse_reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """Long reads outside a read-only page (a report job, a CSV download before its audit
    row): transactions begun inside take no write lock on SQLite. The transaction is ended
    when the block ends, so what follows (progress, an audit row) begins as a writer."""
    db.session.rollback()
    try:
        with deferred():
            yield
    finally:
        db.session.rollback()


@contextmanager
def deferred() -> Iterator[None]:
    """Transactions begun inside take no write lock on SQLite, and the guard refuses a write
    after a read: for a caller that only reads on a connection of its own (the duplicate
    scan's read-ahead thread), whose transactions it ends itself."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def in_read_only_request() -> bool:
    if _reading.get():
        return True
    if not has_request_context() or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    marked = getattr(view, "read_only", False)
    if isinstance(marked, tuple):
        return request.method in marked
    return bool(marked)


def audit_later(entry) -> bool:
    """In a read-only page an audit entry waits until the page is rendered and is then
    written in a short transaction of its own (`write_audit_later`), so a page whose read is
    audited (the case file) reads beside the writer instead of holding SQLite's write lock
    while it loads and renders. Not in a `reading()` block: that is ended by its caller.
    PostgreSQL has no such lock: there the entry stays in the page's own transaction."""
    if _reading.get() or not has_request_context() or not in_read_only_request():
        return False
    if db.engine.dialect.name != "sqlite":
        return False
    g.setdefault("lotse_audit_later", []).append(entry)
    return True


def write_audit_later() -> bool:
    """Write the audit entries a read-only page recorded, before its answer leaves: the read
    transaction ends, the entries are committed on their own. Called by render_audited and,
    for any other answer, after the request (a failure there is an error page, not the page)."""
    entries = g.pop("lotse_audit_later", None) if has_request_context() else None
    if not entries:
        return False
    write_apart()
    db.session.add_all(entries)
    db.session.commit()
    return True


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


def audit_after_request(response):
    """after_request: the audit entries of a read-only answer not rendered by render_audited
    (a download, a redirect) are written before the answer leaves. An error answer writes
    none, as its transaction would have been rolled back."""
    if response.status_code >= 400:
        g.pop("lotse_audit_later", None)
    else:
        write_audit_later()
    return response
