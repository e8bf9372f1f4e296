"""duplicate review: duplicate_scans (resumable whole-register scans), duplicate_pairs (what a scan found, with tier and benefit) and duplicate_decisions ("not the same person" and "later", with who and when)

Revision ID: 87cc494b1d15
Revises: d5d5ad186143
Create Date: 2026-12-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '87cc494b1d15'
down_revision = 'd5d5ad186143'
branch_labels = None
depends_on = None

KEY = sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql')


def upgrade():
    op.create_table('duplicate_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_key', KEY, nullable=False),
    sa.Column('pairs', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_duplicate_scans_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_scans'))
    )
    op.create_table('duplicate_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('a_id', sa.Integer(), nullable=False),
    sa.Column('b_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('benefit', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['a_id'], ['persons.id'], name=op.f('fk_duplicate_pairs_a_id_persons')),
    sa.ForeignKeyConstraint(['b_id'], ['persons.id'], name=op.f('fk_duplicate_pairs_b_id_persons')),
    sa.ForeignKeyConstraint(['scan_id'], ['duplicate_scans.id'], name=op.f('fk_duplicate_pairs_scan_id_duplicate_scans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_pairs')),
    sa.UniqueConstraint('scan_id', 'a_id', 'b_id', name=op.f('uq_duplicate_pairs_scan_id'))
    )
    with op.batch_alter_table('duplicate_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_pairs_a_id'), ['a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_pairs_b_id'), ['b_id'], unique=False)
        batch_op.create_index('ix_duplicate_pairs_queue', ['scan_id', 'tier', 'benefit', 'score'], unique=False)
    op.create_table('duplicate_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('a_id', sa.Integer(), nullable=False),
    sa.Column('b_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['a_id'], ['persons.id'], name=op.f('fk_duplicate_decisions_a_id_persons')),
    sa.ForeignKeyConstraint(['b_id'], ['persons.id'], name=op.f('fk_duplicate_decisions_b_id_persons')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_duplicate_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_decisions')),
    sa.UniqueConstraint('a_id', 'b_id', name=op.f('uq_duplicate_decisions_a_id'))
    )
    with op.batch_alter_table('duplicate_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_decisions_b_id'), ['b_id'], unique=False)


def downgrade():
    with op.batch_alter_table('duplicate_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_decisions_b_id'))
    op.drop_table('duplicate_decisions')
    with op.batch_alter_table('duplicate_pairs', schema=None) as batch_op:
        batch_op.drop_index('ix_duplicate_pairs_queue')
        batch_op.drop_index(batch_op.f('ix_duplicate_pairs_b_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_pairs_a_id'))
    op.drop_table('duplicate_pairs')
    op.drop_table('duplicate_scans')
