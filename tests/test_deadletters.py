"""Dead letters, not walls: an item that keeps failing is recorded and waits; an outage is not.

Over real HTTP against the bundled fake, with one item failing for ever (`FakeApi.stick`): its page
completes, it costs its retries once a UTC day at most, and it is tried again after a day, backing
off. When TMDb as a whole fails, nothing is recorded and the kind stops as before.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.reliability_support import RecordingFake
from tests.sync_support import fake_settings, rows, run
from tmdbsync.fakeapi import LangOpts
from tmdbsync.fakeapi.faults import dripping, failing, wrong_id
from tmdbsync.settings import Settings
from tmdbsync.sync.fetch import MOVIE_APPENDS, language_params

DAY = date(2024, 6, 1)  # January 2024 is an old month: no daily re-scan lists it again
RETRIES = 2  # fake_settings' TMDBSYNC_MAX_RETRIES: a failing request costs 3


def quiet(fake: RecordingFake, database_url: str, **overrides: Any) -> Settings:
    """January 2024's movies, nothing but TMDb titles unless asked for."""
    values: dict[str, Any] = {
        "people": "none",
        "omdb_api_key": None,
        "follow_changes": False,
    }
    return fake_settings(fake, database_url, **values | overrides)


def first_movie(fake: RecordingFake) -> int:
    return fake.catalogue.month_ids("movie", 2024, 1)[0]


def asked(fake: RecordingFake, path: str) -> int:
    return fake.paths().count(path)


def skipped(engine: Engine) -> list[tuple[Any, ...]]:
    return rows(engine, "select tmdb_id, reason_code, attempts from skipped_title order by tmdb_id")


def month_done(engine: Engine) -> list[tuple[Any, ...]]:
    return rows(engine, "select is_completed from content_sync_log where type = 'movie'")


def test_a_title_failing_on_every_try_completes_its_month_and_costs_its_retries_once_a_day(
    fake: RecordingFake, database_url: str, engine: Engine
) -> None:
    broken = first_movie(fake)
    fake.stick(rf"^/3/movie/{broken}$", failing(500))
    settings = quiet(fake, database_url)
    for _ in range(3):  # three runs on one UTC day
        summary = run(settings, engine, kinds=("movie",), day=DAY)
        assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
    assert skipped(engine) == [(broken, "server_error", 1)]
    assert month_done(engine) == [(1,)]
    stored = rows(engine, "select count(*) from content")[0][0]
    assert stored == len(fake.catalogue.month_ids("movie", 2024, 1)) - 1
    assert asked(fake, f"/3/movie/{broken}") == RETRIES + 1  # 1 × its retries, not 3 ×

    # The next day it is due (a server error may be fixed by then), then waits twice as long.
    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=1))
    assert skipped(engine) == [(broken, "server_error", 2)]
    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=2))
    assert asked(fake, f"/3/movie/{broken}") == 2 * (RETRIES + 1)
    fake.clear_scripts()
    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=3))
    assert skipped(engine) == []
    assert rows(engine, f"select count(*) from content where tmdb_id = {broken}") == [(1,)]


