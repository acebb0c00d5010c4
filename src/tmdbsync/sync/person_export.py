"""Applying the daily person export (`person_ids_MM_DD_YYYY.json.gz`) to the people we hold.

Read and staged as the title files are (export_apply.apply_file), in one transaction, at no
request cost. Only people we hold are touched: people come from credits, so nobody is queued
from the file (it lists millions). A listed person takes the file's popularity; one absent
from two person exports in a row gets `person.deleted_at` (the rows and credits stay); one
listed again after being marked before the file was made is cleared and goes back to the
people queue (`enriched_at` NULL, as the change feed does), which TMDBSYNC_PEOPLE and the
person's dead letter, if any, still govern. A person answering 404 is marked too
(sync/deleted.py, where the 404 is dead-lettered); a later fetch clears the mark.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import Connection, Engine, exists, select, update

from tmdbsync.db.models import ExportLine, Person
from tmdbsync.sync.export_apply import ExportResult, apply_file, refresh_held

KIND = "person"


def holds_people(engine: Engine) -> bool:
    """Whether any person is held: with none, the file (millions of lines) has nothing to do."""
    with engine.connect() as connection:
        return connection.scalar(select(Person.id).limit(1)) is not None


def apply_person_export(
    engine: Engine, day: date, path: Path, *, now: datetime | None = None
) -> ExportResult:
    """Apply the person export published on `day` (read from `path`); see the module doc."""
    moment = now or datetime.now(UTC)

    def diff(connection: Connection, lines: int) -> ExportResult:
        return _diff(connection, day, lines, moment)

    return apply_file(engine, KIND, day, path, diff, moment)


def _diff(connection: Connection, day: date, lines: int, now: datetime) -> ExportResult:
    listed = exists().where(ExportLine.type == KIND, ExportLine.tmdb_id == Person.tmdb_id)
    # Back: listed though marked before the file was made (a mark made since, by a 404 after
    # the file, is newer news than the file and stays).
    day_start = datetime.combine(day, time(), tzinfo=UTC)
    returned = 0
    marked = select(Person.id).where(Person.deleted_at.is_not(None)).limit(1)
    if connection.scalar(marked) is not None:  # ix_person_deleted: else no lookup per person
        returned = connection.execute(
            update(Person)
            .where(Person.deleted_at < day_start, listed)
            .values(deleted_at=None, export_misses=0, enriched_at=None, enrich_error=None)
        ).rowcount
    # Listed: the file's popularity; not listed: one more miss, two in a row deleted.
    deleted = refresh_held(connection, Person, KIND, [], [], now)
    return ExportResult(lines, 0, deleted, returned or 0)
