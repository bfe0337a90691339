"""firm names: a trigram index for the review queue's search by firm (PostgreSQL)

Revision ID: e8a2c4f6b1d3
Revises: d4f1a8b6c3e2
Create Date: 2026-11-28 07:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e8a2c4f6b1d3'
down_revision = 'd4f1a8b6c3e2'
branch_labels = None
depends_on = None


def upgrade():
    # `lower(name) LIKE '%word%'` (the queue's firm search) read every firm; pg_trgm's index
    # answers it. pg_trgm ships with PostgreSQL and is trusted: a database's owner may add it.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_firms_name_trigrams ON firms USING gin (lower(name) gin_trgm_ops)"
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_firms_name_trigrams', table_name='firms')
