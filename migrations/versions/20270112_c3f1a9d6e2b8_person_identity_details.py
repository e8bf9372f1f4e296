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
    with op.batch_alter_table("persons", schema=None) as batch_op:
        for name, length in _COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length), nullable=False, server_default="")
            )
        batch_op.create_index(batch_op.f("ix_persons_azr_number"), ["azr_number"], unique=False)


def downgrade():
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_azr_number"))
        for name, _length in reversed(_COLUMNS):
            batch_op.drop_column(name)
