"""The daily quota is a hard ceiling per provider and day, whatever the shares were that day.

Repro of the bug: a movies-only run at share 1.0, then a TV-only run at share 0.0, on a quota of
100, sent 200 requests (each run checked only its bucket's share).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from tests.sync_support import fake_settings, run, usage_total
from tests.test_quota import fixed, spend
from tmdbsync.fakeapi import FakeApi
from tmdbsync.quota import QuotaLedger

DAY = date(2024, 3, 1)


def test_a_later_share_cannot_spend_what_an_earlier_one_used(engine: Engine) -> None:
    movies_only = QuotaLedger(engine, "tmdb", 100, 1.0, today=fixed(DAY))
    assert spend(movies_only, "movie") == 100
    tv_only = QuotaLedger(engine, "tmdb", 100, 0.0, today=fixed(DAY))
    assert tv_only.remaining("tv") == 0
    assert spend(tv_only, "tv") == 0
    assert sum(tv_only.usage().values()) == 100


def test_the_share_still_caps_each_bucket_within_the_ceiling(engine: Engine) -> None:
    first = QuotaLedger(engine, "tmdb", 100, 0.7, today=fixed(DAY))
    assert spend(first, "tv") == 30
    second = QuotaLedger(engine, "tmdb", 100, 0.2, today=fixed(DAY))
    assert second.remaining("movie") == 20
    assert spend(second, "movie") == 20
    third = QuotaLedger(engine, "tmdb", 100, 0.9, today=fixed(DAY))
    assert third.remaining("movie") == 50, "its share allows 70 more, the day only 50"
    assert spend(third, "movie") == 50
    assert sum(third.usage().values()) == 100


@pytest.mark.parametrize("lease", [1, 3])
def test_leases_never_pass_the_ceiling(engine: Engine, lease: int) -> None:
    early = QuotaLedger(engine, "tmdb", 10, 1.0, today=fixed(DAY), lease=lease)
    assert spend(early, "movie") == 10
    early.release()
    late = QuotaLedger(engine, "tmdb", 10, 0.0, today=fixed(DAY), lease=lease)
    assert spend(late, "tv") == 0
    late.release()
    assert sum(late.usage().values()) == 10


def test_two_runs_with_different_shares_on_one_day_send_at_most_the_quota(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    quota = 100
    base = {"start": "2024-01", "end": "2024-02", "tmdb_daily_quota": quota, "people": "none"}
    movies = fake_settings(fake_api, database_url, movie_share=1.0, **base)
    run(movies, engine, kinds=("movie",), day=DAY)
    assert usage_total(engine, "tmdb") == quota
    tv = fake_settings(fake_api, database_url, movie_share=0.0, **base)
    summary = run(tv, engine, kinds=("tv",), day=DAY)
    assert summary.tv.stopped == "daily quota spent", summary
    assert usage_total(engine, "tmdb") == quota
    assert fake_api.stats()["tmdb"] == quota
