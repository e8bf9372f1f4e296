"""crypto_audit_chain: encrypted free text, audit hash chain (issue 15)

Revision ID: 6968f3f91213
Revises: fce2f22ddf99
Create Date: 2027-01-07 10:00:00.000000

Reserved in the chain so that parallel work keeps one head; filled by the area's owner.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6968f3f91213'
down_revision = 'fce2f22ddf99'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
