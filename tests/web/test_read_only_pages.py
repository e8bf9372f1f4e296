"""Pages that only read take no write lock on SQLite (caseapp/web/readonly.py): the case list,
the search box and the start page answer while another connection holds the write lock; a
read-only page that writes after reading is refused; the small writes any page may do (a
chosen language, the idle clock) still work on them."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import func, select, update

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.web import readonly


@pytest.fixture
def sqlite_only(app):
    with app.app_context():
        if db.engine.url.get_backend_name() != "sqlite":
            pytest.skip("the write lock taken up front is SQLite's")
        return db.engine.url.database


def test_read_only_pages_answer_while_a_writer_holds_the_lock(app, world, actions, sqlite_only):
    assert actions.login(world["caseworker_a"]).status_code == 302
    actions.token()  # the account page, which is not read-only, gives the form token
    holder = sqlite3.connect(sqlite_only, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for method, path, form in (
            ("GET", "/home", None),
            ("GET", "/people/?sort=name", None),
            ("POST", "/people/", {"q": "Hassan"}),
            ("POST", "/people/", {"q": "Has", "fragment": "1", "compact": "1"}),
            ("GET", "/reports/casework", None),
        ):
            started = time.perf_counter()
            response = actions.client.get(path) if method == "GET" else actions.post(path, form)
            # The busy timeout is 15 s: a page that waited for the lock would take that long.
            assert response.status_code == 200, path
            assert time.perf_counter() - started < 5, path
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_read_only_page_that_writes_after_reading_is_refused(app, world, sqlite_only):
    with app.test_request_context("/home"):
        db.session.rollback()
        assert readonly.in_read_only_request()
        db.session.scalar(select(func.count(User.id)))
        with pytest.raises(readonly.WriteAfterRead):
            db.session.execute(update(User).where(User.id == -1).values(display_name="x"))
        db.session.rollback()
    with app.test_request_context("/people/1/edit", method="POST"):  # a save
        db.session.rollback()
        assert not readonly.in_read_only_request()
        db.session.scalar(select(func.count(User.id)))
        db.session.execute(update(User).where(User.id == -1).values(display_name="x"))
        db.session.rollback()


def test_a_language_chosen_on_a_read_only_page_is_saved(app, world, actions):
    assert actions.login(world["caseworker_a"]).status_code == 302
    response = actions.client.get("/home?lang=tr")
    assert response.status_code == 200 and '<html lang="tr"' in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        assert user.preferred_language == "tr"


def test_the_idle_clock_moves_on_a_read_only_page(app, world, actions, clock):
    from caseapp.auth.models import UserSession

    assert actions.login(world["caseworker_a"]).status_code == 302
    with app.app_context():
        before = db.session.scalar(select(func.max(UserSession.last_seen_at)))
    clock.advance(minutes=5)
    assert actions.client.get("/people/").status_code == 200
    with app.app_context():
        after = db.session.scalar(select(func.max(UserSession.last_seen_at)))
    assert after is not None and (before is None or after > before)


def test_a_long_read_outside_a_page_takes_no_write_lock(app, world, sqlite_only):
    from caseapp.reports import yearly

    holder = sqlite3.connect(sqlite_only, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with app.test_request_context():
            started = time.perf_counter()
            with readonly.reading():
                table = yearly.csv(2026, "de")
            assert table.startswith("\ufeff".encode()) and time.perf_counter() - started < 10
            with readonly.reading():
                db.session.scalar(select(func.count(User.id)))
                with pytest.raises(readonly.WriteAfterRead):
                    db.session.execute(update(User).where(User.id == -1).values(active=True))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize(
    ("page", "table", "audited"),
    [
        ("/people/{person}", "FROM PERSONS", ("view", "person")),
        ("/appointments/calendar", "FROM APPOINTMENTS", ("view_calendar", "office")),
    ],
)
def test_audited_reads_read_beside_the_writer_and_then_write_their_audit_entry(
    app, make_user, actions, sqlite_only, page, table, audited
):
    """The case file and the calendar are audited reads: they load and render while another
    connection holds the write lock, and take the lock only for their audit entry, in a
    transaction that writes nothing else (before, they held it from the first read to the
    commit, so every case file opened in the city waited for the one before)."""
    import threading

    from sqlalchemy import event

    from caseapp.audit.models import AuditEntry
    from tests.factories.appointments import setup_office

    setup = setup_office(app, make_user)
    assert actions.login(setup["workers"][0]).status_code == 302
    person = setup["person"]
    log: list[tuple[float, str]] = []
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEntry.id)))
        engine = db.engine

    def remember(_conn, _cursor, statement, *_args):
        log.append((time.perf_counter(), " ".join(statement.split()).upper()))

    holder = sqlite3.connect(sqlite_only, isolation_level=None, timeout=1, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = []

    def release():
        time.sleep(1.5)
        released.append(time.perf_counter())
        holder.execute("ROLLBACK")

    event.listen(engine, "before_cursor_execute", remember)
    try:
        threading.Thread(target=release).start()
        response = actions.client.get(page.format(person=person))
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    holder.close()
    assert response.status_code == 200
    reads = [at for at, sql in log if sql.startswith("SELECT") and table in sql]
    assert reads and reads[0] < released[0]  # read while the lock was held
    writer = [i for i, (_at, sql) in enumerate(log) if sql.startswith("BEGIN IMMEDIATE")]
    assert writer, "the audit entry is written in a transaction of its own"
    written = [sql for _at, sql in log[writer[-1] + 1 :]]
    assert any(sql.startswith("INSERT INTO AUDIT") for sql in written)
    assert not any(table in sql or "FROM CASES" in sql for sql in written)
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).all()
        assert len(entries) == before + 1
        assert (entries[0].action, entries[0].record_type) == audited


def test_forms_shown_for_a_save_read_without_the_write_lock(app, make_user, actions, sqlite_only):
    """The consultation and booking forms take no write lock to be shown; their save (POST)
    still begins as a writer."""
    from tests.factories.appointments import setup_office

    setup = setup_office(app, make_user)
    assert actions.login(setup["workers"][0]).status_code == 302
    person = setup["person"]
    holder = sqlite3.connect(sqlite_only, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for path in (
            f"/people/{person}/consultations/new",
            f"/appointments/person/{person}/new",
        ):
            started = time.perf_counter()
            assert actions.client.get(path).status_code == 200, path
            assert time.perf_counter() - started < 5, path
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with app.test_request_context(f"/people/{person}/consultations/new", method="GET"):
        assert readonly.in_read_only_request()
    with app.test_request_context(f"/people/{person}/consultations/new", method="POST"):
        assert not readonly.in_read_only_request()
