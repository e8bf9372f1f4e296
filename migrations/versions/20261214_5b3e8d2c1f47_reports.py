"""reports: consultation_barriers (structural barriers tagged on consultations) and the period indexes of the report queries

Revision ID: 5b3e8d2c1f47
Revises: 4272eb2d4282
Create Date: 2026-12-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b3e8d2c1f47'
down_revision = '4272eb2d4282'
branch_labels = None
depends_on = None

# (name, table, columns): range scans per report period instead of full table scans.
INDEXES = [
    ('ix_reports_cases_created', 'cases', ['created_at']),
    ('ix_reports_case_status_changes_at', 'case_status_changes', ['to_status', 'at']),
    ('ix_reports_consultations_at', 'consultations', ['at', 'office_id']),
    ('ix_reports_next_steps_due', 'next_steps', ['due_on']),
    ('ix_reports_aid_entries_given', 'aid_entries', ['given_on']),
    ('ix_reports_referrals_sent', 'referrals', ['sent_at']),
    ('ix_reports_appointments_start', 'appointments', ['starts_at']),
    ('ix_reports_reschedule_requests_at', 'reschedule_requests', ['requested_at']),
    ('ix_reports_volunteers_created', 'volunteers', ['created_at']),
    ('ix_reports_applications_decided', 'volunteer_applications', ['decided_at']),
    ('ix_reports_certificates_issued', 'volunteer_certificates', ['issued_at']),
    ('ix_reports_matches_started', 'matches', ['started_on']),
    ('ix_reports_matches_ended', 'matches', ['ended_on']),
]


def upgrade():
    op.create_table('consultation_barriers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_barriers_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_consultation_barriers_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_barriers')),
    sa.UniqueConstraint('consultation_id', 'code', name=op.f('uq_consultation_barriers_consultation_id'))
    )
    with op.batch_alter_table('consultation_barriers', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_barriers_code', ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_barriers_consultation_id'), ['consultation_id'], unique=False)
    for name, table, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    with op.batch_alter_table('consultation_barriers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_barriers_consultation_id'))
        batch_op.drop_index('ix_consultation_barriers_code')
    op.drop_table('consultation_barriers')
