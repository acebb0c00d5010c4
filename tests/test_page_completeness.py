"""A month completes only when its pages account for `total_results`.

January 2024 lists 49 movies on three pages (20, 20, 9). Discover answers scripted on the fake
(in request order: page 1, page 2, …) leave titles out while the totals stay the same: the page is
asked again, a shortfall that persists is noted and the month listed again, and none of its titles
is lost for good.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.reliability_support import RecordingFake, done_ids, expected_ids
from tests.sync_support import fake_settings, rows, run
from tmdbsync.fakeapi import ScriptedResponse
from tmdbsync.fakeapi.faults import empty_results, fewer_pages, short_results
from tmdbsync.settings import Settings

DAY = date(2024, 6, 1)  # January 2024 is an old month: no daily re-scan lists it again
DISCOVER = r"^/3/discover/movie$"
PAGES = 3
NORMAL = ScriptedResponse(status=200)


def quiet(fake: RecordingFake, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"people": "none", "omdb_api_key": None, "follow_changes": False}
    return fake_settings(fake, database_url, **values | overrides)


def discover_requests(fake: RecordingFake) -> int:
    return sum(fake.discover_pages().values())


def log_row(engine: Engine) -> tuple[Any, ...]:
    return rows(engine, "select is_completed, total_results, notes from content_sync_log")[0]


def all_stored(fake: RecordingFake, engine: Engine) -> bool:
    return done_ids(engine, "movie") == expected_ids(fake.catalogue, "movie", "2024-01", "2024-01")


def test_a_whole_listing_asks_each_page_once_the_short_last_page_included(
    fake: RecordingFake, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    run(quiet(fake, sqlite_database_url), sqlite_engine, kinds=("movie",), day=DAY)
    assert discover_requests(fake) == PAGES
    assert all_stored(fake, sqlite_engine)
    completed, total, notes = log_row(sqlite_engine)
    assert (completed, total, notes) == (1, 49, None)


@pytest.mark.parametrize("null", [False, True], ids=["empty", "null"])
def test_a_page_answered_empty_once_is_asked_again(
    fake: RecordingFake, sqlite_database_url: str, sqlite_engine: Engine, null: bool
) -> None:
    fake.script(DISCOVER, [NORMAL, empty_results(null=null)])
    run(quiet(fake, sqlite_database_url), sqlite_engine, kinds=("movie",), day=DAY)
    assert discover_requests(fake) == PAGES + 1
    assert fake.discover_pages()[("movie", "2024-01-01", "2024-01-31", "2")] == 2
    assert all_stored(fake, sqlite_engine)
    assert log_row(sqlite_engine)[:2] == (1, 49)


def test_a_page_that_stays_short_is_noted_and_the_month_listed_again(
    fake: RecordingFake, database_url: str, engine: Engine
) -> None:
    fake.script(DISCOVER, [NORMAL, *[short_results(5)] * 3])
    run(quiet(fake, database_url), engine, kinds=("movie",), day=DAY)
    assert all_stored(fake, engine), "the titles page 2 left out were reached by a re-listing"
    completed, total, notes = log_row(engine)
    assert (completed, total) == (1, 49)
    assert "page 2: listed 5 of 20 titles, asked 3 times" in notes
    assert "pages left out 15 of 49 titles: listing again" in notes
    # Two more asks of page 2; the re-listing, which found new titles, so one more to verify.
    assert discover_requests(fake) == PAGES + 2 + 2 * PAGES


def test_a_shortfall_that_never_ends_completes_noted_and_the_audit_lists_it_again(
    fake: RecordingFake, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    fake.stick(DISCOVER, empty_results())
    settings = quiet(fake, sqlite_database_url)
    summary = run(settings, sqlite_engine, kinds=("movie",), day=DAY)
    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
    completed, total, notes = log_row(sqlite_engine)
    assert completed == 1
    assert total == 0, "the total it completed with is what its pages accounted for"
    assert "pages still left out 49 of 49 titles after 4 listings" in notes
    assert rows(sqlite_engine, "select count(*) from content") == [(0,)]

    fake.clear_scripts()  # TMDb lists the month whole again; the next audit finds it
    run(settings, sqlite_engine, kinds=("movie",), day=DAY + timedelta(days=31))
    assert all_stored(fake, sqlite_engine)
    assert log_row(sqlite_engine)[:2] == (1, 49)


def test_total_pages_dropping_while_total_results_stays_skips_no_page(
    fake: RecordingFake, database_url: str, engine: Engine
) -> None:
    fake.script(DISCOVER, [NORMAL, fewer_pages(2)])
    run(quiet(fake, database_url), engine, kinds=("movie",), day=DAY)
    assert fake.discover_pages()[("movie", "2024-01-01", "2024-01-31", "3")] == 1
    assert all_stored(fake, engine)
    assert log_row(engine)[:2] == (1, 49)


@pytest.fixture
def fake(recording_fake: RecordingFake) -> RecordingFake:
    return recording_fake
