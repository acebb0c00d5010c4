"""Trakt enrichment (the seed's Future Enhancements): community ratings and watch statistics."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from tests.sync_support import endpoint_counts, fake_settings, rows, run, usage_total
from tmdbsync.errors import AuthError
from tmdbsync.fakeapi import FakeApi, ScriptedResponse
from tmdbsync.settings import Settings


def _settings(fake: FakeApi, url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "start": "2024-03",
        "end": "2024-03",
        "trakt_client_id": fake.trakt_client_id,
        "trakt_base_url": fake.trakt_url,
        "trakt_daily_quota": 0,
        "trakt_rate_limit": "1000/1s",
    }
    return fake_settings(fake, url, **(values | overrides))


@pytest.mark.slow
def test_every_title_with_an_imdb_id_gets_trakt_numbers_once(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    run(_settings(fake_api, database_url), engine, kinds=("movie",))
    catalogue = fake_api.catalogue
    titles = rows(engine, "select id, imdb_id from content where imdb_id is not null")
    stored = {
        r[0]: r[1:]
        for r in rows(
            engine,
            "select content_id, status, rating, votes, distribution, watchers, plays"
            " from content_trakt",
        )
    }
    assert set(stored) == {content_id for content_id, _ in titles}
    found = 0
    for content_id, imdb_id in titles:
        status, rating, votes, distribution, watchers, plays = stored[content_id]
        want_ratings = catalogue.trakt("movie", imdb_id, "ratings")
        want_stats = catalogue.trakt("movie", imdb_id, "stats")
        if want_ratings is None:
            assert status == "not_found"
            assert rating is None
            assert watchers is None
            continue
        found += 1
        assert want_stats is not None
        assert status == "found"
        assert rating == pytest.approx(want_ratings["rating"])
        assert votes == want_ratings["votes"]
        assert json.loads(distribution) == want_ratings["distribution"]
        assert (watchers, plays) == (want_stats["watchers"], want_stats["plays"])
    assert found
    assert found < len(titles)  # some titles Trakt does not know
    counts = endpoint_counts(fake_api)
    assert counts["trakt/movies/{id}/ratings"] == counts["trakt/movies/{id}/stats"] == len(titles)
    assert usage_total(engine, "trakt") == fake_api.stats()["trakt"] == 2 * len(titles)

    fake_api.reset_stats()
    run(_settings(fake_api, database_url), engine, kinds=("movie",))
    assert fake_api.stats()["trakt"] == 0  # asked once, ever


def test_a_rejected_trakt_client_id_is_fatal(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    settings = _settings(fake_api, sqlite_database_url, trakt_client_id="not-the-id")
    with pytest.raises(AuthError) as raised:
        run(settings, sqlite_engine, kinds=("movie",))
    assert "not-the-id" not in str(raised.value)
    assert "403" in str(raised.value)


def test_trakt_quota_spent_pauses_trakt_only(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    settings = _settings(fake_api, sqlite_database_url, trakt_daily_quota=10, movie_share=1.0)
    summary = run(settings, sqlite_engine, kinds=("movie",))
    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete"
    assert usage_total(sqlite_engine, "trakt") == 10
    assert rows(sqlite_engine, "select count(*) from content_trakt") == [(5,)]


@pytest.mark.slow
def test_trakt_refusing_one_title_marks_it_and_goes_on(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    fake_api.script(r"^/trakt/movies/[^/]+/ratings$", [ScriptedResponse(status=400)])
    summary = run(_settings(fake_api, database_url), engine, kinds=("movie",))
    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
    statuses = dict(rows(engine, "select status, count(*) from content_trakt group by status"))
    dead = rows(engine, "select provider, type, reason_code, attempts from dead_letter")
    assert dead == [("trakt", "movie", "rejected", 1)], dead
    titles = rows(engine, "select count(*) from content where imdb_id is not null")[0][0]
    assert sum(statuses.values()) == titles - 1, "every other title got its Trakt numbers"
