"""What kept failing, and when it is worth another try: skipped titles and dead letters.

A title that could not be stored is a `skipped_title` row; a person, or a title's OMDb or Trakt
lookup, that kept failing is a `dead_letter` row. Each counts its attempts, and `due` says when
the wait after the last one is over (sync/retry.py for titles; the people and enrichment queues
leave waiting items out). Storing the item later clears its record in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    exists,
    func,
    select,
    tuple_,
)
from sqlalchemy.sql.elements import ColumnElement

from tmdbsync.clock import utc_now
from tmdbsync.db.models import Content, DeadLetter, SkippedTitle
from tmdbsync.db.upsert import upsert
from tmdbsync.kinds import Kind
from tmdbsync.payloads import DiscoverItem, clean_text
from tmdbsync.sync.deadletter import UNUSABLE, Backoff, Failure, due


def not_waiting(
    provider: str, item_type: Any, tmdb_id: Any, backoff: Backoff, now: datetime
) -> ColumnElement[bool]:
    """The item has no dead letter, or one whose wait is over."""
    waiting = exists().where(
        DeadLetter.provider == provider,
        DeadLetter.type == item_type,
        DeadLetter.tmdb_id == tmdb_id,
        ~due(DeadLetter, backoff, now),
    )
    return ~waiting


def clear_skips(connection: Connection, stored: list[tuple[Kind, int]]) -> None:
    """Titles stored are skipped no more."""
    for kind in {kind for kind, _ in stored}:  # per-kind IN lists use the unique index
        ids = [tmdb_id for k, tmdb_id in stored if k == kind]
        connection.execute(
            delete(SkippedTitle).where(SkippedTitle.type == kind, SkippedTitle.tmdb_id.in_(ids))
        )


def clear_dead_letter(
    connection: Connection, provider: str, item_type: str | None, key: int
) -> None:
    """An item stored leaves `dead_letter`: a person by TMDb id (`item_type` given), a title's
    enrichment by content.id (`item_type` None)."""
    if item_type is not None:
        where = and_(DeadLetter.type == item_type, DeadLetter.tmdb_id == key)
    else:
        title = select(Content.type, Content.tmdb_id).where(Content.id == key)
        where = tuple_(DeadLetter.type, DeadLetter.tmdb_id).in_(title)
    connection.execute(delete(DeadLetter).where(DeadLetter.provider == provider, where))


def _count_failure(
    connection: Connection,
    table: type[SkippedTitle] | type[DeadLetter],
    key: dict[str, Any],
    failure: Failure,
    now: datetime,
    kept: dict[str, Any] | None = None,
) -> None:
    """Record the item's failure, or count one more attempt of it (a longer wait): the latest
    reason wins, and each of the `kept` values stays once known."""
    upsert(
        connection,
        table,
        [
            {
                **key,
                # as every database holds it (no NUL, no lone surrogate), 500 at most
                "reason": (clean_text(failure.reason) or "?")[:500],
                "reason_code": failure.code,
                "first_seen_at": now,
                "last_tried_at": now,
                "attempts": 1,
                **(kept or {}),
            }
        ],
        list(key),
        update=["reason", "reason_code", "last_tried_at"],
        merge={"attempts": "{old} + 1", **dict.fromkeys(kept or {}, "COALESCE({new}, {old})")},
        returning=False,
    )


@dataclass(frozen=True)
class SkippedTitles:
    """Titles that could not be stored, and which of them are due for a retry."""

    engine: Engine
    now: Callable[[], datetime] = utc_now

    def record(
        self,
        kind: Kind,
        tmdb_id: int,
        reason: str,
        original_language: str | None = None,
        code: str = UNUSABLE,
    ) -> None:
        """Record a title that could not be stored; once more counts another attempt, so its
        next retry waits longer (sync/retry.py). A language once known is kept."""
        with self.engine.begin() as connection:
            _count_failure(
                connection,
                SkippedTitle,
                {"type": kind, "tmdb_id": tmdb_id},
                Failure(code=code, reason=reason),
                self.now(),
                kept={"original_language": original_language},
            )

    def ready(self, kind: Kind, wait: timedelta, cap: timedelta, limit: int) -> list[DiscoverItem]:
        """Up to `limit` skipped titles of `kind` due for a retry (`due`), tried longest ago
        first. A title we still hold (skipped when a change-feed refresh failed) keeps its stored
        original language.
        """
        ready = due(SkippedTitle, Backoff(wait, cap), self.now())
        query = (
            select(
                SkippedTitle.tmdb_id,
                func.coalesce(Content.original_language, SkippedTitle.original_language).label(
                    "original_language"
                ),
            )
            .outerjoin(
                Content,
                and_(Content.type == SkippedTitle.type, Content.tmdb_id == SkippedTitle.tmdb_id),
            )
            .where(SkippedTitle.type == kind, ready)
            .order_by(SkippedTitle.last_tried_at, SkippedTitle.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                DiscoverItem(id=row.tmdb_id, original_language=row.original_language)
                for row in connection.execute(query)
            ]


@dataclass(frozen=True)
class DeadLetters:
    """People, and titles' OMDb and Trakt lookups, whose requests kept failing."""

    engine: Engine
    now: Callable[[], datetime] = utc_now

    def record(self, provider: str, item_type: str, tmdb_id: int, failure: Failure) -> None:
        """Record an item that kept failing; once more counts another attempt (a longer wait)."""
        key = {"provider": provider, "type": item_type, "tmdb_id": tmdb_id}
        with self.engine.begin() as connection:
            _count_failure(connection, DeadLetter, key, failure, self.now())

    def count_since(self, provider: str, item_type: str, since: datetime) -> int:
        """Items of `provider` and `item_type` whose last try failed at or after `since`."""
        with self.engine.connect() as connection:
            return (
                connection.scalar(
                    select(func.count())
                    .select_from(DeadLetter)
                    .where(
                        DeadLetter.provider == provider,
                        DeadLetter.type == item_type,
                        DeadLetter.last_tried_at >= since,
                    )
                )
                or 0
            )
