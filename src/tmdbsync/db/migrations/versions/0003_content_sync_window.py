"""content_sync_window: a log row's date windows, so a month over 500 pages is split

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_sync_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("gte", sa.Date(), nullable=False),
        sa.Column("lte", sa.Date(), nullable=False),
        sa.Column("is_completed", sa.Boolean(), nullable=False),
        sa.Column("last_completed_page", sa.Integer(), nullable=False),
        sa.Column("total_pages", sa.Integer(), nullable=True),
        sa.Column("total_results", sa.Integer(), nullable=True),
        sa.Column("passes", sa.Integer(), nullable=False),
        sa.Column("scan_run", sa.String(length=32), nullable=True),
        sa.Column("spanned", sa.Boolean(), nullable=False),
        sa.Column("found_new", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["content_sync_log.id"],
            name=op.f("fk_content_sync_window_log_id_content_sync_log"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_sync_window")),
        sa.UniqueConstraint("log_id", "gte", name=op.f("uq_content_sync_window_log_id_gte")),
    )
    op.create_index(
        op.f("ix_content_sync_window_log_id"), "content_sync_window", ["log_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_content_sync_window_log_id"), table_name="content_sync_window")
    op.drop_table("content_sync_window")
