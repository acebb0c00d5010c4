"""FetchNextMoviesBatch end to end: the fake API over loopback into SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import date

import pytest
from sqlalchemy import Engine

from tests.sync_support import (
    canonical_dump,
    endpoint_counts,
    fake_settings,
    rows,
    run,
    scalar,
    usage_total,
)
from tmdbsync.fakeapi import FakeApi, LangOpts
from tmdbsync.store.credits import KEY_JOBS
from tmdbsync.sync.fetch import MOVIE_APPENDS, language_params

MONTH = (2024, 3)  # four discover pages, three titles that 404 on details


def _sync_month(fake: FakeApi, database_url: str, engine: Engine, **overrides: object) -> None:
    settings = fake_settings(fake, database_url, start="2024-03", end="2024-03", **overrides)
    summary = run(settings, engine, kinds=("movie",))
    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete"


@pytest.mark.slow
def test_movie_month_fills_every_table_as_the_catalogue_says(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    _sync_month(fake_api, database_url, engine)
    catalogue = fake_api.catalogue
    ids = catalogue.month_ids("movie", *MONTH)
    live = [i for i in ids if not catalogue.is_gone("movie", i)]
    gone = [i for i in ids if catalogue.is_gone("movie", i)]
    assert gone, "the fixture month should contain titles that 404"

    stored = {r[0] for r in rows(engine, "select tmdb_id from content where type = 'movie'")}
    assert stored == set(live)
    skipped = rows(engine, "select tmdb_id, reason from skipped_title where type = 'movie'")
    assert {r[0] for r in skipped} == set(gone)
    assert all("404" in r[1] for r in skipped)

    for tmdb_id in live:
        core = catalogue.core("movie", tmdb_id)
        assert core is not None
        opts = LangOpts(**language_params(core.original_language))
        expected = catalogue.movie(tmdb_id, MOVIE_APPENDS, opts)
        assert expected is not None
        content_id, title, runtime, budget, imdb_id, release = rows(
            engine,
            "select id, title, runtime, budget, imdb_id, release_date from content"
            " where type = 'movie' and tmdb_id = :t",
            t=tmdb_id,
        )[0]
        assert title == expected["title"]
        assert runtime == expected["runtime"]
        assert budget == expected["budget"]
        assert imdb_id == (expected["external_ids"]["imdb_id"] or None)
        assert str(release) == expected["release_date"]

        def count(table: str, cid: int = content_id) -> int:
            return int(scalar(engine, f"select count(*) from {table} where content_id = :c", c=cid))

        assert count("content_cast") == len(expected["credits"]["cast"])
        assert count("content_crew") == len(expected["credits"]["crew"])
        images = expected["images"]
        assert count("content_image") == sum(
            len(images[k]) for k in ("posters", "backdrops", "logos")
        )
        assert count("content_video") == len(expected["videos"]["results"])
        assert count("content_keyword") == len({k["id"] for k in expected["keywords"]["keywords"]})
        assert count("content_genre") == len(expected["genres"])

    # OMDb: every title with an IMDb id was asked once; ratings match the fake's answer
    for tmdb_id, imdb_id, status in rows(
        engine, "select tmdb_id, imdb_id, omdb_status from content where type = 'movie'"
    ):
        if imdb_id is None:
            assert status == "no_imdb_id"
            continue
        answer = catalogue.omdb(imdb_id)
        if answer.get("Response") == "False":
            assert status == "not_found"
            continue
        assert status == "found"
        got = rows(
            engine,
            "select r.source, r.value from content_rating r join content c on c.id = r.content_id"
            " where c.tmdb_id = :t and c.type = 'movie'",
            t=tmdb_id,
        )
        want = [
            (r["Source"], None if r["Value"] == "N/A" else r["Value"]) for r in answer["Ratings"]
        ]
        assert sorted(got) == sorted(want)

    log = rows(
        engine,
        "select year, month, is_completed, last_completed_page, total_pages, total_results"
        " from content_sync_log where type = 'movie'",
    )
    assert log == [(2024, 3, True, 4, 4, len(ids))]

    # request economy: one details request per movie, one per person, ledger == fake's count
    counts = endpoint_counts(fake_api)
    assert counts["movie/{id}"] == len(ids)
    assert counts["discover/movie"] == 4
    enriched = scalar(engine, "select count(*) from person where enriched_at is not null")
    principal = scalar(engine, "select count(*) from person where is_principal")
    assert counts["person/{id}"] == enriched == principal
    assert usage_total(engine) == fake_api.stats()["requests"]


def test_person_credited_in_many_movies_is_fetched_once(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    _sync_month(fake_api, sqlite_database_url, sqlite_engine)
    shared = rows(
        sqlite_engine,
        "select x.person_id from content_cast x join person p on p.id = x.person_id"
        " where p.enriched_at is not null group by x.person_id"
        " having count(distinct x.content_id) >= 3",
    )
    assert shared, "the catalogue should credit some enriched people in several movies"
    counts = endpoint_counts(fake_api)
    enriched = scalar(sqlite_engine, "select count(*) from person where enriched_at is not null")
    assert counts["person/{id}"] == enriched
    # a second run over the same month asks for nobody again
    fake_api.reset_stats()
    _sync_month(fake_api, sqlite_database_url, sqlite_engine)
    assert endpoint_counts(fake_api)["person/{id}"] == 0


def test_principal_policy_enriches_top_billed_cast_and_key_crew_only(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    _sync_month(fake_api, sqlite_database_url, sqlite_engine, principal_cast=5)
    enriched = {
        r[0] for r in rows(sqlite_engine, "select id from person where enriched_at is not null")
    }
    principal = {
        r[0] for r in rows(sqlite_engine, "select person_id from content_cast where cast_order < 5")
    }
    jobs = ",".join(f"'{job}'" for job in KEY_JOBS)
    principal |= {
        r[0]
        for r in rows(sqlite_engine, f"select person_id from content_crew where job in ({jobs})")
    }
    assert enriched == principal
    assert scalar(sqlite_engine, "select count(*) from person") > len(enriched)


def test_people_share_keeps_content_moving(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    settings = fake_settings(
        fake_api,
        sqlite_database_url,
        start="2024-03",
        end="2024-12",
        people="all",
        people_share=0.25,
        tmdb_daily_quota=200,
        movie_share=1.0,
    )
    run(settings, sqlite_engine, kinds=("movie",))
    counts = endpoint_counts(fake_api)
    total = usage_total(sqlite_engine, "tmdb")
    assert total == 200
    assert counts["person/{id}"] <= math.ceil(0.25 * total)
    assert counts["movie/{id}"] >= 100


def test_quota_spent_mid_page_finishes_the_page_next_day_without_refetching(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = fake_settings(
        fake_api, database_url, start="2024-03", end="2024-03", tmdb_daily_quota=24
    )
    day1, day2 = date(2026, 1, 1), date(2026, 1, 2)
    summary = run(settings, engine, kinds=("movie",), day=day1)
    assert summary.movie.stopped == "daily quota spent"
    usage = rows(
        engine,
        "select day, bucket, requests from api_usage where provider = 'tmdb' and requests > 0",
    )  # every reservation checks the day's total, so the TV row exists too, at 0
    assert [(str(d), b, n) for d, b, n in usage] == [(str(day1), "movie", 12)]
    assert scalar(engine, "select last_completed_page from content_sync_log") == 0
    stored_day1 = scalar(engine, "select count(*) from content")
    assert stored_day1 == 11  # 12 requests: one discover page, eleven movies
    first_day = endpoint_counts(fake_api)

    fake_api.reset_stats()
    run(settings, engine, kinds=("movie",), day=day2)
    second_day = endpoint_counts(fake_api)
    assert scalar(engine, "select last_completed_page from content_sync_log") >= 1
    page_one = fake_api.catalogue.month_ids("movie", *MONTH)[:20]
    stored = {r[0] for r in rows(engine, "select tmdb_id from content")}
    skipped = {r[0] for r in rows(engine, "select tmdb_id from skipped_title")}
    assert set(page_one) <= stored | skipped
    # every movie of page one was asked for exactly once over the two days
    asked = first_day["movie/{id}"] + second_day["movie/{id}"]
    assert asked == len(stored | skipped)
    assert usage_total(engine) == second_day.total() + first_day.total()


@pytest.mark.slow
def test_replaying_a_month_changes_nothing(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    _sync_month(fake_api, database_url, engine)
    before = canonical_dump(engine)
    with engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(
            text("update content_sync_log set last_completed_page = 0, is_completed = false")
        )
        connection.execute(text("update content set synced_at = null"))  # force re-fetch
    _sync_month(fake_api, database_url, engine)
    assert canonical_dump(engine) == before


@pytest.mark.slow
def test_recent_months_are_rescanned_daily_and_new_releases_picked_up(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    # "today" is in 2024-03: 2024-02 and 2024-03 are recent and re-scanned once a day
    settings = fake_settings(fake_api, database_url, start="2024-02", end="2024-03")
    run(settings, engine, kinds=("movie",), day=date(2024, 3, 20))
    first = set(r[0] for r in rows(engine, "select tmdb_id from content"))
    fake_api.drift("movie", 2024, 3, add=3)
    fake_api.reset_stats()
    run(settings, engine, kinds=("movie",), day=date(2024, 3, 20))
    assert endpoint_counts(fake_api)["discover/movie"] == 0  # same day: no re-scan
    run(settings, engine, kinds=("movie",), day=date(2024, 3, 21))
    counts = endpoint_counts(fake_api)
    assert counts["movie/{id}"] == 3
    assert counts["discover/movie"] == 4 + 4  # February's and March's pages, once each
    added = set(r[0] for r in rows(engine, "select tmdb_id from content")) - first
    assert added == set(fake_api.catalogue.month_ids("movie", 2024, 3)) - first - {
        r[0] for r in rows(engine, "select tmdb_id from skipped_title")
    }
    assert len(added) == 3
    assert rows(engine, "select count(*) from content_sync_log where is_completed") == [(2,)]
