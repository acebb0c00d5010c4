"""Titles TMDb no longer knows: `content.deleted_at` is set, the rows stay.

A held title answering 404 (a change-feed refresh, a retry) is marked here; one absent from two
exports in a row is marked by the export diff (sync/export_apply.py). Storing the title again
clears the mark (sync/checksum.py, in the title's transaction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, update

from tmdbsync.db.models import Content


def mark_deleted(engine: Engine, kind: str, tmdb_id: int, now: datetime) -> None:
    """Mark a held title gone (nothing happens to a title we do not hold)."""
    with engine.begin() as connection:
        connection.execute(
            update(Content)
            .where(Content.type == kind, Content.tmdb_id == tmdb_id, Content.deleted_at.is_(None))
            .values(deleted_at=now)
        )
