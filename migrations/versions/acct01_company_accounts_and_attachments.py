"""company accounts (several users per firm, firm roles, invitations) and attachments

Revision ID: acct01
Revises: fj01requests
Create Date: 2026-12-01 11:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'acct01'
down_revision = 'fj01requests'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('firm_role', sa.String(length=16), nullable=True))
        batch_op.drop_constraint('uq_users_firm_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_users_firm_id'), ['firm_id'], unique=False)
    # Each firm had one user: that user is its admin.
    op.execute("UPDATE users SET firm_role = 'admin' WHERE firm_id IS NOT NULL")

    op.create_table(
        'firm_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('firm_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['firm_id'], ['firms.id'], name=op.f('fk_firm_invitations_firm_id_firms'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['invited_by_id'], ['users.id'], name=op.f('fk_firm_invitations_invited_by_id_users'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_invitations')),
    )
    with op.batch_alter_table('firm_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_invitations_firm_id'), ['firm_id'], unique=False)

    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('firm_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['firm_id'], ['firms.id'], name=op.f('fk_attachments_firm_id_firms'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_attachments_message_id_messages'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key')),
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_message_id'), ['message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_message_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_firm_id'))
    op.drop_table('attachments')
    with op.batch_alter_table('firm_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_invitations_firm_id'))
    op.drop_table('firm_invitations')
    # Back to one user per firm: keep each firm's first admin.
    op.execute(
        "UPDATE users SET firm_id = NULL WHERE firm_id IS NOT NULL AND id NOT IN ("
        "SELECT MIN(id) FROM users WHERE firm_id IS NOT NULL GROUP BY firm_id)"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_firm_id'))
        batch_op.create_unique_constraint('uq_users_firm_id', ['firm_id'])
        batch_op.drop_column('firm_role')
