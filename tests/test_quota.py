"""The daily ledger on SQLite and PostgreSQL: shares, exhaustion, concurrency, rollover, lending."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine

from tmdbsync.db.engine import make_engine
from tmdbsync.errors import QuotaExhausted
from tmdbsync.kinds import Bucket
from tmdbsync.quota import QuotaLedger

DAY = date(2024, 3, 1)


def fixed(day: date) -> Callable[[], date]:
    return lambda: day


def spend(ledger: QuotaLedger, bucket: Bucket, *, borrow: bool = False) -> int:
    """Reserve until refused; how many reservations succeeded."""
    count = 0
    while True:
        try:
            ledger.reserve(bucket, borrow=borrow)
        except QuotaExhausted:
            return count
        count += 1


@pytest.mark.parametrize(
    ("quota", "share", "movie", "tv"),
    [(10, 0.5, 5, 5), (11, 0.5, 5, 6), (10, 0.7, 7, 3), (3, 0.0, 0, 3), (3, 1.0, 3, 0)],
)
def test_split_between_buckets(
    engine: Engine, quota: int, share: float, movie: int, tv: int
) -> None:
    ledger = QuotaLedger(engine, "tmdb", quota, share, today=fixed(DAY))
    assert (ledger.limit("movie"), ledger.limit("tv")) == (movie, tv)
    assert spend(ledger, "movie") == movie
    assert spend(ledger, "tv") == tv
    assert ledger.usage() == {"movie": movie, "tv": tv}
    assert ledger.remaining("movie") == ledger.remaining("tv") == 0


def test_exhaustion_names_provider_and_bucket(engine: Engine) -> None:
    ledger = QuotaLedger(engine, "omdb", 2, 0.5, today=fixed(DAY))
    ledger.reserve("tv")
    with pytest.raises(QuotaExhausted) as raised:
        ledger.reserve("tv")
    assert (raised.value.provider, raised.value.bucket) == ("omdb", "tv")
    assert ledger.used("tv") == 1, "a refused reservation is not counted"
    assert ledger.used("tv", DAY) == 1


def test_providers_are_counted_apart(engine: Engine) -> None:
    tmdb = QuotaLedger(engine, "tmdb", 2, 0.5, today=fixed(DAY))
    omdb = QuotaLedger(engine, "omdb", 2, 0.5, today=fixed(DAY))
    tmdb.reserve("movie")
    assert omdb.used("movie") == 0
    omdb.reserve("movie")
    assert tmdb.used("movie") == 1


def test_zero_means_unlimited_but_counted(engine: Engine) -> None:
    ledger = QuotaLedger(engine, "tmdb", 0, 0.5, today=fixed(DAY))
    assert ledger.limit("movie") is None
    assert ledger.remaining("tv") is None
    for _ in range(25):
        ledger.reserve("movie")
    assert ledger.usage() == {"movie": 25, "tv": 0}


def test_threads_never_overspend(engine: Engine) -> None:
    quota, threads, attempts = 40, 8, 12
    ledger = QuotaLedger(engine, "tmdb", quota, 0.5, today=fixed(DAY))
    granted: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        ok = 0
        for _ in range(attempts):
            try:
                ledger.reserve("movie")
                ok += 1
            except QuotaExhausted:
                pass
        with lock:
            granted.append(ok)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert sum(granted) == ledger.used("movie") == 20


def test_two_engines_share_one_quota(engine: Engine) -> None:
    """Two syncs at once (each with its own engine, as two processes would) split the quota."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        ledgers = [QuotaLedger(e, "tmdb", 30, 0.5, today=fixed(DAY)) for e in (engine, other)]
        granted = [0, 0]

        def worker(index: int) -> None:
            granted[index] = spend(ledgers[index], "tv")

        pool = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        assert sum(granted) == ledgers[1].used("tv") == 15
    finally:
        other.dispose()


def test_utc_day_rollover_starts_fresh(engine: Engine) -> None:
    current = [DAY]
    ledger = QuotaLedger(engine, "tmdb", 2, 0.5, today=lambda: current[0])
    ledger.reserve("movie")
    with pytest.raises(QuotaExhausted):
        ledger.reserve("movie")
    current[0] = date(2024, 3, 2)
    ledger.reserve("movie")
    assert ledger.usage() == {"movie": 1, "tv": 0}
    assert ledger.usage(DAY) == {"movie": 1, "tv": 0}


def test_borrow_needs_lending(engine: Engine) -> None:
    strict = QuotaLedger(engine, "tmdb", 10, 0.5, today=fixed(DAY))
    assert spend(strict, "movie", borrow=True) == 5, "borrow is ignored without lend"

    lending = QuotaLedger(engine, "tmdb", 10, 0.5, lend=True, today=fixed(DAY))
    assert spend(lending, "movie") == 0, "without borrow the share still applies"
    lending.reserve("tv")
    assert spend(lending, "movie", borrow=True) == 4, "the day's total stays within the quota"
    assert lending.usage() == {"movie": 9, "tv": 1}
    assert spend(lending, "tv") == 0, "what was lent is gone for the lender"


def test_concurrent_borrowing_keeps_the_total(engine: Engine) -> None:
    quota = 24
    ledger = QuotaLedger(engine, "tmdb", quota, 0.5, lend=True, today=fixed(DAY))
    granted: dict[str, int] = {}

    def worker(bucket: Bucket, borrow: bool, name: str) -> None:
        granted[name] = spend(ledger, bucket, borrow=borrow)

    pool = [
        threading.Thread(target=worker, args=(bucket, borrow, f"{bucket}{i}"))
        for i, (bucket, borrow) in enumerate([("movie", True), ("tv", False)] * 3)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    usage = ledger.usage()
    assert sum(granted.values()) == sum(usage.values()) == quota
    assert usage["tv"] <= 12


def test_leased_slots_are_taken_in_memory_and_given_back(engine: Engine) -> None:
    ledger = QuotaLedger(engine, "tmdb", 100, 0.5, today=fixed(DAY), lease=4)
    assert not ledger.reserve_leased("movie"), "nothing leased before the first reservation"
    ledger.reserve("movie")  # one used, three reserved ahead
    assert ledger.used("movie") == 4
    assert [ledger.reserve_leased("movie") for _ in range(4)] == [True, True, True, False]
    assert not ledger.reserve_leased("tv"), "a lease belongs to its bucket"
    ledger.reserve("movie")
    ledger.release()
    assert ledger.used("movie") == 5, "the unused lease went back"


def test_a_lease_from_yesterday_is_not_spent_today(engine: Engine) -> None:
    today = [DAY]
    ledger = QuotaLedger(engine, "tmdb", 100, 0.5, today=lambda: today[0], lease=4)
    ledger.reserve("movie")
    assert ledger.reserve_leased("movie")
    today[0] = date(2024, 3, 2)
    assert not ledger.reserve_leased("movie")
