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
    op.create_table('deadline_kinds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('explanations', sa.JSON(), nullable=False),
    sa.Column('next_steps', sa.JSON(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('age_years', sa.Integer(), nullable=False),
    sa.Column('cutoff_month', sa.Integer(), nullable=False),
    sa.Column('cutoff_day', sa.Integer(), nullable=False),
    sa.Column('warn_weeks', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_kinds')),
    sa.UniqueConstraint('code', name=op.f('uq_deadline_kinds_code'))
    )
    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=True),
    sa.Column('derived_key', sa.String(length=60), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('handled_on', sa.Date(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('missed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_deadlines_entered_by_id_users')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_deadlines_handled_by_id_users')),
    sa.ForeignKeyConstraint(['kind_id'], ['deadline_kinds.id'], name=op.f('fk_deadlines_kind_id_deadline_kinds')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_deadlines_office_id_offices')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_deadlines_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines')),
    sa.UniqueConstraint('derived_key', name=op.f('uq_deadlines_derived_key'))
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadlines_kind_id'), ['kind_id'], unique=False)
        batch_op.create_index('ix_deadlines_office_status_due', ['office_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_deadlines_person_status', ['person_id', 'status'], unique=False)
        batch_op.create_index('ix_deadlines_status_due', ['status', 'due_on'], unique=False)

    op.create_table('deadline_warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('weeks', sa.Integer(), nullable=False),
    sa.Column('next_step_id', sa.Integer(), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_deadline_warnings_deadline_id_deadlines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['next_step_id'], ['next_steps.id'], name=op.f('fk_deadline_warnings_next_step_id_next_steps')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_warnings')),
    sa.UniqueConstraint('deadline_id', 'weeks', name=op.f('uq_deadline_warnings_deadline_id'))
    )


def downgrade():
    op.drop_table('deadline_warnings')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_status_due')
        batch_op.drop_index('ix_deadlines_person_status')
        batch_op.drop_index('ix_deadlines_office_status_due')
        batch_op.drop_index(batch_op.f('ix_deadlines_kind_id'))

    op.drop_table('deadlines')
    op.drop_table('deadline_kinds')
