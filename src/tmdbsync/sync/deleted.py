"""Titles and people TMDb no longer knows: `deleted_at` is set, the rows stay.

A held title or person answering 404 (a change-feed refresh, a retry, the people queue) is
marked here; one absent from two exports in a row is marked by the export diff
(sync/export_apply.py, sync/person_export.py). Storing it again clears the mark (titles:
sync/checksum.py; people: store/people.py, each in the item's transaction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, update

from tmdbsync.db.models import Content, Person


def mark_deleted(engine: Engine, kind: str, tmdb_id: int, now: datetime) -> None:
    """Mark a held title (`kind` movie or tv) or person (`kind` person) gone; nothing happens to
    one we do not hold."""
    if kind == "person":
        where = [Person.tmdb_id == tmdb_id, Person.deleted_at.is_(None)]
        statement = update(Person).where(*where).values(deleted_at=now)
    else:
        where = [Content.type == kind, Content.tmdb_id == tmdb_id, Content.deleted_at.is_(None)]
        statement = update(Content).where(*where).values(deleted_at=now)
    with engine.begin() as connection:
        connection.execute(statement)
