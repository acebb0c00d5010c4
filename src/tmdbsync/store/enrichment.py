"""What OMDb and Trakt add to stored titles: which titles to ask about next, and the answers.

Both key a title by its IMDb id, so only titles that have one queue; an answer, or the
`not_found` mark that stops asking, is written with the title's status in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import InstrumentedAttribute

from tmdbsync.clock import utc_now
from tmdbsync.db.models import Content, ContentAward, ContentRating, ContentTrakt
from tmdbsync.db.upsert import insert_rows, upsert
from tmdbsync.kinds import Kind
from tmdbsync.payloads import (
    INT64,
    OmdbTitle,
    TraktRatings,
    TraktStats,
    omdb_count,
    omdb_score,
    omdb_value,
    parse_awards,
)
from tmdbsync.store.skips import clear_dead_letter, not_waiting
from tmdbsync.sync.deadletter import Backoff

OMDB_FACTS = ("rated", "metascore", "imdb_votes", "box_office", "plot")


def _omdb_facts(payload: OmdbTitle) -> dict[str, Any]:
    """OMDb's title-level values for the content row ("N/A" is NULL like any missing value)."""
    return {
        "rated": omdb_value(payload.Rated),
        "metascore": omdb_count(payload.Metascore),
        "imdb_votes": omdb_count(payload.imdbVotes),
        "box_office": omdb_count(payload.BoxOffice, INT64),
        "plot": omdb_value(payload.Plot),
    }


@dataclass(frozen=True)
class Enrichment:
    """The OMDb and Trakt queues and their answers."""

    engine: Engine
    now: Callable[[], datetime] = utc_now

    def omdb_queue(self, kind: Kind, limit: int, backoff: Backoff) -> list[tuple[int, str]]:
        """(content.id, IMDb id) of stored titles still waiting for OMDb (`_queue`)."""
        return self._queue(Content.omdb_status, "omdb", kind, limit, backoff)

    def trakt_queue(self, kind: Kind, limit: int, backoff: Backoff) -> list[tuple[int, str]]:
        """(content.id, IMDb id) of stored titles Trakt was not asked about yet (`_queue`)."""
        return self._queue(Content.trakt_status, "trakt", kind, limit, backoff)

    def _queue(
        self,
        status: InstrumentedAttribute[str | None],
        provider: str,
        kind: Kind,
        limit: int,
        backoff: Backoff,
    ) -> list[tuple[int, str]]:
        """Titles whose `status` is pending, oldest first (those that kept failing once they are
        due again)."""
        query = (
            select(Content.id, Content.imdb_id)
            .where(
                status.is_(None),  # pending: an index lookup, not a walk
                Content.type == kind,
                Content.imdb_id.is_not(None),
                Content.synced_at.is_not(None),
                not_waiting(provider, Content.type, Content.tmdb_id, backoff, self.now()),
            )
            .order_by(Content.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [(row.id, row.imdb_id) for row in connection.execute(query)]

    def save_omdb(self, content_id: int, payload: OmdbTitle | None) -> None:
        """Ratings and awards, or the mark (`not_found`) that stops daily retries."""
        facts: dict[str, Any] = dict.fromkeys(OMDB_FACTS)
        with self.engine.begin() as connection:
            clear_dead_letter(connection, "omdb", None, content_id)
            connection.execute(delete(ContentRating).where(ContentRating.content_id == content_id))
            connection.execute(delete(ContentAward).where(ContentAward.content_id == content_id))
            if payload is not None:
                facts = _omdb_facts(payload)
                ratings: dict[str, str | None] = {}
                for rating in payload.Ratings:
                    ratings.setdefault(rating.Source, omdb_value(rating.Value))
                insert_rows(
                    connection,
                    ContentRating,
                    [
                        {"content_id": content_id, "source": s, "value": v, "score": omdb_score(v)}
                        for s, v in ratings.items()
                    ],
                )
                summary = omdb_value(payload.Awards)
                if summary is not None:
                    wins, nominations = parse_awards(summary)
                    insert_rows(
                        connection,
                        ContentAward,
                        [
                            {
                                "content_id": content_id,
                                "summary": summary,
                                "wins": wins,
                                "nominations": nominations,
                            }
                        ],
                    )
            connection.execute(
                update(Content)
                .where(Content.id == content_id)
                .values(
                    omdb_status="not_found" if payload is None else "found",
                    omdb_checked_at=self.now(),
                    **facts,
                )
            )

    def save_trakt(
        self,
        content_id: int,
        ratings: TraktRatings | None,
        stats: TraktStats | None,
    ) -> None:
        """Trakt's numbers for a title, or the mark (`not_found`) that ends asking."""
        found = ratings is not None or stats is not None
        row: dict[str, Any] = {
            "content_id": content_id,
            "status": "found" if found else "not_found",
            "rating": ratings.rating if ratings else None,
            "votes": ratings.votes if ratings else None,
            "distribution": json.dumps(ratings.distribution)
            if ratings and ratings.distribution
            else None,
            "fetched_at": self.now(),
        }
        for name in TraktStats.model_fields:
            row[name] = getattr(stats, name) if stats else None
        with self.engine.begin() as connection:
            clear_dead_letter(connection, "trakt", None, content_id)
            upsert(
                connection,
                ContentTrakt,
                [row],
                ["content_id"],
                update=[k for k in row if k != "content_id"],
            )
            connection.execute(
                update(Content).where(Content.id == content_id).values(trakt_status=row["status"])
            )
