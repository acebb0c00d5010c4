"""SyncContents: one movie page, one TV page, again and again, until quotas or months run out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import Engine

from tmdbsync.errors import AlreadyRunning, QuotaExhausted, RetryableError
from tmdbsync.omdb import OmdbClient
from tmdbsync.quota import QuotaLedger, utc_today
from tmdbsync.settings import Settings
from tmdbsync.sync.audit import run_audit
from tmdbsync.sync.batch import run_page
from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.changes import ChangeLog, run_changes_page
from tmdbsync.sync.context import Progress, Summary, SyncContext
from tmdbsync.sync.exports import run_exports_step
from tmdbsync.sync.lock import HEARTBEAT, RunLock
from tmdbsync.sync.log import SyncLog
from tmdbsync.sync.people import drain_people
from tmdbsync.sync.ratings import drain_omdb
from tmdbsync.sync.retry import run_retry
from tmdbsync.sync.store import Store, utc_now
from tmdbsync.sync.watch_stats import drain_trakt
from tmdbsync.tmdb import TmdbClient
from tmdbsync.trakt import TraktClient

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
            lease=settings.concurrency if rate.requests / rate.window > LEASE_ABOVE else 1,
        )
        for provider, (quota, rate) in providers.items()
    }


async def sync_contents(
    settings: Settings,
    engine: Engine,
    *,
    kinds: tuple[Kind, ...] = ("movie", "tv"),
    max_pages: int | None = None,
    progress: Progress | None = None,
    now: Callable[[], datetime] = utc_now,
) -> Summary:
    """Run until every enabled bucket is spent or has nothing left; returns what was done."""
    settings.require_tmdb_auth()
    progress = progress or Progress()
    ledger = ledgers(settings, engine, lambda: now().date())
    lock = RunLock(engine)
    lock.acquire()
    tmdb = TmdbClient.from_settings(settings, ledger["tmdb"])
    omdb = OmdbClient.from_settings(settings, ledger["omdb"])
    trakt = TraktClient.from_settings(settings, ledger["trakt"])
    if omdb is None:
        progress.message("OMDB_API_KEY is not set: OMDb ratings and awards are skipped")
    ctx = SyncContext(
        settings=settings,
        store=Store(engine, principal_cast=settings.principal_cast, now=now),
        log=SyncLog(engine, settings.start, settings.end, now),
        tmdb=tmdb,
        omdb=omdb,
        tmdb_ledger=ledger["tmdb"],
        omdb_ledger=ledger["omdb"],
        trakt=trakt,
        progress=progress,
    )
    lost: list[AlreadyRunning] = []
    keeper = asyncio.create_task(_keep_lock(lock, asyncio.current_task(), lost))
    try:
        changes = ChangeLog(engine, now) if settings.follow_changes else None
        await _alternate(ctx, list(kinds), max_pages, lock, changes)
        await ctx.settle()
        for kind in kinds:
            await drain_omdb(ctx, kind)
            await drain_trakt(ctx, kind)
    except asyncio.CancelledError:
        if lost:  # the lock was taken over: stop, and say so
            raise lost[0] from None
        raise
    finally:
        keeper.cancel()
        await ctx.cancel_background()
        for client in (tmdb, omdb, trakt):
            if client is not None:
                await client.aclose()
        ctx.writer.shutdown(wait=True)
        for each in ledger.values():
            each.release()
        lock.release()
    return ctx.summary


async def _keep_lock(
    lock: RunLock, main: asyncio.Task[Any] | None, lost: list[AlreadyRunning]
) -> None:
    """Beat every HEARTBEAT however long a page, a queue or a Retry-After takes; a sync that
    lost its lock (silent for longer than STALE, taken over) stops instead of running alongside.
    """
    while True:
        await asyncio.sleep(HEARTBEAT.total_seconds())
        try:
            await asyncio.to_thread(lock.heartbeat)
        except AlreadyRunning as exc:
            lost.append(exc)
            if main is not None:
                main.cancel()
            return


async def _step(ctx: SyncContext, kind: Kind, changes: ChangeLog | None) -> bool:
    """One page of work: a discover page; once every month is done, a change-feed page; once
    the feed is caught up too, an audit of an old month (which may reopen it for the next step);
    once no month is due either, a batch of skipped titles due for a retry.
    """
    if ctx.settings.source == "exports":
        if await run_exports_step(ctx, kind):
            return True
    elif await run_page(ctx, kind):
        return True
    if changes is not None and await run_changes_page(ctx, changes, kind):
        return True
    if await run_audit(ctx, kind):
        return True
    return await run_retry(ctx, kind)


async def _alternate(
    ctx: SyncContext,
    active: list[Kind],
    max_pages: int | None,
    lock: RunLock,
    changes: ChangeLog | None,
) -> None:
    pages = 0
    while active:
        for kind in list(active):
            if max_pages is not None and pages >= max_pages:
                for left in active:
                    ctx.summary.of(left).stopped = f"--max-pages {max_pages} reached"
                return
            tally = ctx.summary.of(kind)
            try:
                more = await _step(ctx, kind, changes)
                await ctx.write(lock.heartbeat)
                # OMDb has its own limit and quota, and people fill what the pages leave of
                # the TMDb limit (between pages, behind a slow show): both run alongside.
                ctx.in_background(f"omdb {kind}", partial(drain_omdb, ctx, kind))
                ctx.in_background(f"trakt {kind}", partial(drain_trakt, ctx, kind))
                ctx.in_background("people", partial(_people, ctx, kind))
                if more:
                    pages += 1
                    continue
                tally.stopped = "every month up to TMDBSYNC_END is complete"
                for other in active:
                    if other != kind:
                        ctx.tmdb_ledger.lend_to(other)
                        ctx.omdb_ledger.lend_to(other)
                await ctx.settle("people")
                await drain_people(ctx, kind, rest_of_quota=True)
            except QuotaExhausted as exc:
                tally.stopped = exc.reason if exc.provider == "tmdb" else str(exc)
            except RetryableError as exc:
                tally.stopped = f"gave up for this run: {exc}"
            ctx.progress.message(f"{kind}: {tally.stopped}")
            active.remove(kind)


async def _people(ctx: SyncContext, kind: Kind) -> None:
    """The people queue in the background: a spent bucket is noticed by its next page."""
    with contextlib.suppress(QuotaExhausted):
        await drain_people(ctx, kind)
