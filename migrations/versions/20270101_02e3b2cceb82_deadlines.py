"""deadlines: deadline kinds, deadlines on persons, warnings (issue 19)

Revision ID: 02e3b2cceb82
Revises: 8c41f0a2d6e9
Create Date: 2027-01-01 10:00:00.000000

Reserved in the chain so that parallel work keeps one head; filled by the area's owner.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '02e3b2cceb82'
down_revision = '8c41f0a2d6e9'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
