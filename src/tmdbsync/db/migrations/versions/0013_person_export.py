"""People seen through the daily person export: person.deleted_at / export_misses

`deleted_at` is set when TMDb stops knowing a person (absent from two person exports in a row,
or a 404 on /person/{id}); the rows stay. `export_misses` counts the exports in a row without
them. A partial index keeps "is anyone marked?" an index lookup on millions of people.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("export_misses", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_index(
        "ix_person_deleted",
        "person",
        ["deleted_at"],
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_person_deleted", table_name="person")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("export_misses")
        batch_op.drop_column("deleted_at")
