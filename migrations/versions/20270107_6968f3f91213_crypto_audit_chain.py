"""crypto_audit_chain: encrypted free text, audit hash chain (issue 15)

Revision ID: 6968f3f91213
Revises: fce2f22ddf99
Create Date: 2027-01-07 10:00:00.000000

Consultation notes and referral messages stay TEXT columns but from now on hold an encrypted
token (caseapp/crypto): existing text is encrypted here with the first key of
CASEAPP_DATA_KEYS, in batches. Audit entries get their place in a hash chain
(caseapp/audit/chain.py): existing entries are linked here in id order, segment by segment,
and each segment's last link goes into audit_chain_heads. Downgrading decrypts the text
(the keys must still be configured) and drops the chain.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6968f3f91213'
down_revision = 'fce2f22ddf99'
branch_labels = None
depends_on = None

ENCRYPTED = (("consultations", "notes"), ("referrals", "message"))
BATCH = 500


def upgrade():
    op.create_table('audit_chain_heads',
    sa.Column('segment', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shard', sa.Integer(), nullable=False),
    sa.Column('genesis_segment', sa.String(length=16), nullable=True),
    sa.Column('genesis_hash', sa.String(length=64), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('segment', name=op.f('pk_audit_chain_heads'))
    )
    with op.batch_alter_table('audit_chain_heads', schema=None) as batch_op:
        batch_op.create_index('ix_audit_chain_heads_shard_day', ['shard', 'day'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_segment', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_audit_entries_chain', ['chain_segment', 'chain_seq'], unique=True)

    conn = op.get_bind()
    from caseapp.crypto.keys import current_keyring
    from caseapp.crypto.rotation import Column, rotate_column

    if any(_has_rows(conn, table, column) for table, column in ENCRYPTED):
        keyring = current_keyring()
        for table, column in ENCRYPTED:
            rotate_column(conn, Column(table, column), keyring, batch=BATCH)

    from caseapp.audit.chain import chain_pending

    # Existing entries in id order; chain_pending reads and links them batch by batch.
    while _link_some(conn, chain_pending):
        pass


def _has_rows(conn, table, column):
    return conn.execute(
        sa.text(f"SELECT 1 FROM {table} WHERE {column} != '' LIMIT 1")  # noqa: S608
    ).first() is not None


def _link_some(conn, chain_pending):
    return bool(chain_pending(conn, limit=5000))


def downgrade():
    conn = op.get_bind()
    if any(_has_rows(conn, table, column) for table, column in ENCRYPTED):
        from caseapp.crypto.keys import current_keyring
        from caseapp.crypto.rotation import Column, decrypt_column

        keyring = current_keyring()
        for table, column in ENCRYPTED:
            decrypt_column(conn, Column(table, column), keyring, batch=BATCH)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_chain')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('chain_seq')
        batch_op.drop_column('chain_segment')

    with op.batch_alter_table('audit_chain_heads', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_chain_heads_shard_day')

    op.drop_table('audit_chain_heads')
