"""persons' birth index carries the person id: the registration hint's birth-year window is
read from the index alone (issue 13: the duplicate hint at 1,000,000 persons)

Revision ID: 472f0a0c6eb3
Revises: 7a8474c34e19
Create Date: 2027-01-10 11:00:00.000000

The hint keeps persons born a year either side of the typed year; through
ix_persons_birth (birth_year, birth_month, birth_day) that read every such person's row
(38,000 rows for three years of a million persons). With the id as the index's last column
the window is an index-only scan and only the persons who also share a name key are read.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '472f0a0c6eb3'
down_revision = '7a8474c34e19'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_birth')
        batch_op.create_index(
            'ix_persons_birth', ['birth_year', 'birth_month', 'birth_day', 'id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_birth')
        batch_op.create_index(
            'ix_persons_birth', ['birth_year', 'birth_month', 'birth_day'], unique=False
        )
