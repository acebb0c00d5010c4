"""Turns parsed bundles into rows: one transaction per batch of titles, idempotent, one bulk
statement per table.

A title's rows and its `synced_at` mark commit together, so a crash leaves either the old title or
the new one, never half. Re-syncing replaces the title's child rows in the same transaction, and
only when its data changed (sync/checksum.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, tuple_

from tmdbsync.clock import utc_now
from tmdbsync.db.models import (
    Base,
    Content,
    ContentCast,
    ContentCrew,
    ContentGenre,
    ContentImage,
    ContentKeyword,
    ContentSeason,
    ContentVideo,
    Episode,
    EpisodeCast,
    EpisodeCrew,
    Genre,
    Keyword,
    SkippedTitle,
)
from tmdbsync.db.upsert import Lookup, insert_rows, table_of, upsert
from tmdbsync.kinds import Kind
from tmdbsync.store.credits import PERSON, PeopleIndex
from tmdbsync.store.details import DETAIL_TABLES, save_collections, save_details
from tmdbsync.store.rows import (
    CONTENT_IMAGES,
    ContentIds,
    Row,
    content_row,
    image_rows,
    title_credit_rows,
    video_rows,
)
from tmdbsync.store.seasons import save_seasons
from tmdbsync.store.skips import clear_skips
from tmdbsync.sync.bundle import TitleBundle
from tmdbsync.sync.checksum import bundle_digest

# Genres and keywords are named by their natural keys; SQL finds the ids.
GENRE = Lookup(Genre, ("type", "tmdb_id"))
KEYWORD = Lookup(Keyword, ("tmdb_id",))
# An unchanged title (NULL given) keeps the `changed_at` it had.
KEEP_CHANGED_AT = {"changed_at": "COALESCE({new}, {old})"}
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Titles:
    """Titles with their children, and what a page replay can skip."""

    engine: Engine
    now: Callable[[], datetime] = utc_now
    principal_cast: int = 10
    """Cast billed above this are principal people (enriched first, see credits.py)."""

    def done_ids(self, kind: Kind, tmdb_ids: Sequence[int]) -> set[int]:
        """Ids of this list already stored or recorded as unusable: a replayed page skips them."""
        if not tmdb_ids:
            return set()
        with self.engine.connect() as connection:
            stored = connection.scalars(
                select(Content.tmdb_id).where(
                    Content.type == kind,
                    Content.tmdb_id.in_(tmdb_ids),
                    Content.synced_at.is_not(None),
                )
            )
            skipped = connection.scalars(
                select(SkippedTitle.tmdb_id).where(
                    SkippedTitle.type == kind, SkippedTitle.tmdb_id.in_(tmdb_ids)
                )
            )
            return set(stored) | set(skipped)

    def tmdb_id_of(self, content_id: int) -> int:
        with self.engine.connect() as connection:
            tmdb_id: int = connection.execute(
                select(Content.tmdb_id).where(Content.id == content_id)
            ).scalar_one()
            return tmdb_id

    def save(self, bundle: TitleBundle) -> int:
        """Store one title and all its children in one transaction; returns content.id."""
        return self.save_batch([bundle])[0]

    def save_batch(self, bundles: Sequence[TitleBundle]) -> list[int]:
        """Store titles and all their children in one transaction; returns their content ids.

        Each table gets one statement for the whole batch, so storing titles that arrived together
        costs little more than storing one. A title listed twice is stored once (the later wins).
        A title recorded as skipped before (a retry, a refresh that once failed) is skipped no
        more: its `skipped_title` row goes with the same commit.
        """
        batch = list({(b.kind, b.title.id): b for b in bundles}.values())
        sums = {(b.kind, b.title.id): bundle_digest(b) for b in batch}  # before taking the lock
        with self.engine.begin() as connection:
            content_ids, changed = self._save_contents(connection, batch, sums)
            stored = [(b.kind, b.title.id) for b in batch]
            batch = [b for b in batch if (b.kind, b.title.id) in changed]  # same hash: no rows
            rewritten = [i for i in changed.values() if i is not None]
            if rewritten:
                _delete_children(connection, rewritten)
            people = PeopleIndex()
            for bundle in batch:
                people.add_bundle(bundle, self.principal_cast)
            people.save(connection)
            _save_genres(connection, batch, content_ids)
            _save_keywords(connection, batch, content_ids)
            save_details(connection, batch, content_ids)
            cast: list[Row] = []
            crew: list[Row] = []
            images: list[Row] = []
            videos: list[Row] = []
            for bundle in batch:
                content_id = content_ids[(bundle.kind, bundle.title.id)]
                cast_rows, crew_rows = title_credit_rows(content_id, bundle.title.title_credits)
                cast.extend(cast_rows)
                crew.extend(crew_rows)
                images.extend(
                    image_rows("content_id", content_id, bundle.title.images, CONTENT_IMAGES)
                )
                videos.extend(video_rows(content_id, bundle.title))
            insert_rows(connection, ContentCast, cast, lookups={"person_id": PERSON})
            insert_rows(connection, ContentCrew, crew, lookups={"person_id": PERSON})
            insert_rows(connection, ContentImage, images)
            insert_rows(connection, ContentVideo, videos)
            shows = [(content_ids[(b.kind, b.title.id)], b.seasons) for b in batch if b.seasons]
            if shows:
                save_seasons(connection, shows)
            clear_skips(connection, stored)
        return [content_ids[(b.kind, b.title.id)] for b in bundles]

    def _save_contents(
        self, connection: Connection, batch: list[TitleBundle], sums: dict[Key, str]
    ) -> tuple[ContentIds, dict[Key, int | None]]:
        """Upsert the content rows with their hashes (sync/checksum.py); returns their ids, and
        the titles whose hash moved: {key: content id if it was stored before, else None}.

        Only those get `changed_at` (the merge keeps the old one for the rest); every stored title
        is alive again, so its `deleted_at` is cleared.
        """
        keys = [(b.kind, b.title.id) for b in batch]
        existing = {
            (row.type, row.tmdb_id): row
            for row in connection.execute(
                select(
                    Content.id,
                    Content.type,
                    Content.tmdb_id,
                    Content.imdb_id,
                    Content.omdb_status,
                    Content.checksum,
                ).where(tuple_(Content.type, Content.tmdb_id).in_(keys))
            )
        }
        changed: dict[Key, int | None] = {}
        for key in keys:
            before = existing.get(key)
            if before is None or before.checksum != sums[key]:
                changed[key] = None if before is None else before.id
        collections = save_collections(connection, batch)
        now = self.now()
        rows = []
        for bundle in batch:
            title = bundle.title
            key = (bundle.kind, title.id)
            imdb_id = title.external_ids.imdb_id or title.imdb_id or None
            before = existing.get(key)
            if imdb_id is None:
                omdb_status: str | None = "no_imdb_id"
            elif before is not None and before.imdb_id == imdb_id:
                omdb_status = before.omdb_status
            else:
                omdb_status = None
            row = content_row(bundle, imdb_id)
            collection = title.belongs_to_collection
            row["collection_id"] = collections[collection.id] if collection else None
            row["omdb_status"] = omdb_status
            row["synced_at"] = self.now()
            row["checksum"] = sums[key]
            row["deleted_at"] = None
            row["changed_at"] = now if key in changed else None
            rows.append(row)
        ids = upsert(
            connection,
            Content,
            rows,
            ["type", "tmdb_id"],
            update=[k for k in rows[0] if k not in ("type", "tmdb_id", "changed_at")],
            merge=KEEP_CHANGED_AT,
        )
        return ids, changed


def _delete_children(connection: Connection, content_ids: list[int]) -> None:
    seasons = select(ContentSeason.id).where(ContentSeason.content_id.in_(content_ids))
    episodes = select(Episode.id).where(Episode.season_id.in_(seasons))
    connection.execute(delete(EpisodeCast).where(EpisodeCast.episode_id.in_(episodes)))
    connection.execute(delete(EpisodeCrew).where(EpisodeCrew.episode_id.in_(episodes)))
    connection.execute(delete(Episode).where(Episode.season_id.in_(seasons)))
    tables: tuple[type[Base], ...] = (
        ContentSeason,
        ContentGenre,
        ContentKeyword,
        ContentCast,
        ContentCrew,
        ContentImage,
        ContentVideo,
        *DETAIL_TABLES,
    )
    for table in tables:
        children = table_of(table)
        connection.execute(delete(children).where(children.c.content_id.in_(content_ids)))


def _save_genres(connection: Connection, batch: list[TitleBundle], content_ids: ContentIds) -> None:
    genres = {
        (b.kind, g.id): {"type": b.kind, "tmdb_id": g.id, "name": g.name}
        for b in batch
        for g in b.title.genres
    }
    upsert(
        connection,
        Genre,
        [genres[k] for k in sorted(genres)],
        ["type", "tmdb_id"],
        update=["name"],
        returning=False,
    )
    links = {
        (content_ids[(b.kind, b.title.id)], (b.kind, g.id)) for b in batch for g in b.title.genres
    }
    insert_rows(
        connection,
        ContentGenre,
        [{"content_id": c, "genre_id": g} for c, g in sorted(links)],
        lookups={"genre_id": GENRE},
    )


def _save_keywords(
    connection: Connection, batch: list[TitleBundle], content_ids: ContentIds
) -> None:
    keywords = {
        k.id: {"tmdb_id": k.id, "name": k.name} for b in batch for k in b.title.keywords.items
    }
    upsert(
        connection,
        Keyword,
        [keywords[k] for k in sorted(keywords)],
        ["tmdb_id"],
        update=["name"],
        returning=False,
    )
    links = {
        (content_ids[(b.kind, b.title.id)], k.id) for b in batch for k in b.title.keywords.items
    }
    insert_rows(
        connection,
        ContentKeyword,
        [{"content_id": c, "keyword_id": k} for c, k in sorted(links)],
        lookups={"keyword_id": KEYWORD},
    )