def test_a_lone_failing_title_is_told_from_an_outage_by_one_probe(
    fake: RecordingFake, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    """The retry step asks for one title alone: no other answer shows TMDb is up, so one cheap
    request does; when that fails too, it is an outage and nothing is recorded."""
    broken = first_movie(fake)
    fake.stick(rf"^/3/movie/{broken}$", failing(503))
    settings = quiet(fake, sqlite_database_url)
    run(settings, sqlite_engine, kinds=("movie",), day=DAY)
    fake.requests.clear()

    run(settings, sqlite_engine, kinds=("movie",), day=DAY + timedelta(days=1))
    assert skipped(sqlite_engine) == [(broken, "server_error", 2)]
    assert asked(fake, "/3/genre/movie/list") == 1
    assert asked(fake, f"/3/movie/{broken}") == RETRIES + 1

    fake.stick(r"^/3/genre/", failing(500))  # TMDb down: the probe fails too
    fake.requests.clear()
    summary = run(settings, sqlite_engine, kinds=("movie",), day=DAY + timedelta(days=3))
    assert summary.movie.failing, summary
    assert summary.movie.stopped.startswith("tmdb kept failing"), summary
    assert skipped(sqlite_engine) == [(broken, "server_error", 2)], "an outage is not recorded"


def test_tmdb_failing_every_title_is_an_outage_not_a_page_of_dead_letters(
    fake: RecordingFake, database_url: str, engine: Engine
) -> None:
    fake.stick(r"^/3/(movie/\d+|genre/)", failing(500))
    summary = run(quiet(fake, database_url), engine, kinds=("movie",), day=DAY)
    assert summary.movie.failing, summary
    assert summary.movie.stopped.startswith("tmdb kept failing"), summary
    assert skipped(engine) == []
    assert rows(engine, "select last_completed_page, is_completed from content_sync_log") == [
        (0, 0)
    ]
    assert summary.movie.pages == 0


def test_a_body_dripping_slower_than_the_timeout_is_dead_lettered_as_a_timeout(
    fake: RecordingFake, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    broken = first_movie(fake)
    fake.stick(rf"^/3/movie/{broken}$", dripping(3.0))
    settings = quiet(fake, sqlite_database_url, http_timeout=1, max_retries=1)
    summary = run(settings, sqlite_engine, kinds=("movie",), day=DAY)
    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
    assert skipped(sqlite_engine) == [(broken, "timeout", 1)]
    assert asked(fake, f"/3/movie/{broken}") == 2


def test_a_details_body_carrying_another_id_is_dead_lettered_never_stored_under_it(
    fake: RecordingFake, database_url: str, engine: Engine
) -> None:
    broken = first_movie(fake)
    other = 987_654_321
    fake.stick(rf"^/3/movie/{broken}$", wrong_id(other))
    summary = run(quiet(fake, database_url), engine, kinds=("movie",), day=DAY)
    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
    assert skipped(engine) == [(broken, "id_mismatch", 1)]
    assert rows(engine, f"select count(*) from content where tmdb_id in ({broken}, {other})") == [
        (0,)
    ]
    assert month_done(engine) == [(1,)]


def test_a_person_failing_on_every_try_is_dead_lettered_not_asked_on_every_drain(
    fake: RecordingFake, database_url: str, engine: Engine
) -> None:
    movie = fake.catalogue.movie(
        first_movie(fake), MOVIE_APPENDS, LangOpts(**language_params(None))
    )
    assert movie is not None
    person = movie["credits"]["cast"][0]["id"]  # billed first: principal
    fake.stick(rf"^/3/person/{person}$", failing(502))
    settings = quiet(fake, database_url, people="principal")
    for _ in range(2):
        summary = run(settings, engine, kinds=("movie",), day=DAY)
        assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
    dead = rows(engine, "select provider, type, tmdb_id, reason_code, attempts from dead_letter")
    assert dead == [("tmdb", "person", person, "server_error", 1)]
    assert rows(engine, f"select enriched_at from person where tmdb_id = {person}") == [(None,)]
    assert asked(fake, f"/3/person/{person}") == RETRIES + 1
    assert (
        rows(engine, "select count(*) from person where is_principal and enriched_at is null")[0][0]
        == 1
    ), "every other principal person was enriched"

    fake.clear_scripts()
    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=1))
    assert rows(engine, "select count(*) from dead_letter") == [(0,)]
    assert rows(engine, f"select enriched_at is not null from person where tmdb_id = {person}") == [
        (1,)
    ]


def test_a_trakt_title_failing_on_every_try_is_dead_lettered_and_trakt_goes_on(
    fake: RecordingFake, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    settings = quiet(
        fake,
        sqlite_database_url,
        trakt_client_id=fake.trakt_client_id,
        trakt_base_url=fake.trakt_url,
        trakt_daily_quota=0,
        trakt_rate_limit="1000/1s",
    )
    cores = [fake.catalogue.core("movie", i) for i in fake.catalogue.month_ids("movie", 2024, 1)]
    imdb_ids = [core.imdb_id for core in cores if core is not None and core.imdb_id]
    broken = imdb_ids[0]
    fake.stick(rf"^/trakt/movies/{broken}/stats$", failing(500))
    for _ in range(2):
        summary = run(settings, sqlite_engine, kinds=("movie",), day=DAY)
        assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
    dead = rows(sqlite_engine, "select provider, reason_code, attempts from dead_letter")
    assert dead == [("trakt", "server_error", 1)]
    assert rows(sqlite_engine, "select count(*) from content_trakt") == [(len(imdb_ids) - 1,)]
    assert fake.paths("trakt").count(f"/trakt/movies/{broken}/stats") == RETRIES + 1


@pytest.fixture
def fake(recording_fake: RecordingFake) -> RecordingFake:
    return recording_fake
