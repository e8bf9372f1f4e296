"""auth_second_factor: second factor, recovery codes, caseload handovers (issue 15)

Revision ID: fce2f22ddf99
Revises: 8d799ab30218
Create Date: 2027-01-06 10:00:00.000000

Reserved in the chain so that parallel work keeps one head; filled by the area's owner.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fce2f22ddf99'
down_revision = '8d799ab30218'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
