"""report_snapshots: suppressed cubes computed by `flask reports refresh`, read by the dashboards

Revision ID: 8c41f0a2d6e9
Revises: 87cc494b1d15
Create Date: 2026-12-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c41f0a2d6e9'
down_revision = '87cc494b1d15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('min_cell', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
    sa.UniqueConstraint('indicator', 'year', 'min_cell', name=op.f('uq_report_snapshots_indicator'))
    )


def downgrade():
    op.drop_table('report_snapshots')
