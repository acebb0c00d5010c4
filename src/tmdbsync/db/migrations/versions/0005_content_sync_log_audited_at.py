"""content_sync_log.audited_at: when a completed month's listing was last probed for new titles

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "content_sync_log", sa.Column("audited_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy the table, and dropping the old
    # one would cascade to content_sync_window.
    op.drop_column("content_sync_log", "audited_at")
