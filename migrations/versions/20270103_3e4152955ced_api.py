"""api: API tokens (issue 17)

Revision ID: 3e4152955ced
Revises: 82ea3fe80b37
Create Date: 2027-01-03 10:00:00.000000

Reserved in the chain so that parallel work keeps one head; filled by the area's owner.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e4152955ced'
down_revision = '82ea3fe80b37'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
