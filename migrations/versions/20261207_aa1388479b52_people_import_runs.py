"""people_import_runs: progress of each `people import`, so a stopped import resumes where it stopped

Revision ID: aa1388479b52
Revises: e48c440d1361
Create Date: 2026-12-07 01:58:19.626719

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa1388479b52'
down_revision = 'e48c440d1361'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('people_import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_people_import_runs_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_people_import_runs_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_import_runs'))
    )
    with op.batch_alter_table('people_import_runs', schema=None) as batch_op:
        batch_op.create_index('ix_people_import_runs_file', ['file_hash', 'office_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('people_import_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_people_import_runs_file')

    op.drop_table('people_import_runs')
