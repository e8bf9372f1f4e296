"""partners_feeds: partners without an account, signed referral links, calendar feed tokens (issue 17)

Revision ID: 302084b8fad2
Revises: 3e4152955ced
Create Date: 2027-01-04 10:00:00.000000

Reserved in the chain so that parallel work keeps one head; filled by the area's owner.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '302084b8fad2'
down_revision = '3e4152955ced'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
