"""skipped_title.reason_code and dead_letter: every item that keeps failing is recorded with a
categorical reason and retried, backing off (titles in skipped_title, people/OMDb/Trakt here)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows recorded before codes existed were 404s, unusable payloads or refused values: the
    # free-text reason says which (sync/batch.py and sync/writer.py wrote these prefixes).
    with op.batch_alter_table("skipped_title", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reason_code", sa.String(16), nullable=False, server_default=sa.text("'unusable'")
            )
        )
    op.execute("UPDATE skipped_title SET reason_code = 'not_found' WHERE reason LIKE '404%'")
    op.execute(
        "UPDATE skipped_title SET reason_code = 'db_refused' WHERE reason LIKE 'database refused%'"
    )
    with op.batch_alter_table("skipped_title", schema=None) as batch_op:
        batch_op.alter_column("reason_code", existing_type=sa.String(16), server_default=None)
    op.create_table(
        "dead_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(8), nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("reason_code", sa.String(16), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letter")),
        sa.UniqueConstraint(
            "provider", "type", "tmdb_id", name=op.f("uq_dead_letter_provider_type_tmdb_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("dead_letter")
    with op.batch_alter_table("skipped_title", schema=None) as batch_op:
        batch_op.drop_column("reason_code")
