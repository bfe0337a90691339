"""unread counters: per thread and firm, the messages from the other firm it has not read
(kept by posting and reading, in their transactions; the badge sums them)

Revision ID: perf01_unread
Revises: a3c5e7f9b2d4
Create Date: 2026-12-01 11:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'perf01_unread'
down_revision = 'a3c5e7f9b2d4'
branch_labels = None
depends_on = None


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


def downgrade():
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_reads_firm_id'))
        batch_op.drop_column('unread')
