"""Shared fixtures: one app per session on a real database, rows wiped after each test.

Set TEST_DATABASE_URL (for example postgresql://lotse@127.0.0.1:55432/lotse_test) to run
against PostgreSQL; otherwise a temporary SQLite file is used.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime, timedelta

import pytest

_tmpdir = tempfile.mkdtemp(prefix="lotse-tests-")
os.environ["CASEAPP_ENV"] = "testing"
os.environ["DATABASE_URL"] = (
    os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_tmpdir}/test.sqlite3"
)

from sqlalchemy import text  # noqa: E402

from caseapp.app import create_app  # noqa: E402
from caseapp.core import clock as core_clock  # noqa: E402
from caseapp.extensions import db  # noqa: E402
from tests.factories.web import PASSWORD, Actions  # noqa: E402

pytest_plugins = [
    "tests.fixtures.smtp",
    "tests.fixtures.people",
    "tests.fixtures.people_web",
    "tests.fixtures.partners",
]

# Every test runs at this instant (Europe/Berlin wall time) unless it moves the clock itself;
# no test may depend on the real date (CI also runs the suite with the system clock moved).
FROZEN_AT = datetime(2026, 11, 30, 9, 30)
core_clock.freeze(FROZEN_AT)


def _reset_schema() -> None:
    """Start from an empty database, then build the schema with the real migrations."""
    from flask_migrate import upgrade

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(revision="heads")


class Clock:
    """The frozen application clock (caseapp.core.clock) as a test sees it."""

    def set(self, at: datetime) -> datetime:
        """Move to `at` (naive values are Europe/Berlin wall time)."""
        core_clock.freeze(at)
        return core_clock.utcnow()

    def advance(self, delta: timedelta | None = None, **kw) -> datetime:
        return core_clock.advance(delta, **kw)

    @property
    def now(self) -> datetime:
        return core_clock.utcnow()

    @property
    def today(self) -> date:
        return core_clock.local_today()


@pytest.fixture(autouse=True)
def clock():
    """Freeze the application clock at FROZEN_AT for every test (and move it with .advance)."""
    core_clock.freeze(FROZEN_AT)
    yield Clock()
    core_clock.freeze(FROZEN_AT)


@pytest.fixture(scope="session")
def app():
    app = create_app({"SERVER_NAME": None, "LOGIN_MAX_FAILURES_PER_IP": 1000})
    with app.app_context():
        _reset_schema()
    yield app


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names


@pytest.fixture
def ctx(app):
    """An application context for service tests; services flush, the test commits."""
    with app.test_request_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def actions(client):
    return Actions(client)


@pytest.fixture
def make_office(app):
    from caseapp.offices.services import OfficeData, create_office

    counter = iter(range(1, 10_000))

    def make(**kw):
        with app.test_request_context():
            data = OfficeData(
                name=kw.pop("name", f"Office {next(counter)}"),
                kind=kw.pop("kind", "integration_centre"),
                **kw,
            )
            office = create_office(None, data)
            db.session.commit()
            return office.id

    return make


@pytest.fixture
def make_user(app):
    from caseapp.users.services import UserData, create_user

    counter = iter(range(1, 10_000))

    def make(*roles: str, offices=(), email=None, password=PASSWORD, name=None, language="de"):
        n = next(counter)
        with app.test_request_context():
            user = create_user(
                None,
                UserData(
                    email=email or f"user{n}@lotse.example",
                    display_name=name or f"Test User {n}",
                    roles=list(roles) or ["caseworker"],
                    office_ids=list(offices),
                    preferred_language=language,
                ),
                password,
            )
            db.session.commit()
            return user.email

    return make


@pytest.fixture
def world(make_office, make_user):
    """Two offices and one user per role, as in the role x route matrix."""
    office_a = make_office(name="Integrationszentrum A")
    office_b = make_office(name="Jobcenter B", kind="job_centre")
    return {
        "office_a": office_a,
        "office_b": office_b,
        "admin": make_user("admin", email="admin@test.example"),
        "coordinator": make_user("coordinator", email="coord@test.example", offices=[office_a]),
        "caseworker_a": make_user("caseworker", email="cw-a@test.example", offices=[office_a]),
        "caseworker_b": make_user("caseworker", email="cw-b@test.example", offices=[office_b]),
        "volunteer": make_user("volunteer", email="vol@test.example"),
        "newcomer": make_user("newcomer", email="new@test.example"),
    }
