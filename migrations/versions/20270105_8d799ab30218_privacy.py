"""privacy: exports, retention rules and runs, erasure requests, legal holds (issue 15)

Revision ID: 8d799ab30218
Revises: 302084b8fad2
Create Date: 2027-01-05 10:00:00.000000

Reserved in the chain so that parallel work keeps one head; filled by the area's owner.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d799ab30218'
down_revision = '302084b8fad2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
