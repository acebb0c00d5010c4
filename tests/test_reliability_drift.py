"""Discover drift and TMDb's 500-page cap: no title of a month is ever skipped.

Titles added to or removed from a month between two days of paging shift the others across page
boundaries. A changed `total_results` restarts the month; equal totals (as many added as removed)
are caught by listing a scan that spanned runs once more. A month listing more than 500 pages is
split into smaller date windows until every window fits.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.conftest import HUGE_MONTH
from tests.reliability_support import (
    RecordingFake,
    done_ids,
    log_ahead_of_data,
    settings_for,
    sync_in_process,
)
from tests.sync_support import collect_instead_of_storing
from tmdbsync.db.models import ContentSyncLog, ContentSyncWindow
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.catalogue import PAGE_SIZE
from tmdbsync.sync.paging import TMDB_MAX_PAGE

MONTH = (2024, 3)  # 73 movies at scale 1: four pages
TEXT = "2024-03"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def log_row(engine: Engine) -> Any:
    with engine.connect() as connection:
        return connection.execute(select(ContentSyncLog)).one()


def two_days(fake: FakeApi, engine: Engine, add: int, remove: int) -> tuple[list[int], list[int]]:
    """Day one syncs two pages; the month drifts; day two finishes. Returns ids before, after."""
    settings = settings_for(fake, url_of(engine), TEXT, TEXT, people="none")
    before = fake.catalogue.month_ids("movie", *MONTH)
    sync_in_process(settings, engine, kinds=("movie",), max_pages=2)
    assert log_row(engine).last_completed_page == 2
    fake.drift("movie", *MONTH, add=add, remove=remove)
    after = fake.catalogue.month_ids("movie", *MONTH)
    sync_in_process(settings, engine, kinds=("movie",))
    assert log_row(engine).is_completed
    assert not log_ahead_of_data(engine, fake.catalogue)
    return before, after


def naive_misses(before: list[int], after: list[int], pages_done: int = 2) -> set[int]:
    """Titles a scan that simply went on at page 3 would never see."""
    return set(after[: pages_done * PAGE_SIZE]) - set(before[: pages_done * PAGE_SIZE])


@pytest.mark.parametrize(("add", "remove"), [(5, 0), (0, 5)], ids=["added", "removed"])
def test_changed_total_restarts_the_month(
    fake_api: FakeApi, engine: Engine, add: int, remove: int
) -> None:
    before, after = two_days(fake_api, engine, add, remove)
    assert len(after) == len(before) + add - remove
    assert naive_misses(before, after), "the drift must shift titles onto done pages"
    assert set(after) <= done_ids(engine, "movie")
    assert "re-scanning from page 1" in (log_row(engine).notes or "")


def test_as_many_added_as_removed_is_caught_by_listing_again(
    fake_api: FakeApi, engine: Engine
) -> None:
    before, after = two_days(fake_api, engine, add=4, remove=4)
    assert len(after) == len(before), "equal totals: the restart on a changed total cannot fire"
    missed = naive_misses(before, after)
    assert missed, "the drift must shift titles onto done pages"
    assert set(after) <= done_ids(engine, "movie"), (
        f"never stored: {missed - done_ids(engine, 'movie')}"
    )
    row = log_row(engine)
    assert "listing again to verify" in (row.notes or "")
    assert (row.last_completed_page, row.total_pages) == (4, 4)


def test_a_scan_within_one_run_is_not_listed_twice(tmp_path: Any) -> None:
    with RecordingFake(seed=42) as fake:
        url = f"sqlite:///{tmp_path / 'once.db'}"
        from tmdbsync.db.engine import make_engine, upgrade

        engine = make_engine(url)
        upgrade(engine)
        sync_in_process(
            settings_for(fake, url, TEXT, TEXT, people="none"), engine, kinds=("movie",)
        )
        assert sorted(fake.discover_pages().values()) == [1, 1, 1, 1]
        engine.dispose()


@pytest.mark.slow
def test_month_over_500_pages_is_split_until_every_title_is_reached(
    fake_api: FakeApi, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10,500 titles in January 2001: 525 pages, so two windows of about 260 pages each.

    Fetching 10,500 titles is the store's business (tested elsewhere); here each page's titles
    are only collected, so the test is about reaching them.
    """
    reached = collect_instead_of_storing(monkeypatch)
    kind, year, month = HUGE_MONTH
    month_text = f"{year:04d}-{month:02d}"
    expected = fake_api.catalogue.month_ids(kind, year, month)
    assert len(expected) > TMDB_MAX_PAGE * PAGE_SIZE
    settings = settings_for(
        fake_api, url_of(engine), month_text, month_text, people="none", omdb_api_key=None
    )
    summary = sync_in_process(settings, engine, kinds=("movie",))

    assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete"
    assert set(reached) == set(expected)
    assert fake_api.stats()["by_status"].keys() == {"200"}, "no page past 500 was asked for"
    with engine.connect() as connection:
        windows = connection.execute(select(ContentSyncWindow)).all()
    assert len(windows) >= 2
    assert all(w.is_completed for w in windows)
    assert all(w.total_pages is not None and w.total_pages <= TMDB_MAX_PAGE for w in windows)
    days = sorted((w.gte, w.lte) for w in windows)
    assert days[0][0].day == 1
    assert days[-1][1].day == 31
    assert all(a[1].toordinal() + 1 == b[0].toordinal() for a, b in pairwise(days))
    row = log_row(engine)
    assert row.is_completed
    assert row.last_completed_page == row.total_pages == sum(w.total_pages for w in windows)
    assert row.total_results == len(expected)
    assert "split at" in (row.notes or "")
