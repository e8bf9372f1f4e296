"""consents: scope as structured data categories (the ones referrals share) and an optional end date

Revision ID: e48c440d1361
Revises: 5334a489b7cf
Create Date: 2026-12-28 10:00:00.000000

Until now a consent's scope was free text ("Kontaktdaten, Sprachen") that nothing checked.
From now on `consents.categories` lists the data categories a consent covers, and a referral
may share only those. Existing consents get NO categories: their free text stays in
`consents.scope`, shown as the consent's note, and is not turned into categories. Reading
free text into permissions could share more than the person agreed to (typos, "not the
residence status", other languages), so nothing new is shared under an old consent without a
fresh decision: to share more than name and year of birth, a caseworker records a new
consent with its categories ticked. Referrals already sent keep the snapshot they shared.

`consents.valid_until` (optional) ends a consent on a date; NULL means until withdrawn.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e48c440d1361'
down_revision = '5334a489b7cf'
branch_labels = None
depends_on = None

def upgrade():
    with op.batch_alter_table('consents', schema=None) as batch_op:
        # No categories for existing consents (see above); the free text stays as the note.
        batch_op.add_column(
            sa.Column('categories', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))


def downgrade():
    # The free-text note was never changed, so going back loses only the ticked categories.
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_column('valid_until')
        batch_op.drop_column('categories')
