"""matching: stored text embeddings per firm and model; engine generations and changes;
an index on firms.updated_at for the directory search

Revision ID: a3c5e7f9b2d4
Revises: e8a2c4f6b1d3
Create Date: 2026-12-01 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b2d4'
down_revision = 'e8a2c4f6b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'firm_embeddings',
        sa.Column('firm_id', sa.Integer(), nullable=False),
        sa.Column('model', sa.String(length=120), nullable=False),
        sa.Column('text_hash', sa.String(length=64), nullable=False),
        sa.Column('dim', sa.Integer(), nullable=False),
        sa.Column('vectors', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['firm_id'], ['firms.id'], name=op.f('fk_firm_embeddings_firm_id_firms'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('firm_id', 'model', name=op.f('pk_firm_embeddings')),
    )
    op.create_table(
        'engine_generations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('engine_version', sa.String(length=16), nullable=False),
        sa.Column('embedder', sa.String(length=120), nullable=False),
        sa.Column('firms', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_engine_generations')),
    )
    op.create_table(
        'engine_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('generation_id', sa.Integer(), nullable=False),
        sa.Column('firm_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['generation_id'], ['engine_generations.id'],
            name=op.f('fk_engine_changes_generation_id_engine_generations'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_engine_changes')),
    )
    op.create_index(
        op.f('ix_engine_changes_generation_id'), 'engine_changes', ['generation_id'], unique=False
    )
    # The directory search checks the newest change of a firm on every search.
    op.create_index('ix_firms_updated_at', 'firms', ['updated_at'], unique=False)


def downgrade():
    op.drop_index('ix_firms_updated_at', table_name='firms')
    op.drop_index(op.f('ix_engine_changes_generation_id'), table_name='engine_changes')
    op.drop_table('engine_changes')
    op.drop_table('engine_generations')
    op.drop_table('firm_embeddings')
