"""The change feed keeps stored titles fresh once every month up to TMDBSYNC_END is synced."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from tests.sync_support import canonical_dump, endpoint_counts, fake_settings, rows, run
from tmdbsync.fakeapi import FakeApi, ScriptedResponse


def test_changed_titles_we_hold_are_fetched_again_day_by_day(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = fake_settings(fake_api, database_url, start="2024-01", end="2024-01")
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 1))
    held = sorted(r[0] for r in rows(engine, "select tmdb_id from content"))
    before = canonical_dump(engine)

    changed = [*held[:5], held[-1] + 10_000_000]  # one id we do not hold
    body = {
        "results": [{"id": i, "adult": False} for i in changed],
        "page": 1,
        "total_pages": 1,
        "total_results": len(changed),
    }
    fake_api.script(r"^/3/movie/changes", [ScriptedResponse(status=200, body=body)])
    fake_api.reset_stats()
    summary = run(settings, engine, kinds=("movie",), day=date(2026, 2, 3))

    counts = endpoint_counts(fake_api)
    assert counts["movie/changes"] == 2  # 2026-02-01 and 2026-02-02, one page each
    assert counts["movie/{id}"] == summary.movie.refreshed >= 5
    log = rows(engine, "select day, is_completed, last_completed_page from content_change_log")
    assert [(str(d), done, page) for d, done, page in log] == [
        ("2026-02-01", True, 1),
        ("2026-02-02", True, 1),
    ]
    assert canonical_dump(engine) == before

    # caught up: the same day asks the feed nothing more
    fake_api.reset_stats()
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 3))
    assert endpoint_counts(fake_api)["movie/changes"] == 0


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
