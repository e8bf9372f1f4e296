"""person_search_keys (every word of a person's names as written and as skeleton, for the search box), filled for existing persons; name keys rebuilt with the new transliteration readings

Revision ID: 5334a489b7cf
Revises: 5b3e8d2c1f47
Create Date: 2026-12-21 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5334a489b7cf'
down_revision = '5b3e8d2c1f47'
branch_labels = None
depends_on = None

BATCH = 2000
# Prefix lookups are byte-order range scans: the "C" collation on PostgreSQL.
KEY = sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql')

persons = sa.table(
    'persons',
    sa.column('id', sa.Integer), sa.column('office_id', sa.Integer),
    sa.column('given_name', sa.String), sa.column('family_name', sa.String),
    sa.column('original_name', sa.String),
)
search_keys = sa.table(
    'person_search_keys',
    sa.column('person_id', sa.Integer), sa.column('office_id', sa.Integer), sa.column('key', KEY),
)
name_keys = sa.table('person_name_keys', sa.column('person_id', sa.Integer), sa.column('key', sa.String))


def _fill(conn):
    """Keys for the persons already registered, in batches (the same functions as the app)."""
    try:
        from caseapp.people.namematch import blocking_keys
        from caseapp.people.namematch.search import search_keys as words
    except ImportError:  # a later version of the code: `flask people reindex` does it
        print('person_search_keys left empty: run `flask people reindex`')
        return
    last = 0
    while True:
        rows = conn.execute(
            sa.select(persons).where(persons.c.id > last).order_by(persons.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        ids = [r.id for r in rows]
        conn.execute(name_keys.delete().where(name_keys.c.person_id.in_(ids)))
        found, blocking = [], []
        for r in rows:
            found += [
                {'person_id': r.id, 'office_id': r.office_id, 'key': k}
                for k in sorted(words(r.given_name, r.family_name, r.original_name or ''))
            ]
            blocking += [
                {'person_id': r.id, 'key': k[:40]}
                for k in sorted(blocking_keys(r.given_name, r.family_name, r.original_name or ''))
            ]
        if found:
            conn.execute(search_keys.insert(), found)
        if blocking:
            conn.execute(name_keys.insert(), blocking)
        last = ids[-1]


def upgrade():
    op.create_table('person_search_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('key', KEY, nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_person_search_keys_office_id_offices')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_search_keys_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_search_keys')),
    sa.UniqueConstraint('person_id', 'key', name=op.f('uq_person_search_keys_person_id'))
    )
    with op.batch_alter_table('person_search_keys', schema=None) as batch_op:
        batch_op.create_index('ix_person_search_keys_key', ['key', 'office_id', 'person_id'], unique=False)
    _fill(op.get_bind())


def downgrade():
    with op.batch_alter_table('person_search_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_person_search_keys_key')
    op.drop_table('person_search_keys')
