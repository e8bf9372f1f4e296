"""persons: place of birth, parents' names and AZR number, evidence for and against a
duplicate (issue 20)

Revision ID: c3f1a9d6e2b8
Revises: 9b3e5d21c7f4
Create Date: 2027-01-12 10:00:00.000000

Four columns with an empty default, so existing rows need no rewrite of their values; the
AZR number is indexed because the registration hint looks a typed number up.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3f1a9d6e2b8"
down_revision = "9b3e5d21c7f4"
branch_labels = None
depends_on = None

_COLUMNS = (("birth_place", 120), ("father_name", 120), ("mother_name", 120), ("azr_number", 20))


def upgrade():
    # Plain ADD COLUMN (no batch copy of the table): SQLite adds a NOT NULL column with a
    # constant default in place, so persons is never rebuilt under its foreign keys.
    for name, length in _COLUMNS:
        op.add_column(
            "persons", sa.Column(name, sa.String(length), nullable=False, server_default="")
        )
    op.create_index("ix_persons_azr_number", "persons", ["azr_number"], unique=False)


def downgrade():
    op.drop_index("ix_persons_azr_number", table_name="persons")
    # Plain DROP COLUMN (SQLite 3.35 and later, PostgreSQL): no copy of persons either.
    for name, _length in reversed(_COLUMNS):
        op.execute(sa.text(f"ALTER TABLE persons DROP COLUMN {name}"))
