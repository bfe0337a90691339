"""introduction requests on proposals (who asked, their words, when); saved partners

Revision ID: fj01requests
Revises: events01
Create Date: 2026-12-01 11:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "fj01requests"
down_revision = "events01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_by_firm_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("request_message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_proposals_requested_by_firm_id_firms"),
            "firms",
            ["requested_by_firm_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "saved_partners",
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_saved_partners_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["firms.id"],
            name=op.f("fk_saved_partners_partner_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_id", "partner_id", name=op.f("pk_saved_partners")),
    )


def downgrade():
    op.drop_table("saved_partners")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_proposals_requested_by_firm_id_firms"), type_="foreignkey"
        )
        batch_op.drop_column("requested_at")
        batch_op.drop_column("request_message")
        batch_op.drop_column("requested_by_firm_id")
