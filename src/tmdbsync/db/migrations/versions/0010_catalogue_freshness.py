"""The whole catalogue kept fresh: export files, deletions, change windows, checksums, and
indexes that keep the queues flat at scale

content.checksum / changed_at / deleted_at / export_misses / trakt_status (Trakt's pending
marker, filled from content_trakt), person.checksum / changed_at,
content_change_log.end_day / notes, title_queue, export_line, export_log; the people queue's
two partial indexes replace ix_person_queue; ix_content_synced finds the change cursor.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checksum", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("export_misses", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_content_synced", ["type", "synced_at"], unique=False)
        batch_op.add_column(sa.Column("trakt_status", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_content_trakt_pending", ["trakt_status"], unique=False)
    op.execute(
        "UPDATE content SET trakt_status ="
        " (SELECT status FROM content_trakt WHERE content_trakt.content_id = content.id)"
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checksum", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index("ix_person_queue")
    op.create_index(
        "ix_person_pending",
        "person",
        ["is_principal", "id"],
        sqlite_where=sa.text("enriched_at IS NULL"),
        postgresql_where=sa.text("enriched_at IS NULL"),
    )
    op.create_index(
        "ix_person_enriched",
        "person",
        ["enriched_at", "enriched_bucket"],
        sqlite_where=sa.text("enriched_at IS NOT NULL"),
        postgresql_where=sa.text("enriched_at IS NOT NULL"),
    )
    with op.batch_alter_table("content_change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.String(length=500), nullable=True))
    op.create_table(
        "title_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=False),
        sa.Column("popularity", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_title_queue")),
        sa.UniqueConstraint("type", "tmdb_id", name=op.f("uq_title_queue_type_tmdb_id")),
    )
    op.create_index("ix_title_queue_order", "title_queue", ["type", "popularity"])
    op.create_table(
        "export_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=False),
        sa.Column("popularity", sa.Float(), nullable=True),
        sa.Column("adult", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_line")),
    )
    op.create_index("ix_export_line_key", "export_line", ["type", "tmdb_id"])
    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_log")),
        sa.UniqueConstraint("type", "day", name=op.f("uq_export_log_type_day")),
    )


def downgrade() -> None:
    op.drop_table("export_log")
    op.drop_table("export_line")
    op.drop_index("ix_title_queue_order", table_name="title_queue")
    op.drop_table("title_queue")
    with op.batch_alter_table("content_change_log", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("end_day")
    op.drop_index("ix_person_enriched", table_name="person")
    op.drop_index("ix_person_pending", table_name="person")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_queue", ["enriched_at", "is_principal"], unique=False)
        batch_op.drop_column("changed_at")
        batch_op.drop_column("checksum")
    with op.batch_alter_table("content", schema=None) as batch_op:
        batch_op.drop_index("ix_content_synced")
        batch_op.drop_index("ix_content_trakt_pending")
        batch_op.drop_column("trakt_status")
        batch_op.drop_column("export_misses")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("changed_at")
        batch_op.drop_column("checksum")
