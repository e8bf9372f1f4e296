"""appointment documents: the coded "please bring" list of an appointment (issue 12 §3)

Revision ID: 4c2d8e1f7a93
Revises: b7e1c94d2a60
Create Date: 2027-01-09 10:00:00.000000

appointments.documents_to_bring holds codes of caseapp/appointments/documents.py, shown in
the reader's language before the free text. Existing appointments keep their free text and
get no codes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c2d8e1f7a93'
down_revision = 'b7e1c94d2a60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'documents_to_bring', sa.JSON(), nullable=False, server_default=sa.text("'[]'")
            )
        )


def downgrade():
    # Going back loses only the ticked documents; the free text was never changed.
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('documents_to_bring')
