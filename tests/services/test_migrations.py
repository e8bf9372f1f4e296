"""The migrations build exactly the schema the models describe, and downgrade cleanly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from caseapp.extensions import db


def _diff():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    with app.app_context():
        assert _diff() == []


def test_downgrade_to_base_and_upgrade_again(app, make_office):
    make_office(name="Survives nothing")  # data in place while migrating down and up
    with app.app_context():
        db.session.remove()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade(revision="heads")  # until the integrator chains the branches
        assert _diff() == []
