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
    op.create_table('interpreter_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('travel_minutes', sa.Integer(), nullable=False),
    sa.Column('budget_cents', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpreter_settings'))
    )
    op.create_table('interpreter_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('optimal', sa.Boolean(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interpreter_rounds_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpreter_rounds'))
    )
    with op.batch_alter_table('interpreter_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interpreter_rounds_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_interpreter_rounds_created_by_id'), ['created_by_id'], unique=False)
    op.create_table('interpreters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('hourly_rate_cents', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('district_ids', sa.JSON(), nullable=False),
    sa.Column('availability', sa.JSON(), nullable=False),
    sa.Column('modes', sa.JSON(), nullable=False),
    sa.Column('pledge_signed_on', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_interpreters_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpreters')),
    sa.UniqueConstraint('volunteer_id', name=op.f('uq_interpreters_volunteer_id'))
    )
    with op.batch_alter_table('interpreters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interpreters_active'), ['active'], unique=False)
    op.create_table('interpreter_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('interpreter_id', sa.Integer(), nullable=False),
    sa.Column('holding_appointment_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('cost_cents', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_interpreter_assignments_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interpreter_id'], ['interpreters.id'], name=op.f('fk_interpreter_assignments_interpreter_id_interpreters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_interpreter_assignments_office_id_offices')),
    sa.ForeignKeyConstraint(['round_id'], ['interpreter_rounds.id'], name=op.f('fk_interpreter_assignments_round_id_interpreter_rounds'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpreter_assignments')),
    sa.UniqueConstraint('holding_appointment_id', name=op.f('uq_interpreter_assignments_holding_appointment_id')),
    sa.UniqueConstraint('token', name=op.f('uq_interpreter_assignments_token'))
    )
    with op.batch_alter_table('interpreter_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interpreter_assignments_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_interpreter_assignments_interpreter_start', ['interpreter_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_interpreter_assignments_round_status', ['round_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_interpreter_assignments_status'), ['status'], unique=False)
    op.create_table('interpreter_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('variety', sa.String(length=20), nullable=False),
    sa.Column('variety_strict', sa.Boolean(), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('gender_strict', sa.Boolean(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_interpreter_needs_appointment_id_appointments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpreter_needs')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_interpreter_needs_appointment_id'))
    )
    op.create_table('interpreter_unmatched',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('blocked_by', sa.JSON(), nullable=False),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_interpreter_unmatched_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['interpreter_rounds.id'], name=op.f('fk_interpreter_unmatched_round_id_interpreter_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpreter_unmatched')),
    sa.UniqueConstraint('round_id', 'appointment_id', name=op.f('uq_interpreter_unmatched_round_id'))
    )
    with op.batch_alter_table('interpreter_unmatched', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interpreter_unmatched_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interpreter_unmatched_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('interpreter_unmatched', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interpreter_unmatched_round_id'))
        batch_op.drop_index(batch_op.f('ix_interpreter_unmatched_appointment_id'))
    op.drop_table('interpreter_unmatched')
    op.drop_table('interpreter_needs')
    with op.batch_alter_table('interpreter_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interpreter_assignments_status'))
        batch_op.drop_index('ix_interpreter_assignments_round_status')
        batch_op.drop_index('ix_interpreter_assignments_interpreter_start')
        batch_op.drop_index(batch_op.f('ix_interpreter_assignments_appointment_id'))
    op.drop_table('interpreter_assignments')
    with op.batch_alter_table('interpreters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interpreters_active'))
    op.drop_table('interpreters')
    with op.batch_alter_table('interpreter_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interpreter_rounds_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_interpreter_rounds_created_at'))
    op.drop_table('interpreter_rounds')
    op.drop_table('interpreter_settings')
