"""Completed months are audited: titles TMDb adds later to an old month are found and stored.

Once every month up to TMDBSYNC_END is complete and the change feed is caught up, page 1 of the
completed month checked longest ago is listed again; a changed `total_results` reopens it.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from tests.conftest import HUGE_MONTH
from tests.sync_support import (
    canonical_dump,
    collect_instead_of_storing,
    endpoint_counts,
    fake_settings,
    rows,
    run,
)
from tmdbsync.db.models import ContentSyncWindow
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.catalogue import PAGE_SIZE
from tmdbsync.settings import Settings
from tmdbsync.status import collect_status
from tmdbsync.sync.context import Progress
from tmdbsync.tmdb import TmdbClient

DAY1 = date(2024, 6, 1)  # 2024-01..03 are old months: no daily re-scan of recent ones
LATER = DAY1 + timedelta(days=61)  # past the default 30 audit days


class Messages(Progress):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def message(self, text: str) -> None:
        self.lines.append(text)


def quiet_settings(fake: FakeApi, database_url: str, **overrides: Any) -> Settings:
    """Three months, no people, OMDb, change feed nor retries of skipped titles: every TMDb
    request is a page or a title."""
    values: dict[str, Any] = {
        "start": "2024-01",
        "end": "2024-03",
        "people": "none",
        "omdb_api_key": None,
        "follow_changes": False,
        "retry_skipped_days": 0,
    }
    return fake_settings(fake, database_url, **values | overrides)


def held(engine: Engine, kind: str = "movie") -> set[int]:
    return {r[0] for r in rows(engine, "select tmdb_id from content where type = :k", k=kind)}


def skipped(engine: Engine) -> set[int]:
    return {r[0] for r in rows(engine, "select tmdb_id from skipped_title")}


def tmdb_usage_on(engine: Engine, day: date) -> int:
    found = rows(
        engine,
        "select coalesce(sum(requests), 0) from api_usage where provider = 'tmdb' and day = :d",
        d=day,
    )
    return int(found[0][0])


def test_titles_added_to_an_old_month_are_found_and_stored(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = quiet_settings(fake_api, database_url)
    first = run(settings, engine, kinds=("movie",), day=DAY1)
    assert first.movie.probes == 0, "months just completed are not due"
    before = held(engine)
    fake_api.drift("movie", 2024, 1, add=3)
    january = fake_api.catalogue.month_ids("movie", 2024, 1)
    added = set(january) - before - skipped(engine)
    assert len(added) == 3

    fake_api.reset_stats()
    messages = Messages()
    summary = run(settings, engine, kinds=("movie",), day=LATER, progress=messages)

    counts = endpoint_counts(fake_api)
    rescan = math.ceil(len(january) / PAGE_SIZE)
    assert (summary.movie.probes, summary.movie.reopened) == (3, 1)
    assert counts["discover/movie"] == 3 + rescan  # a probe per month, January's pages again
    assert counts["movie/{id}"] == len(added)  # only the new titles
    assert fake_api.stats()["tmdb"] == 3 + rescan + len(added) == tmdb_usage_on(engine, LATER)
    assert held(engine) == before | added
    assert [line for line in messages.lines if "audit" in line] == [
        f"movie 2024-01: audit lists {len(january)} titles, {len(january) - 3} when completed: "
        "re-scanning 2024-01"
    ]
    log = rows(
        engine,
        "select month, is_completed, total_results, notes from content_sync_log order by month",
    )
    assert [(m, done, total) for m, done, total, _ in log] == [
        (1, True, len(january)),
        (2, True, len(fake_api.catalogue.month_ids("movie", 2024, 2))),
        (3, True, len(fake_api.catalogue.month_ids("movie", 2024, 3))),
    ]
    assert "audit listed" in (log[0][3] or "")

    # every month was checked today (January by its re-scan): the same day asks nothing more
    fake_api.reset_stats()
    again = run(settings, engine, kinds=("movie",), day=LATER)
    assert again.movie.probes == 0
    assert fake_api.stats()["tmdb"] == 0


def test_without_drift_each_month_is_probed_once_and_nothing_changes(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = quiet_settings(fake_api, database_url)
    run(settings, engine, day=DAY1)
    before = canonical_dump(engine)
    log_sql = (
        "select type, year, month, notes, last_synced_at from content_sync_log"
        " order by type, year, month"
    )
    log_before = rows(engine, log_sql)

    fake_api.reset_stats()
    summary = run(settings, engine, day=LATER)
    counts = endpoint_counts(fake_api)
    assert (summary.movie.probes, summary.tv.probes) == (3, 3)
    assert (summary.movie.reopened, summary.tv.reopened) == (0, 0)
    assert (counts["discover/movie"], counts["discover/tv"]) == (3, 3)
    assert fake_api.stats()["tmdb"] == 6 == tmdb_usage_on(engine, LATER)
    assert canonical_dump(engine) == before
    assert rows(engine, log_sql) == log_before
    stamped = {r[0] for r in rows(engine, "select audited_at from content_sync_log")}
    assert len(stamped) == 1
    assert stamped.pop() is not None
    report = collect_status(settings, engine, months=True)["sync_log"]
    assert report, "status shows the audit"
    assert all(row["audited_at"] for row in report), "status shows the audit"

    # audited_at is respected: nothing is due again for TMDBSYNC_AUDIT_DAYS
    for days, probes in ((0, 0), (29, 0), (30, 3)):
        fake_api.reset_stats()
        summary = run(settings, engine, day=LATER + timedelta(days=days))
        assert (summary.movie.probes, summary.tv.probes) == (probes, probes), days
        assert fake_api.stats()["tmdb"] == 2 * probes, days


def test_audit_days_zero_turns_the_audit_off(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = quiet_settings(fake_api, database_url, audit_days=0)
    run(settings, engine, kinds=("movie",), day=DAY1)
    fake_api.drift("movie", 2024, 1, add=3)
    fake_api.reset_stats()
    summary = run(settings, engine, kinds=("movie",), day=LATER)
    assert summary.movie.probes == 0
    assert fake_api.stats()["tmdb"] == 0
    assert rows(engine, "select count(*) from content_sync_log where audited_at is not null") == [
        (0,)
    ]


def test_audit_waits_for_open_months_and_the_change_feed(
    fake_api: FakeApi, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(quiet_settings(fake_api, database_url), engine, kinds=("movie",), day=DAY1)
    calls: list[tuple[str, date, int]] = []
    discover, changes = TmdbClient.discover, TmdbClient.changes

    async def record_discover(
        self: TmdbClient, kind: Any, gte: date, lte: date, page: int, **kw: Any
    ) -> Any:
        calls.append(("discover", gte, page))
        return await discover(self, kind, gte, lte, page, **kw)

    async def record_changes(
        self: TmdbClient, kind: Any, start: date, end: date, page: int, **kw: Any
    ) -> Any:
        calls.append(("changes", start, page))
        return await changes(self, kind, start, end, page, **kw)

    monkeypatch.setattr(TmdbClient, "discover", record_discover)
    monkeypatch.setattr(TmdbClient, "changes", record_changes)
    later = DAY1 + timedelta(days=31)
    settings = quiet_settings(fake_api, database_url, end="2024-04", follow_changes=True)
    summary = run(settings, engine, kinds=("movie",), day=later)

    april = math.ceil(len(fake_api.catalogue.month_ids("movie", 2024, 4)) / PAGE_SIZE)
    feed = sum(1 for name, _, _ in calls if name == "changes")
    assert feed >= math.ceil(31 / 14)  # DAY1 up to yesterday in windows of up to 14 days
    assert [name for name, _, _ in calls] == ["discover"] * april + ["changes"] * feed + [
        "discover"
    ] * 3
    assert calls[:april] == [("discover", date(2024, 4, 1), p) for p in range(1, april + 1)]
    assert calls[-3:] == [("discover", date(2024, m, 1), 1) for m in (1, 2, 3)]
    assert summary.movie.probes == 3  # April was just listed in full: not due


@pytest.mark.slow
def test_a_split_month_is_probed_and_reopened_window_by_window(
    fake_api: FakeApi, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10,500 titles in January 2001 are paged in two windows; a new title reopens only its own.

    As in the window-splitting test of test_reliability_drift, titles are only collected.
    """
    reached = collect_instead_of_storing(monkeypatch)
    kind, year, month = HUGE_MONTH
    month_text = f"{year:04d}-{month:02d}"
    settings = quiet_settings(fake_api, database_url, start=month_text, end=month_text)
    run(settings, engine, kinds=("movie",), day=DAY1)
    with engine.connect() as connection:
        windows = connection.execute(select(ContentSyncWindow)).all()
    assert len(windows) == 2
    assert all(w.is_completed for w in windows)
    before = set(fake_api.catalogue.month_ids(kind, year, month))
    fake_api.drift(kind, year, month, add=1)
    added = set(fake_api.catalogue.month_ids(kind, year, month)) - before
    now = {w.gte: fake_api.catalogue.window_ids(kind, w.gte, w.lte) for w in windows}
    changed = [w for w in windows if len(now[w.gte]) != w.total_results]
    assert len(changed) == 1, "a new title is in one window"

    reached.clear()
    fake_api.reset_stats()
    summary = run(settings, engine, kinds=("movie",), day=LATER)

    rescan = math.ceil(len(now[changed[0].gte]) / PAGE_SIZE)
    assert (summary.movie.probes, summary.movie.reopened) == (2, 1)
    assert endpoint_counts(fake_api)["discover/movie"] == 2 + rescan
    assert set(reached) == set(now[changed[0].gte]) >= added  # the other window was not listed
    with engine.connect() as connection:
        after = connection.execute(select(ContentSyncWindow)).all()
        total = connection.execute(text("select total_results from content_sync_log")).scalar()
    assert all(w.is_completed for w in after)
    assert total == len(before) + len(added)


def test_a_month_completed_before_windows_existed_is_audited_too(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = quiet_settings(fake_api, database_url, end="2024-01")
    run(settings, engine, kinds=("movie",), day=DAY1)
    with engine.begin() as connection:
        connection.execute(text("delete from content_sync_window"))
    before = held(engine)
    fake_api.drift("movie", 2024, 1, add=2)
    january = fake_api.catalogue.month_ids("movie", 2024, 1)
    added = set(january) - before - skipped(engine)

    fake_api.reset_stats()
    summary = run(settings, engine, kinds=("movie",), day=LATER)
    counts = endpoint_counts(fake_api)
    assert (summary.movie.probes, summary.movie.reopened) == (1, 1)
    assert counts["discover/movie"] == 1 + math.ceil(len(january) / PAGE_SIZE)
    assert counts["movie/{id}"] == len(added) == 2
    assert held(engine) == before | added
    assert rows(engine, "select is_completed, total_results from content_sync_log") == [
        (True, len(january))
    ]
