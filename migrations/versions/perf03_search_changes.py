"""a count of the writes the directory search follows, kept by triggers on firms and
firm_sectors; the index on firms.updated_at the search read before goes

The search's word index was current while the newest firm id and `updated_at` were what it was
built at; a write committed after a later one (its id and time are taken before it commits)
was never seen, nor was a deletion; and an edit of a column the search does not read (a
website, an e-mail) built the index again.

Revision ID: perf03_search_changes
Revises: perf02_queue_index
Create Date: 2026-12-02 03:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'perf03_search_changes'
down_revision = 'perf02_queue_index'
branch_labels = None
depends_on = None


# What the index reads: a firm's words and country, and its sectors. (Its vectors enter at the
# index's next build: a full embedding commits every 64 firms, and each count would make every
# worker build the index again, 2.5-2.7 s of CPU at 20,000 firms.)
SEARCHED = ('name', 'country', 'city', 'offers', 'seeks', 'description')
EVENTS = {
    'firms': ('insert', 'delete', f"update of {', '.join(SEARCHED)}"),
    'firm_sectors': ('insert', 'delete', 'update'),
}
TABLES = tuple(EVENTS)

# PostgreSQL: a transaction that wrote what the index reads counts once, when it commits (a
# deferred trigger per row, the first of which counts and marks the transaction). Taken at
# commit, the count's row lock is held for no longer than a commit and is the last lock a
# transaction takes: writers wait on it a moment, and it closes no cycle with their other row
# locks (no deadlock). A TRUNCATE counts at once. At REPEATABLE READ or SERIALIZABLE, two
# such writers committing at once would fail (the app's transactions are READ COMMITTED).
_COUNT = """
    INSERT INTO search_changes (slot, total) VALUES (0, 1)
    ON CONFLICT (slot) DO UPDATE SET total = search_changes.total + 1;
"""
POSTGRESQL = [
    f"""
    CREATE FUNCTION search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('matchmaker.search_counted', true) IS DISTINCT FROM 'yes' THEN
            PERFORM set_config('matchmaker.search_counted', 'yes', true);
            {_COUNT}
        END IF;
        RETURN NULL;
    END $$
    """,
    *(
        f"""
        CREATE CONSTRAINT TRIGGER search_changes AFTER {' OR '.join(events).upper()} ON {table}
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION search_changed()
        """
        for table, events in EVENTS.items()
    ),
    *(
        f"""
        CREATE TRIGGER search_changes_truncate AFTER TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION search_changed()
        """
        for table in TABLES
    ),
]
# SQLite: a trigger per row (it has no other); its writers never run at once.
SQLITE = [
    f"""
    CREATE TRIGGER search_changes_{table}_{event.split()[0]} AFTER {event.upper()} ON {table}
    BEGIN
        INSERT INTO search_changes (slot, total) VALUES (0, 1)
        ON CONFLICT (slot) DO UPDATE SET total = total + 1;
    END
    """
    for table, events in EVENTS.items()
    for event in events
]


def upgrade():
    op.create_table(
        'search_changes',
        sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('total', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('slot', name=op.f('pk_search_changes')),
    )
    statements = POSTGRESQL if op.get_bind().dialect.name == 'postgresql' else SQLITE
    for statement in statements:
        op.execute(statement)
    op.drop_index('ix_firms_updated_at', table_name='firms')


def downgrade():
    op.create_index('ix_firms_updated_at', 'firms', ['updated_at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS search_changes ON {table}')
            op.execute(f'DROP TRIGGER IF EXISTS search_changes_truncate ON {table}')
        op.execute('DROP FUNCTION IF EXISTS search_changed()')
    else:
        for table in TABLES:
            for event in EVENTS[table]:
                op.execute(f'DROP TRIGGER IF EXISTS search_changes_{table}_{event.split()[0]}')
    op.drop_table('search_changes')
