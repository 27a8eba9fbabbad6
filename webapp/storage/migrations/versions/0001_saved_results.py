"""Saved results: a private link's token hash, the answers, the result as shown, and its expiry.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    """Create the saved_result table."""
    op.create_table(
        "saved_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.LargeBinary(), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_saved_result_expires_at", "saved_result", ["expires_at"], unique=False)


def downgrade():
    """Drop the saved_result table."""
    op.drop_index("ix_saved_result_expires_at", table_name="saved_result")
    op.drop_table("saved_result")
