"""proposal indexes for the sorted queue and list (score descending, then id)

Revision ID: c7d2e9a41b35
Revises: b1e5a3c0d2f4
Create Date: 2026-11-28 03:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2e9a41b35'
down_revision = 'b1e5a3c0d2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_proposals_status_score', table_name='proposals')
    op.create_index(
        'ix_proposals_status_score', 'proposals', ['status', sa.text('score DESC'), 'id']
    )
    op.create_index('ix_proposals_score', 'proposals', [sa.text('score DESC'), 'id'])


def downgrade():
    op.drop_index('ix_proposals_score', table_name='proposals')
    op.drop_index('ix_proposals_status_score', table_name='proposals')
    op.create_index('ix_proposals_status_score', 'proposals', ['status', 'score'])
