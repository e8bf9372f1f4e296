"""person_name_keys' key index carries the person id: the registration hint's name matches
are read from the index alone (issue 13: the duplicate hint at 1,000,000 persons)

Revision ID: 9b3e5d21c7f4
Revises: 472f0a0c6eb3
Create Date: 2027-01-11 10:00:00.000000

The hint looks up the persons who share a blocking key with the typed name. Through the
(key) index every match cost a table row read for its person_id (16,000 rows on 6,100 pages
for "Mohammed Hassan" at a million persons); with (key, person_id) the statement is an
index-only scan. The new index replaces the old one (which it covers: key first), and the
stored scan's key-order walk uses it the same way. On PostgreSQL both index operations run
CONCURRENTLY, outside the migration's transaction, so registrations go on while the index of
nine million key rows is built.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9b3e5d21c7f4"
down_revision = "472f0a0c6eb3"
branch_labels = None
depends_on = None

NEW = "ix_person_name_keys_key_person"
OLD = "ix_person_name_keys_key"


def _swap(create: str, columns: list[str], drop: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index(
                create, "person_name_keys", columns, unique=False, postgresql_concurrently=True
            )
            op.drop_index(drop, table_name="person_name_keys", postgresql_concurrently=True)
        return
    with op.batch_alter_table("person_name_keys", schema=None) as batch_op:
        batch_op.create_index(create, columns, unique=False)
        batch_op.drop_index(drop)


def upgrade():
    _swap(NEW, ["key", "person_id"], OLD)


def downgrade():
    _swap(OLD, ["key"], NEW)
