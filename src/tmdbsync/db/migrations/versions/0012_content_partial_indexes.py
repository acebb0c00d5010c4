"""content: the marker and optional-column indexes hold only the rows they are asked for

Every change to a `content` row that PostgreSQL cannot make in place (an export refreshing
900k popularities) writes an entry into every index of the table. Four of them are only ever
asked for a subset: the OMDb and Trakt queues for pending titles with an IMDb id, and lookups by
IMDb id or collection for rows that have one. As partial indexes they skip every other row:
fewer writes per update and smaller indexes. The queues also read them in their own order
(type, id), so a queue batch is a range scan.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# name, columns, predicate (None: the full index it was before)
PARTIAL = (
    ("ix_content_omdb_pending", ["type", "id"], "omdb_status IS NULL AND imdb_id IS NOT NULL"),
    ("ix_content_trakt_pending", ["type", "id"], "trakt_status IS NULL AND imdb_id IS NOT NULL"),
    ("ix_content_imdb_id", ["imdb_id"], "imdb_id IS NOT NULL"),
    ("ix_content_collection_id", ["collection_id"], "collection_id IS NOT NULL"),
)
FULL = {
    "ix_content_omdb_pending": ["omdb_status"],
    "ix_content_trakt_pending": ["trakt_status"],
    "ix_content_imdb_id": ["imdb_id"],
    "ix_content_collection_id": ["collection_id"],
}


def upgrade() -> None:
    for name, columns, where in PARTIAL:
        op.drop_index(name, table_name="content")
        op.create_index(
            name, "content", columns, sqlite_where=text(where), postgresql_where=text(where)
        )


def downgrade() -> None:
    for name, columns in FULL.items():
        op.drop_index(name, table_name="content")
        op.create_index(name, "content", columns)
