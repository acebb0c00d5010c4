"""FetchNextSeriesBatch and SyncContents end to end: seasons, episodes, episode credits, 50/50."""

from __future__ import annotations

import asyncio
import math
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.sync_support import (
    PageOrder,
    canonical_dump,
    endpoint_counts,
    fake_settings,
    rows,
    run,
    scalar,
    usage_total,
)
from tmdbsync.fakeapi import FakeApi
from tmdbsync.quota import QuotaLedger
from tmdbsync.settings import Settings
from tmdbsync.store import Store
from tmdbsync.sync.bundle import build_bundle
from tmdbsync.sync.fetch import fetch_title
from tmdbsync.tmdb import TmdbClient


def _store_show(settings: Settings, engine: Engine, tv_id: int, language: str | None) -> None:
    async def go() -> None:
        ledger = QuotaLedger(engine, "tmdb", 0, 0.5)
        client = TmdbClient.from_settings(settings, ledger)
        try:
            raw, per_episode = await fetch_title(
                client,
                "tv",
                tv_id,
                language,
                episode_credits=settings.episode_credits == "episode",
            )
        finally:
            await client.aclose()
        Store(engine).titles.save(build_bundle("tv", raw, per_episode))

    asyncio.run(go())


@pytest.mark.parametrize(("low", "high"), [(0, 0), (1, 1), (13, 13), (25, None)])
def test_show_of_any_season_count_costs_the_minimum_requests_and_stores_everything(
    fake_api: FakeApi, database_url: str, engine: Engine, low: int, high: int | None
) -> None:
    catalogue = fake_api.catalogue
    tv_id = catalogue.find_tv(min_seasons=low, max_seasons=high, start=(2020, 1))
    plan = catalogue.plan(tv_id)
    core = catalogue.core("tv", tv_id)
    assert plan is not None
    assert core is not None
    seasons = plan.numbered
    _store_show(fake_settings(fake_api, database_url), engine, tv_id, core.original_language)

    counts = endpoint_counts(fake_api)
    assert counts["tv/{id}"] == math.ceil((9 + 2 * seasons) / 20)
    assert counts.total() == counts["tv/{id}"]

    numbers = sorted(s.number for s in plan.seasons)
    stored = rows(
        engine,
        "select s.season_number, s.id from content_season s join content c on c.id = s.content_id"
        " where c.tmdb_id = :t order by s.season_number",
        t=tv_id,
    )
    assert [n for n, _ in stored] == numbers
    for number, season_id in stored:
        season = catalogue.season(tv_id, number)
        regulars = catalogue.season_credits(tv_id, number)
        assert season is not None
        assert regulars is not None
        episodes = rows(
            engine,
            "select id, episode_number from episode where season_id = :s order by episode_number",
            s=season_id,
        )
        assert [e for _, e in episodes] == [e["episode_number"] for e in season["episodes"]]
        by_number = {e["episode_number"]: e for e in season["episodes"]}
        for episode_id, number_in_season in episodes:
            payload = by_number[number_in_season]
            guests = scalar(
                engine,
                "select count(*) from episode_cast where episode_id = :e and is_guest",
                e=episode_id,
            )
            cast = scalar(
                engine,
                "select count(*) from episode_cast where episode_id = :e and not is_guest",
                e=episode_id,
            )
            crew = scalar(
                engine, "select count(*) from episode_crew where episode_id = :e", e=episode_id
            )
            assert guests == len(payload["guest_stars"])
            assert cast == len(regulars["cast"])
            assert crew == len(payload["crew"])
    content = rows(
        engine,
        "select number_of_seasons, release_date from content where tmdb_id = :t",
        t=tv_id,
    )
    assert content[0][0] == seasons


def test_season_and_episode_credit_modes_store_the_same_rows(
    fake_api: FakeApi, tmp_path: Any
) -> None:
    from tmdbsync.db.engine import make_engine, upgrade

    catalogue = fake_api.catalogue
    tv_id = catalogue.find_tv(min_seasons=2, max_seasons=3, specials=True, start=(2020, 1))
    core = catalogue.core("tv", tv_id)
    assert core is not None
    dumps = []
    for mode in ("season", "episode"):
        url = f"sqlite:///{tmp_path / mode}.db"
        engine = make_engine(url)
        upgrade(engine)
        fake_api.reset_stats()
        settings = fake_settings(fake_api, url, episode_credits=mode)
        _store_show(settings, engine, tv_id, core.original_language)
        dumps.append(canonical_dump(engine, ["episode", "episode_cast", "episode_crew"]))
        if mode == "episode":
            episodes = scalar(engine, "select count(*) from episode")
            counts = endpoint_counts(fake_api)
            assert counts["tv/{id}/season/{n}/episode/{e}/credits"] == episodes
        engine.dispose()
    assert dumps[0]["episode_cast"].total() > 0
    assert dumps[0] == dumps[1]


@pytest.mark.slow
def test_sync_contents_alternates_and_keeps_each_bucket_within_its_share_across_days(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = fake_settings(
        fake_api, database_url, start="2024-02", end="2024-12", tmdb_daily_quota=120
    )
    for day in (date(2026, 3, 1), date(2026, 3, 2)):
        fake_api.reset_stats()
        order = PageOrder()
        summary = run(settings, engine, day=day, progress=order)
        assert summary.movie.stopped == summary.tv.stopped == "daily quota spent"
        both = order.pages[: 2 * min(order.pages.count("movie"), order.pages.count("tv"))]
        assert both == ["movie", "tv"] * (len(both) // 2)
        usage = dict(
            (bucket, requests)
            for bucket, requests in rows(
                engine,
                "select bucket, requests from api_usage where provider = 'tmdb' and day = :d",
                d=day,
            )
        )
        assert usage == {"movie": 60, "tv": 60}
        assert fake_api.stats()["tmdb"] == 120
    assert usage_total(engine, "tmdb") == 240
    for table in ("content_season", "episode", "episode_cast", "episode_crew", "content_cast"):
        assert scalar(engine, f"select count(*) from {table}") > 0
    tv_rows = scalar(engine, "select count(*) from content where type = 'tv'")
    assert tv_rows > 0


def test_one_bucket_with_nothing_left_lets_the_other_go_on_alone(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    # TV has no shows in 2024-01; movies have three pages
    settings = fake_settings(fake_api, sqlite_database_url, start="2024-01", end="2024-01")
    order = PageOrder()
    summary = run(settings, sqlite_engine, progress=order)
    assert order.pages == ["movie", "tv", "movie", "movie"]
    assert summary.tv.stopped == summary.movie.stopped
    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete"


def test_a_refused_speculative_season_append_falls_back_to_plain_appends(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    from tmdbsync.fakeapi import ScriptedResponse

    catalogue = fake_api.catalogue
    tv_id = catalogue.find_tv(min_seasons=3, max_seasons=3, start=(2020, 1))
    core = catalogue.core("tv", tv_id)
    assert core is not None
    refusal = {"success": False, "status_code": 27, "status_message": "Too many appends."}
    fake_api.script(rf"^/3/tv/{tv_id}$", [ScriptedResponse(status=400, body=refusal)])
    _store_show(fake_settings(fake_api, sqlite_database_url), sqlite_engine, tv_id, None)
    assert endpoint_counts(fake_api)["tv/{id}"] == 3  # refused, plain, then the seasons
    seasons = scalar(sqlite_engine, "select count(*) from content_season")
    plan = catalogue.plan(tv_id)
    assert plan is not None
    assert seasons == len(plan.seasons)
    assert scalar(sqlite_engine, "select count(*) from episode") > 0
