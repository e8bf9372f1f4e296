"""interpreters: interpreters, their languages and availability, interpreter rounds (issue 19)

Revision ID: 82ea3fe80b37
Revises: 02e3b2cceb82
Create Date: 2027-01-02 10:00:00.000000

Reserved in the chain so that parallel work keeps one head; filled by the area's owner.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '82ea3fe80b37'
down_revision = '02e3b2cceb82'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
