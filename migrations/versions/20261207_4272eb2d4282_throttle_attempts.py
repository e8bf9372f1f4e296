"""one throttle table for sign-in and the portal (throttle_attempts); drop login_attempts and portal_attempts

Revision ID: 4272eb2d4282
Revises: e5a1b7c4d903
Create Date: 2026-12-07 01:13:51.421570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4272eb2d4282'
down_revision = 'e5a1b7c4d903'
branch_labels = None
depends_on = None

# The old rows are not carried over (either way): they only slowed down guessing for the
# next quarter of an hour, and the new rules count differently.


def upgrade():
    op.create_table('throttle_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_attempts'))
    )
    with op.batch_alter_table('throttle_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_attempts_at'), ['at'], unique=False)
        batch_op.create_index('ix_throttle_attempts_kind_address_at', ['kind', 'address', 'at'], unique=False)
        batch_op.create_index('ix_throttle_attempts_kind_key_at', ['kind', 'key', 'at'], unique=False)

    with op.batch_alter_table('portal_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_portal_attempts_case_at')
        batch_op.drop_index('ix_portal_attempts_ip_at')

    op.drop_table('portal_attempts')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_account_at')
        batch_op.drop_index('ix_login_attempts_ip_at')

    op.drop_table('login_attempts')


def downgrade():
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=254), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_account_at', ['account', 'attempted_at'], unique=False)
        batch_op.create_index('ix_login_attempts_ip_at', ['ip_address', 'attempted_at'], unique=False)

    op.create_table('portal_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=40), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_attempts'))
    )
    with op.batch_alter_table('portal_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_portal_attempts_case_at', ['case_number', 'attempted_at'], unique=False)
        batch_op.create_index('ix_portal_attempts_ip_at', ['ip_address', 'attempted_at'], unique=False)

    with op.batch_alter_table('throttle_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_throttle_attempts_kind_key_at')
        batch_op.drop_index('ix_throttle_attempts_kind_address_at')
        batch_op.drop_index(batch_op.f('ix_throttle_attempts_at'))

    op.drop_table('throttle_attempts')
