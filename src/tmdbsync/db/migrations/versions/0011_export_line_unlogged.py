"""export_line unlogged on PostgreSQL: a staging area needs no write-ahead log

Its rows never outlive the transaction that applies an export file, so crash safety buys
nothing, while logging a million staged lines (and their index entries) was a fifth of the
time of applying a file. SQLite has no such thing: nothing changes there.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE export_line SET UNLOGGED")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE export_line SET LOGGED")
