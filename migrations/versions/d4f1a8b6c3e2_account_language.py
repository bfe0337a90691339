"""account language (for pages after sign-in and for e-mails)

Revision ID: d4f1a8b6c3e2
Revises: c7d2e9a41b35
Create Date: 2026-11-28 02:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f1a8b6c3e2'
down_revision = 'c7d2e9a41b35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
