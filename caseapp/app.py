"""Application factory: configuration, extensions, blueprints, CLI and template globals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask, g, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from caseapp import __version__
from caseapp.config import load_config
from caseapp.core.clock import utcnow
from caseapp.extensions import babel, csrf, db, login_manager, migrate
from caseapp.i18n import _l, remember_language_choice, select_locale
from caseapp.web import readonly

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        "caseapp",
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"]
        )

    if app.config["TESTING"]:
        from caseapp.auth.passwords import use_fast_hashing

        use_fast_hashing()
    _init_extensions(app)
    from caseapp.jobs.setup import init_app as init_jobs

    init_jobs(app)
    _register_blueprints(app)

    from caseapp.web.access import enforce_access, mark_builtin_endpoints
    from caseapp.web.errors import register_error_handlers
    from caseapp.web.security import set_security_headers

    mark_builtin_endpoints(app)
    app.before_request(_check_idle_timeout)
    app.before_request(remember_language_choice)
    app.before_request(enforce_access)
    app.after_request(set_security_headers)
    app.after_request(readonly.audit_after_request)
    register_error_handlers(app)
    _register_template_helpers(app)

    from caseapp.cli import register_cli

    register_cli(app)
    from caseapp.outbox.cli import register_cli as register_outbox_cli
    from caseapp.volunteers.cli import register_cli as register_volunteers_cli

    register_outbox_cli(app)
    from caseapp.people.cli import people_cli

    app.cli.add_command(people_cli)
    register_volunteers_cli(app)
    from caseapp.matches.cli import register_cli as register_matching_cli

    register_matching_cli(app)
    from caseapp.referrals.cli import referrals_cli

    app.cli.add_command(referrals_cli)
    from caseapp.appointments.cli import register_cli as register_reminders_cli

    register_reminders_cli(app)
    from caseapp.reports.cli import reports_cli

    app.cli.add_command(reports_cli)
    from caseapp.jobs.cli import register_cli as register_jobs_cli

    register_jobs_cli(app)
    from caseapp import features

    features.register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from caseapp import db_limits
    from caseapp.web.urls import BoundedIntConverter

    # Ids in URLs above the database's integer range are 404, not a database error.
    app.url_map.converters["int"] = BoundedIntConverter
    db_limits.install()
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are bound server-side instead

    from caseapp.auth.services import load_session_user
    from caseapp.web.errors import DATABASE_ERRORS, DatabaseUnavailable, database_unavailable

    @login_manager.user_loader
    def load_user(user_id: str):
        if database_unavailable():
            return None  # the error page of this request must not ask the database again
        absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
        try:
            return load_session_user(user_id, session.get("sid"), absolute)
        except DATABASE_ERRORS as error:
            g.database_unavailable = True
            raise DatabaseUnavailable() from error

    # Import models so metadata is complete for migrations and create_all in tests.
    import caseapp.models  # noqa: F401


_configured_engines: set[int] = set()


def _configure_sqlite(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys, full sync, and BEGIN IMMEDIATE for every transaction
    but those of pages marked read-only.

    Every request may write (audit rows), so transactions take the write lock up front; a
    deferred transaction that later tries to write can fail with "database is locked".
    """
    if id(engine) in _configured_engines:
        return
    _configured_engines.add(id(engine))

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    # BEGIN IMMEDIATE, or BEGIN for a page marked read-only (caseapp/web/readonly.py).
    readonly.install(engine)


def _register_blueprints(app: Flask) -> None:
    from caseapp.appointments.blueprint import bp as appointments_bp
    from caseapp.audit.blueprint import bp as audit_bp
    from caseapp.auth.blueprint import bp as auth_bp
    from caseapp.dashboard.blueprint import bp as dashboard_bp
    from caseapp.jobs.blueprint import bp as jobs_bp
    from caseapp.matches.blueprint import bp as matches_bp
    from caseapp.offices.blueprint import bp as offices_bp
    from caseapp.people.blueprint import bp as people_bp
    from caseapp.portal.blueprint import bp as portal_bp
    from caseapp.referrals.blueprint import bp as referrals_bp
    from caseapp.referrals.blueprint import directory_bp
    from caseapp.reports.blueprint import bp as reports_bp
    from caseapp.users.blueprint import bp as users_bp
    from caseapp.volunteers.blueprint import bp as volunteers_bp
    from caseapp.web.health import bp as health_bp

    for bp in (
        auth_bp,
        dashboard_bp,
        offices_bp,
        users_bp,
        audit_bp,
        volunteers_bp,
        health_bp,
        people_bp,
        referrals_bp,
        directory_bp,
        appointments_bp,
        portal_bp,
        matches_bp,
        reports_bp,
        jobs_bp,
    ):
        app.register_blueprint(bp)
    from caseapp import features

    features.register_blueprints(app)


def _check_idle_timeout():
    """Idle timeout: a signed-in session unused for too long is ended."""
    if "sid" not in session:
        return None
    from flask import current_app

    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    now = utcnow().timestamp()
    last = session.get("seen", now)
    if now - last > idle.total_seconds():
        from caseapp.auth.services import end_session

        end_session(session.get("sid"))
        db.session.commit()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        g.session_expired = True
        return None
    # Rounded to the minute so the cookie is not rewritten on every request.
    if now - last > 60:
        session["seen"] = now
    return None


def _register_template_helpers(app: Flask) -> None:
    from caseapp import i18n
    from caseapp.web import templating

    i18n.init_app(app)
    templating.init_app(app)
    from caseapp.web import nav

    nav.init_app(app)
    from caseapp import features

    features.init_app(app)
    from caseapp.volunteers import templating as volunteer_templating

    volunteer_templating.init_app(app)
    from caseapp.people import templating as people_templating

    people_templating.init_app(app)
    from caseapp.appointments import templating as appointments_templating

    appointments_templating.init_app(app)
    from caseapp.referrals import templating as referrals_templating

    referrals_templating.init_app(app)
    app.jinja_env.globals["lotse_version"] = __version__
    app.jinja_env.globals["current_user"] = current_user
