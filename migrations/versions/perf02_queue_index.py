"""the open review queue's order as an index: requested introductions first, then by score

The queue's first page sorted all 170,000 open proposals of the load benchmark's database on
every view (270 ms on PostgreSQL); with this index it reads 25 rows (0.4 ms). SQLAlchemy does
not reflect an index over an expression on SQLite: a later migration that rebuilds
`proposals` in batch mode must create it again (as it must the counting triggers).

Revision ID: perf02_queue_index
Revises: perf01_counters
Create Date: 2026-12-01 15:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'perf02_queue_index'
down_revision = 'perf01_counters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_proposals_queue',
        'proposals',
        ['status', sa.text('(requested_by_firm_id IS NULL)'), sa.text('score DESC'), 'id'],
    )


def downgrade():
    op.drop_index('ix_proposals_queue', table_name='proposals')
