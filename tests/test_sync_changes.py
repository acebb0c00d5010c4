"""The change feeds keep stored titles and people fresh, in windows of up to 14 days."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from tests.sync_support import canonical_dump, endpoint_counts, fake_settings, rows, run
from tmdbsync.fakeapi import FakeApi, ScriptedResponse


def listing(ids: list[int]) -> ScriptedResponse:
    body = {
        "results": [{"id": i, "adult": False} for i in ids],
        "page": 1,
        "total_pages": 1,
        "total_results": len(ids),
    }
    return ScriptedResponse(status=200, body=body)


def windows(engine: Engine, kind: str) -> list[tuple[str, str, bool, int]]:
    found = rows(
        engine,
        "select day, end_day, is_completed, last_completed_page from content_change_log"
        " where type = :k order by day",
        k=kind,
    )
    return [(str(d), str(e), done, page) for d, e, done, page in found]


def test_changed_titles_we_hold_are_fetched_again_one_window_at_a_time(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = fake_settings(fake_api, database_url, start="2024-01", end="2024-01", people="none")
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 1))
    held = sorted(r[0] for r in rows(engine, "select tmdb_id from content"))
    before = canonical_dump(engine)

    changed = [*held[:5], held[-1] + 10_000_000]  # one id we do not hold
    fake_api.script(r"^/3/movie/changes", [listing(changed)])
    fake_api.reset_stats()
    summary = run(settings, engine, kinds=("movie",), day=date(2026, 2, 3))

    counts = endpoint_counts(fake_api)
    assert counts["movie/changes"] == 1  # 2026-02-01..02 in one listing
    assert counts["movie/{id}"] == summary.movie.refreshed == 5
    assert windows(engine, "movie") == [("2026-02-01", "2026-02-02", True, 1)]
    assert canonical_dump(engine) == before
    assert rows(engine, "select count(*) from title_queue") == [(0,)]

    # caught up: the same day asks the feed nothing more
    fake_api.reset_stats()
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 3))
    assert endpoint_counts(fake_api)["movie/changes"] == 0


def test_days_behind_are_caught_up_in_one_window_listing_them_together(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    settings = fake_settings(fake_api, sqlite_database_url, people="none")
    run(settings, sqlite_engine, kinds=("movie",), day=date(2026, 2, 1))
    fake_api.reset_stats()
    run(settings, sqlite_engine, kinds=("movie",), day=date(2026, 2, 14))

    # the fake, like TMDb, refuses a range over 14 days (HTTP 422): this one was accepted
    [(day, end, done, pages)] = windows(sqlite_engine, "movie")
    assert (day, end, done) == ("2026-02-01", "2026-02-13", True)
    assert endpoint_counts(fake_api)["movie/changes"] == pages > 1  # not 13 listings a page


def test_a_cursor_older_than_fourteen_days_is_reconciled_not_skipped_silently(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = fake_settings(fake_api, database_url, people="none")
    run(settings, engine, kinds=("movie",), day=date(2026, 1, 1))
    run(settings, engine, kinds=("movie",), day=date(2026, 1, 2))  # the feed starts
    held = rows(engine, "select count(*) from content where type = 'movie'")[0][0]
    assert held > 10

    small = fake_settings(fake_api, database_url, people="none", tmdb_daily_quota=10)
    run(small, engine, kinds=("movie",), day=date(2026, 3, 1))

    log = rows(
        engine, "select day, notes from content_change_log where type = 'movie' order by day"
    )
    jumped = [(str(day), notes) for day, notes in log if notes]
    assert jumped == [
        ("2026-02-15", "changes of 2026-01-02..2026-02-14 no longer served: reconciled")
    ]
    # every title is due for a refresh; today's 5 movie requests took the most popular first
    refreshed = rows(
        engine, "select tmdb_id from content where synced_at >= '2026-03-01' order by tmdb_id"
    )
    queued = rows(engine, "select count(*) from title_queue where type = 'movie'")[0][0]
    assert queued + len(refreshed) >= held
    top = rows(engine, "select tmdb_id from content where type = 'movie' order by popularity desc")
    assert refreshed
    assert set(refreshed) <= set(top[: len(refreshed) + 5])


def test_a_person_in_the_person_change_feed_is_fetched_again(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = fake_settings(fake_api, database_url, people="principal", principal_cast=2)
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 1))
    enriched = rows(engine, "select tmdb_id from person where enriched_at is not null order by id")
    assert enriched
    person = enriched[0][0]
    fake_api.script(r"^/3/movie/changes", [listing([])])
    fake_api.script(r"^/3/person/changes", [listing([person])])
    fake_api.reset_stats()

    run(settings, engine, kinds=("movie",), day=date(2026, 2, 3))

    assert endpoint_counts(fake_api)["person/changes"] == 1
    assert endpoint_counts(fake_api)["person/{id}"] == 1
    when = rows(engine, "select enriched_at from person where tmdb_id = :p", p=person)[0][0]
    assert str(when).startswith("2026-02-03")


def test_following_changes_can_be_turned_off(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    settings = fake_settings(
        fake_api, sqlite_database_url, start="2024-01", end="2024-01", follow_changes=False
    )
    run(settings, sqlite_engine, kinds=("movie",), day=date(2026, 2, 1))
    fake_api.reset_stats()
    run(settings, sqlite_engine, kinds=("movie",), day=date(2026, 2, 5))
    assert endpoint_counts(fake_api)["movie/changes"] == 0


def test_a_held_title_answering_404_on_a_refresh_is_marked_deleted_and_keeps_its_rows(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = fake_settings(fake_api, database_url, people="none")
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 1))
    target = rows(engine, "select tmdb_id from content order by tmdb_id")[0][0]
    cast = rows(engine, "select count(*) from content_cast")
    fake_api.script(r"^/3/movie/changes", [listing([target])])
    fake_api.script(rf"^/3/movie/{target}$", [ScriptedResponse(status=404)])

    run(settings, engine, kinds=("movie",), day=date(2026, 2, 3))

    marked = rows(engine, "select tmdb_id from content where deleted_at is not null")
    assert marked == [(target,)]
    assert rows(engine, "select count(*) from content_cast") == cast
