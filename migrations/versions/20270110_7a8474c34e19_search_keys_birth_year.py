"""search keys carry the birth year: person_search_keys.birth_year, filled in batches, and the
(key, office, birth year, person) index, so "name 1991" is one narrow index range per word
(issue 13: search at 1,000,000 persons)

Revision ID: 7a8474c34e19
Revises: 4c2d8e1f7a93
Create Date: 2027-01-10 10:00:00.000000

The search box looked a name + birth year query up by joining persons for every index entry
of the name (with common names, two thousand row reads per query). The year now sits in the
key rows, written with them (registration, edits, merges, imports, `flask people reindex`).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a8474c34e19'
down_revision = '4c2d8e1f7a93'
branch_labels = None
depends_on = None

BATCH = 50_000  # persons per UPDATE statement (about ten key rows each)

persons = sa.table('persons', sa.column('id', sa.Integer), sa.column('birth_year', sa.Integer))
search_keys = sa.table(
    'person_search_keys', sa.column('person_id', sa.Integer), sa.column('birth_year', sa.Integer)
)


def _fill(conn):
    """Copy each person's birth year into their key rows, by ranges of person ids."""
    last = conn.execute(sa.select(sa.func.max(persons.c.id))).scalar() or 0
    postgresql = conn.dialect.name == 'postgresql'
    for start in range(0, last, BATCH):
        in_batch = search_keys.c.person_id.between(start + 1, start + BATCH)
        if postgresql:  # a join, not a lookup per row
            stmt = (
                search_keys.update()
                .where(in_batch, persons.c.id == search_keys.c.person_id)
                .where(persons.c.birth_year.is_not(None))
                .values(birth_year=persons.c.birth_year)
            )
        else:
            year = (
                sa.select(persons.c.birth_year)
                .where(persons.c.id == search_keys.c.person_id)
                .scalar_subquery()
            )
            stmt = search_keys.update().where(in_batch).values(birth_year=year)
        conn.execute(stmt)


def upgrade():
    with op.batch_alter_table('person_search_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_person_search_keys_key')
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))
    _fill(op.get_bind())
    with op.batch_alter_table('person_search_keys', schema=None) as batch_op:
        batch_op.create_index(
            'ix_person_search_keys_key',
            ['key', 'office_id', 'birth_year', 'person_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('person_search_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_person_search_keys_key')
        batch_op.drop_column('birth_year')
    with op.batch_alter_table('person_search_keys', schema=None) as batch_op:
        batch_op.create_index(
            'ix_person_search_keys_key', ['key', 'office_id', 'person_id'], unique=False
        )
