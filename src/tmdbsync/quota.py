"""The persistent daily request ledger (`api_usage`).

A request is counted in its own committed transaction *before* it is sent, so a crash can only
over-count by the requests in flight (and the few reserved ahead, see `QuotaLedger`), never
under-count; the conditional increment makes the check and the count one atomic step, so several
processes sharing a database never overspend. The provider's daily quota is a hard ceiling on the
day's total whatever the shares were on earlier runs that day; a bucket's share caps within it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from tmdbsync.db.tables import api_usage, insert
from tmdbsync.errors import QuotaExhausted
from tmdbsync.kinds import KINDS, Bucket

if TYPE_CHECKING:
    from tmdbsync.settings import Settings

USAGE = api_usage.c


def lease_size(concurrency: int) -> int:
    """Requests reserved per commit at high rates: a quarter of the concurrency, so the two
    buckets together never hold half of it reserved and unsent; a kill then over-counts the
    requests in flight plus fewer than concurrency / 2."""
    return max(1, concurrency // 4)


def utc_today() -> date:
    """The quota day: TMDb and OMDb count per UTC day, whatever the local time zone."""
    return datetime.now(UTC).date()


class QuotaLedger:
    """One provider's daily quota, split between the movie and TV buckets."""

    def __init__(
        self,
        engine: Engine,
        provider: str,
        daily_quota: int,
        movie_share: float,
        *,
        lend: bool = False,
        today: Callable[[], date] = utc_today,
        lease: int = 1,
    ) -> None:
        if daily_quota < 0 or not 0.0 <= movie_share <= 1.0:
            raise ValueError("daily_quota must be >= 0 and movie_share within [0, 1]")
        self.engine = engine
        self.provider = provider
        self.daily_quota = daily_quota
        self.movie_share = movie_share
        self.lend = lend
        self.today = today
        self.borrowing: set[Bucket] = set()
        # Reserving `lease` requests per transaction saves a commit per request at high rates;
        # unused ones are given back by release(). A crash over-counts them (at most lease - 1
        # per bucket) besides the requests in flight, never under-counts.
        self.lease = max(1, lease)
        self._leased: dict[Bucket, int] = {}
        self._leased_day: date | None = None
        self._lock = threading.Lock()

    def lend_to(self, bucket: Bucket) -> None:
        """Let `bucket` use the other bucket's unused share (it has nothing left to sync)."""
        if self.lend:
            self.borrowing.add(bucket)

    def __repr__(self) -> str:
        return f"QuotaLedger(provider={self.provider!r}, daily_quota={self.daily_quota})"

    def limit(self, bucket: Bucket) -> int | None:
        """The bucket's share of the day; None when the quota is unlimited."""
        if self.daily_quota == 0:
            return None
        movie = math.floor(self.daily_quota * self.movie_share)
        return movie if bucket == "movie" else self.daily_quota - movie

    def used(self, bucket: Bucket, day: date | None = None) -> int:
        return self.usage(day).get(bucket, 0)

    def remaining(self, bucket: Bucket) -> int | None:
        """What the bucket's own share still allows today (borrowing not included), within what
        is left of the provider's daily quota."""
        limit = self.limit(bucket)
        if limit is None:
            return None
        unused = self._leased.get(bucket, 0) if self._leased_day == self.today() else 0
        usage = self.usage()
        left = min(limit - usage[bucket], self.daily_quota - sum(usage.values()))
        return max(0, left) + unused

    def usage(self, day: date | None = None) -> dict[str, int]:
        """Requests per bucket on `day` (today by default), 0 for a bucket not used that day."""
        query = select(USAGE.bucket, USAGE.requests).where(
            USAGE.provider == self.provider, USAGE.day == (day or self.today())
        )
        none: dict[str, int] = dict.fromkeys(KINDS, 0)
        with self.engine.connect() as connection:
            return none | dict(connection.execute(query).tuples().all())

    def reserve(self, bucket: Bucket, *, borrow: bool = False) -> None:
        """Count one request against today's quota, or raise QuotaExhausted without counting.

        `borrow` (honoured only when the ledger lends) lets the bucket pass its share as long as
        the provider's total for the day stays under the daily quota.
        """
        day = self.today()
        with self._lock:
            if self._leased_day != day:
                self._give_back()
            if self._leased.get(bucket, 0) > 0:
                self._leased[bucket] -= 1
                return
            for count in sorted({self.lease, 1}, reverse=True):
                if self._take(day, bucket, count, borrow or bucket in self.borrowing):
                    self._leased[bucket] = count - 1
                    self._leased_day = day
                    return
        raise QuotaExhausted(self.provider, bucket)

    def reserve_leased(self, bucket: Bucket) -> bool:
        """Count a request against what was reserved ahead, without the database.

        False when nothing is left of it, or another thread is reserving right now: then
        `reserve` does the work. Never blocks, so the event loop may call it.
        """
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self._leased_day != self.today() or self._leased.get(bucket, 0) <= 0:
                return False
            self._leased[bucket] -= 1
            return True
        finally:
            self._lock.release()

    def release(self) -> None:
        """Give back requests reserved ahead and not sent (end of a run)."""
        with self._lock:
            self._give_back()

    def _give_back(self) -> None:
        if self._leased_day is not None:
            with self.engine.begin() as connection:
                for bucket, count in self._leased.items():
                    if count:
                        connection.execute(
                            update(api_usage)
                            .where(
                                USAGE.provider == self.provider,
                                USAGE.day == self._leased_day,
                                USAGE.bucket == bucket,
                            )
                            .values(requests=USAGE.requests - count)
                        )
        self._leased = {}
        self._leased_day = None

    def _take(self, day: date, bucket: Bucket, count: int, borrow: bool) -> bool:
        """Add `count` to the bucket's row in one committed transaction if the quota allows."""
        limit = self.limit(bucket)
        row = (USAGE.provider == self.provider) & (USAGE.day == day)
        conditions: list[ColumnElement[bool]] = [row, USAGE.bucket == bucket]
        with self.engine.begin() as connection:
            # The day's total is the ceiling whatever the shares (another run that day may have
            # used another split), so every reservation checks it and must see the other
            # bucket's row locked and up to date.
            shared = limit is not None
            for name in KINDS if shared else (bucket,):
                self._ensure_row(connection, day, name)
            if shared:
                locked = select(USAGE.id).where(row).order_by(USAGE.bucket)
                connection.execute(locked.with_for_update())
                total = (
                    select(func.coalesce(func.sum(USAGE.requests), 0)).where(row).scalar_subquery()
                )
                conditions.append(total + count <= self.daily_quota)
            if limit is not None and not (self.lend and borrow):
                conditions.append(USAGE.requests + count <= limit)
            result = connection.execute(
                update(api_usage).where(*conditions).values(requests=USAGE.requests + count)
            )
            return bool(result.rowcount)

    def _ensure_row(self, connection: Connection, day: date, bucket: Bucket) -> None:
        """Create the (provider, day, bucket) row at 0 unless a concurrent writer already did."""
        connection.execute(
            insert(connection, api_usage)
            .values(provider=self.provider, day=day, bucket=bucket, requests=0)
            .on_conflict_do_nothing(index_elements=["provider", "day", "bucket"])
        )


LEASE_ABOVE = 20  # requests per second


def ledgers(
    settings: Settings, engine: Engine, today: Callable[[], date] = utc_today
) -> dict[str, QuotaLedger]:
    """One daily ledger per provider, each split between the movie and TV buckets.

    Where a provider allows more than LEASE_ABOVE requests a second, requests are reserved a few
    at a time (unused ones are given back at the end of the run): one commit per request would
    otherwise cap the rate.
    """
    providers = {
        "tmdb": (settings.tmdb_daily_quota, settings.rate_limit),
        "omdb": (settings.omdb_daily_quota, settings.omdb_rate_limit),
        "trakt": (settings.trakt_daily_quota, settings.trakt_rate_limit),
    }
    return {
        provider: QuotaLedger(
            engine,
            provider,
            quota,
            settings.movie_share,
            lend=settings.lend_quota,
            today=today,
            lease=lease_size(settings.concurrency)
            if rate.requests / rate.window > LEASE_ABOVE
            else 1,
        )
        for provider, (quota, rate) in providers.items()
    }
