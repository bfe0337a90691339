"""directory search: full-text index (PostgreSQL) and the listing by name

Revision ID: b1e5a3c0d2f4
Revises: f675fdd72c59
Create Date: 2026-11-28 02:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b1e5a3c0d2f4'
down_revision = 'f675fdd72c59'
branch_labels = None
depends_on = None

# The same expression as matchmaker.models.firm.search_document(): the planner uses the index
# only for that exact expression.
SEARCH_DOCUMENT = (
    "to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(city, '') || ' ' || "
    "coalesce(offers, '') || ' ' || coalesce(seeks, '') || ' ' || coalesce(description, ''))"
)


def upgrade():
    op.create_index('ix_firms_name', 'firms', ['name', 'id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE INDEX ix_firms_search ON firms USING gin ({SEARCH_DOCUMENT})")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_firms_search', table_name='firms')
    op.drop_index('ix_firms_name', table_name='firms')
