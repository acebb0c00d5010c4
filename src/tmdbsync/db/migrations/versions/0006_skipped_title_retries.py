"""skipped_title.attempts, last_tried_at and original_language: skipped titles are retried,
backing off, and in their own language

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows were tried once, when they were first seen; the server default and the
    # nullable column only carry them over, the model gives every new row both values.
    with op.batch_alter_table("skipped_title", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(sa.Column("last_tried_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("original_language", sa.Text(), nullable=True))
    op.execute("UPDATE skipped_title SET last_tried_at = first_seen_at")
    with op.batch_alter_table("skipped_title", schema=None) as batch_op:
        batch_op.alter_column("attempts", existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column(
            "last_tried_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("skipped_title", schema=None) as batch_op:
        batch_op.drop_column("original_language")
        batch_op.drop_column("last_tried_at")
        batch_op.drop_column("attempts")
