"""encrypt referral snapshots: referrals.shared becomes an encrypted JSON text (issue 15 §6)

Revision ID: b7e1c94d2a60
Revises: 6968f3f91213
Create Date: 2027-01-08 10:00:00.000000

The snapshot a referral shares with the receiving office holds copies of consultation notes,
so it is encrypted like the notes themselves (caseapp/crypto, EncryptedJSON): the column
becomes TEXT and existing snapshots are encrypted in batches with the first key of
CASEAPP_DATA_KEYS. Downgrading decrypts them and turns the column back into JSON.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c94d2a60'
down_revision = '6968f3f91213'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.alter_column(
            'shared',
            existing_type=sa.JSON(),
            type_=sa.Text(),
            existing_nullable=False,
            postgresql_using='shared::text',
        )
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM referrals LIMIT 1")).first() is not None:
        from caseapp.crypto.keys import current_keyring
        from caseapp.crypto.rotation import Column, rotate_column

        rotate_column(conn, Column('referrals', 'shared'), current_keyring(), batch=BATCH)


def downgrade():
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM referrals LIMIT 1")).first() is not None:
        from caseapp.crypto.keys import current_keyring
        from caseapp.crypto.rotation import Column, decrypt_column

        decrypt_column(conn, Column('referrals', 'shared'), current_keyring(), batch=BATCH)
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.alter_column(
            'shared',
            existing_type=sa.Text(),
            type_=sa.JSON(),
            existing_nullable=False,
            postgresql_using='shared::json',
        )
