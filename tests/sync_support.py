"""Helpers for end-to-end sync tests: settings aimed at the fake API, runs, canonical dumps."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tmdbsync.fakeapi import FakeApi
from tmdbsync.kinds import Kind
from tmdbsync.payloads import DiscoverItem
from tmdbsync.settings import Settings, load_settings
from tmdbsync.sync import batch
from tmdbsync.sync.context import Progress, Summary, SyncContext
from tmdbsync.sync.orchestrator import sync_contents


def fake_settings(fake: FakeApi, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "tmdb_api_key": fake.tmdb_api_key,
        "tmdb_access_token": None,
        "omdb_api_key": fake.omdb_api_key,
        "tmdb_base_url": fake.tmdb_url,
        "omdb_base_url": fake.omdb_url,
        "start": "2024-01",
        "end": "2024-01",
        "tmdb_daily_quota": 0,
        "omdb_daily_quota": 0,
        "rate_limit": "1000/1s",
        "omdb_rate_limit": "1000/1s",
        "max_retries": 2,
        "retry_backoff": 0,  # retries against the local fake go at once
    }
    values.update(overrides)
    return load_settings(**values)


class PageOrder(Progress):
    """Records the kind of every discover page, in order."""

    def __init__(self) -> None:
        self.pages: list[Kind] = []

    def page_started(self, kind: Kind, row: Any, page: int, requests_left: int | None) -> None:
        self.pages.append(kind)


def run(
    settings: Settings,
    engine: Engine,
    *,
    kinds: tuple[Kind, ...] = ("movie", "tv"),
    max_pages: int | None = None,
    day: date | None = None,
    progress: Progress | None = None,
) -> Summary:
    noon = datetime.combine(day, time(12), tzinfo=UTC) if day else None
    extra: dict[str, Any] = {"now": lambda: noon} if noon else {}
    return asyncio.run(
        sync_contents(
            settings, engine, kinds=kinds, max_pages=max_pages, progress=progress, **extra
        )
    )


def collect_instead_of_storing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Ids of the titles the pages reach, which are then not fetched: for tests about paging a
    10,500-title month, where storing them all is the store's business (tested elsewhere)."""
    reached: list[int] = []

    async def collect(ctx: SyncContext, kind: str, items: list[DiscoverItem]) -> list[str]:
        reached.extend(item.id for item in items)
        return []

    monkeypatch.setattr(batch, "fetch_and_store", collect)
    return reached


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


def usage_total(engine: Engine, provider: str | None = None) -> int:
    where = "where provider = :p" if provider else ""
    return int(
        scalar(engine, f"select coalesce(sum(requests), 0) from api_usage {where}", p=provider)
    )


def endpoint_counts(fake: FakeApi) -> Counter[str]:
    return Counter(fake.stats()["by_endpoint"])


CANONICAL = {
    "content": "select type, tmdb_id, title, original_title, original_language, overview, tagline,"
    " status, release_date, runtime, budget, revenue, homepage, popularity, vote_average,"
    " vote_count, poster_path, backdrop_path, number_of_seasons, number_of_episodes,"
    " episode_run_time, imdb_id, facebook_id, instagram_id, twitter_id, wikidata_id, omdb_status"
    " from content",
    "genre": "select type, tmdb_id, name from genre",
    "content_genre": "select c.type, c.tmdb_id, g.tmdb_id from content_genre x"
    " join content c on c.id = x.content_id join genre g on g.id = x.genre_id",
    "keyword": "select tmdb_id, name from keyword",
    "content_keyword": "select c.type, c.tmdb_id, k.tmdb_id from content_keyword x"
    " join content c on c.id = x.content_id join keyword k on k.id = x.keyword_id",
    "person": "select tmdb_id, name, gender, known_for_department, profile_path, biography,"
    " birthday, deathday, place_of_birth, imdb_id, enriched_at is not null from person",
    "person_image": "select p.tmdb_id, i.file_path, i.width, i.height, i.vote_average"
    " from person_image i join person p on p.id = i.person_id",
    "content_cast": "select c.type, c.tmdb_id, p.tmdb_id, x.credit_id, x.character, x.cast_order"
    " from content_cast x join content c on c.id = x.content_id"
    " join person p on p.id = x.person_id",
    "content_crew": "select c.type, c.tmdb_id, p.tmdb_id, x.credit_id, x.department, x.job"
    " from content_crew x join content c on c.id = x.content_id"
    " join person p on p.id = x.person_id",
    "content_image": "select c.type, c.tmdb_id, x.image_type, x.file_path, x.width, x.height,"
    " x.iso_639_1, x.vote_average from content_image x join content c on c.id = x.content_id",
    "content_video": "select c.type, c.tmdb_id, x.tmdb_video_id, x.video_key, x.site, x.video_type,"
    " x.name, x.official from content_video x join content c on c.id = x.content_id",
    "content_rating": "select c.type, c.tmdb_id, x.source, x.value from content_rating x"
    " join content c on c.id = x.content_id",
    "content_award": "select c.type, c.tmdb_id, x.summary, x.wins, x.nominations"
    " from content_award x join content c on c.id = x.content_id",
    "content_season": "select c.tmdb_id, s.tmdb_id, s.season_number, s.name, s.air_date,"
    " s.episode_count, s.poster_path from content_season s join content c on c.id = s.content_id",
    "episode": "select c.tmdb_id, s.season_number, e.episode_number, e.tmdb_id, e.name, e.air_date,"
    " e.runtime, e.still_path, e.vote_average from episode e"
    " join content_season s on s.id = e.season_id join content c on c.id = s.content_id",
    "episode_cast": "select c.tmdb_id, s.season_number, e.episode_number, p.tmdb_id, x.credit_id,"
    " x.character, x.cast_order, x.is_guest from episode_cast x"
    " join episode e on e.id = x.episode_id"
    " join content_season s on s.id = e.season_id join content c on c.id = s.content_id"
    " join person p on p.id = x.person_id",
    "episode_crew": "select c.tmdb_id, s.season_number, e.episode_number, p.tmdb_id, x.credit_id,"
    " x.department, x.job from episode_crew x join episode e on e.id = x.episode_id"
    " join content_season s on s.id = e.season_id join content c on c.id = s.content_id"
    " join person p on p.id = x.person_id",
    "content_sync_log": "select type, year, month, is_completed, last_completed_page, total_pages,"
    " total_results from content_sync_log",
    "skipped_title": "select type, tmdb_id from skipped_title",
}


def canonical_dump(
    engine: Engine, tables: list[str] | None = None
) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every contract table as a multiset of rows keyed by TMDb ids, not surrogate ids."""
    return {
        name: Counter(tuple(str(v) for v in row) for row in rows(engine, sql))
        for name, sql in CANONICAL.items()
        if tables is None or name in tables
    }
