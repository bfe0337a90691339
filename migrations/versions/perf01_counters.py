"""counters kept with the data: per thread and firm, the messages from the other firm it has
not read (kept by posting and reading, in their transactions; the badge sums them); per status,
the proposals that have it (kept by triggers on proposals; the lists' totals read them)

Revision ID: perf01_counters
Revises: acct01
Create Date: 2026-12-01 11:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'perf01_counters'
down_revision = 'acct01'
branch_labels = None
depends_on = None


STATUSES = ('proposed', 'approved', 'rejected')

# PostgreSQL: one trigger per statement, over its transition tables (a match run's bulk
# statements pay one aggregate each, not a trigger per row). The counts are added in (an
# upsert): a missing count row counts from zero; TRUNCATE empties them.
_ADD = """
    INSERT INTO proposal_counts (status, total) {rows}
    ON CONFLICT (status) DO UPDATE SET total = proposal_counts.total + EXCLUDED.total;
"""
_MOVED = (
    "SELECT status, sum(n) FROM (SELECT status, 1 AS n FROM new_rows "
    "UNION ALL SELECT status, -1 FROM old_rows) AS moved GROUP BY status HAVING sum(n) <> 0"
)
POSTGRESQL = [
    f"""
    CREATE FUNCTION proposal_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_ADD.format(rows="SELECT status, count(*) FROM new_rows GROUP BY status")}
        ELSIF TG_OP = 'DELETE' THEN
            {_ADD.format(rows="SELECT status, -count(*) FROM old_rows GROUP BY status")}
        ELSE
            {_ADD.format(rows=_MOVED)}
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION proposal_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM proposal_counts;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER proposal_counts_insert AFTER INSERT ON proposals
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION proposal_counts_changed()
    """,
    """
    CREATE TRIGGER proposal_counts_delete AFTER DELETE ON proposals
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION proposal_counts_changed()
    """,
    """
    CREATE TRIGGER proposal_counts_update AFTER UPDATE ON proposals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION proposal_counts_changed()
    """,
    """
    CREATE TRIGGER proposal_counts_truncate AFTER TRUNCATE ON proposals
    FOR EACH STATEMENT EXECUTE FUNCTION proposal_counts_truncated()
    """,
]
_ADD_ONE = """
        INSERT INTO proposal_counts (status, total) VALUES ({status}, {n})
        ON CONFLICT (status) DO UPDATE SET total = total + {n};
"""
SQLITE = [
    f"""
    CREATE TRIGGER proposal_counts_insert AFTER INSERT ON proposals BEGIN
        {_ADD_ONE.format(status="NEW.status", n=1)}
    END
    """,
    f"""
    CREATE TRIGGER proposal_counts_delete AFTER DELETE ON proposals BEGIN
        {_ADD_ONE.format(status="OLD.status", n=-1)}
    END
    """,
    f"""
    CREATE TRIGGER proposal_counts_update AFTER UPDATE OF status ON proposals
    WHEN OLD.status IS NOT NEW.status BEGIN
        {_ADD_ONE.format(status="OLD.status", n=-1)}
        {_ADD_ONE.format(status="NEW.status", n=1)}
    END
    """,
]


def upgrade():
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('unread', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.create_index(batch_op.f('ix_thread_reads_firm_id'), ['firm_id'], unique=False)
    # Every thread gets a marker for each of its two firms (threads opened by an approval
    # have them already), then each marker its count.
    for side in ('pk_firm_id', 'by_firm_id'):
        op.execute(
            f"""
            INSERT INTO thread_reads (thread_id, firm_id, last_read_message_id, unread)
            SELECT threads.id, proposals.{side}, 0, 0
            FROM threads JOIN proposals ON proposals.id = threads.proposal_id
            WHERE NOT EXISTS (
                SELECT 1 FROM thread_reads AS tr
                WHERE tr.thread_id = threads.id AND tr.firm_id = proposals.{side}
            )
            """  # noqa: S608 - the two column names above
        )
    op.execute(
        """
        UPDATE thread_reads SET unread = (
            SELECT count(*) FROM messages
            WHERE messages.thread_id = thread_reads.thread_id
            AND messages.sender_firm_id != thread_reads.firm_id
            AND messages.id > thread_reads.last_read_message_id
        )
        """
    )
    op.create_table(
        'proposal_counts',
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('total', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('status', name=op.f('pk_proposal_counts')),
    )
    for status in STATUSES:
        op.execute(
            sa.text(
                "INSERT INTO proposal_counts (status, total) "
                "SELECT :status, count(*) FROM proposals WHERE status = :status"
            ).bindparams(status=status)
        )
    statements = POSTGRESQL if op.get_bind().dialect.name == 'postgresql' else SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_reads_firm_id'))
        batch_op.drop_column('unread')
    for name in (
        'proposal_counts_insert',
        'proposal_counts_delete',
        'proposal_counts_update',
        'proposal_counts_truncate',
    ):
        if op.get_bind().dialect.name == 'postgresql':
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON proposals')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS proposal_counts_changed()')
        op.execute('DROP FUNCTION IF EXISTS proposal_counts_truncated()')
    op.drop_table('proposal_counts')
