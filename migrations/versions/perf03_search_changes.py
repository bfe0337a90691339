"""a count of the writes the directory search follows, kept by triggers on firms, firm_sectors
and firm_embeddings; the index on firms.updated_at the search read before goes

The search's word index was current while the newest firm id and `updated_at` were what it was
built at; a write committed after a later one (its id and time are taken before it commits)
was never seen, nor were a deletion and vectors stored after the firm's text.

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


TABLES = ('firms', 'firm_sectors', 'firm_embeddings')
# The transition table a statement's trigger sees, by what the statement did.
CHANGED_ROWS = {'insert': 'NEW', 'update': 'NEW', 'delete': 'OLD'}

# PostgreSQL: one trigger per statement that changed a row (a statement that matched none,
# a TRUNCATE aside, counts nothing). Each connection adds to its own row of 64: concurrent
# writers seldom wait on one another's row lock.
_COUNT = """
    INSERT INTO search_changes (slot, total) VALUES (pg_backend_pid() % 64, 1)
    ON CONFLICT (slot) DO UPDATE SET total = search_changes.total + 1;
"""
POSTGRESQL = [
    f"""
    CREATE FUNCTION search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'TRUNCATE' THEN
            IF NOT EXISTS (SELECT FROM changed_rows) THEN
                RETURN NULL;
            END IF;
        END IF;
        {_COUNT}
        RETURN NULL;
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER search_changes_{op_name} AFTER {op_name.upper()} ON {table}
        REFERENCING {side} TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_changed()
        """
        for table in TABLES
        for op_name, side in CHANGED_ROWS.items()
    ),
    *(
        f"""
        CREATE TRIGGER search_changes_truncate AFTER TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION search_changed()
        """
        for table in TABLES
    ),
]
# SQLite: a trigger per row (it has no other); its writers never run at once, one row does.
SQLITE = [
    f"""
    CREATE TRIGGER search_changes_{table}_{op_name} AFTER {op_name.upper()} ON {table} BEGIN
        INSERT INTO search_changes (slot, total) VALUES (0, 1)
        ON CONFLICT (slot) DO UPDATE SET total = total + 1;
    END
    """
    for table in TABLES
    for op_name in CHANGED_ROWS
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
            for op_name in (*CHANGED_ROWS, 'truncate'):
                op.execute(f'DROP TRIGGER IF EXISTS search_changes_{op_name} ON {table}')
        op.execute('DROP FUNCTION IF EXISTS search_changed()')
    else:
        for table in TABLES:
            for op_name in CHANGED_ROWS:
                op.execute(f'DROP TRIGGER IF EXISTS search_changes_{table}_{op_name}')
    op.drop_table('search_changes')
