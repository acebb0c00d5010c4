"""SyncContents: one movie page, one TV page, again and again, until quotas or months run out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import Any

from sqlalchemy import Engine

from tmdbsync.clock import utc_now
from tmdbsync.db.engine import database_problem
from tmdbsync.errors import AlreadyRunning, QuotaExhausted, RetryableError
from tmdbsync.exits import exit_code
from tmdbsync.kinds import Kind
from tmdbsync.omdb import OmdbClient
from tmdbsync.quota import ledgers
from tmdbsync.settings import Settings
from tmdbsync.store import Store
from tmdbsync.sync.audit import run_audit
from tmdbsync.sync.batch import run_page
from tmdbsync.sync.changes import ChangeLog, run_changes_page
from tmdbsync.sync.context import Progress, Summary, SyncContext
from tmdbsync.sync.exports import run_exports_step
from tmdbsync.sync.lock import HEARTBEAT, RunLock
from tmdbsync.sync.log import SyncLog
from tmdbsync.sync.people import drain_people
from tmdbsync.sync.ratings import drain_omdb
from tmdbsync.sync.retry import run_retry
from tmdbsync.sync.runs import RequestCounter, finish_run, one_line, start_run
from tmdbsync.sync.signals import StopSignals
from tmdbsync.sync.turns import Turn
from tmdbsync.sync.watch_stats import drain_trakt
from tmdbsync.tmdb import TmdbClient
from tmdbsync.trakt import TraktClient

DISCOVER = "discover page"
EXPORTS = "export step"
log = logging.getLogger(__name__)


async def sync_contents(
    settings: Settings,
    engine: Engine,
    *,
    kinds: tuple[Kind, ...] = ("movie", "tv"),
    max_pages: int | None = None,
    progress: Progress | None = None,
    now: Callable[[], datetime] = utc_now,
    mode: str = "once",
    stop: StopSignals | None = None,
) -> Summary:
    """Run until every enabled bucket is spent or has nothing left; returns what was done.

    The run is recorded in `sync_run` once it holds the lock. Every resource is released
    whatever fails, building the others included (an exit stack: one failing release does not
    skip the others). A signal caught by `stop` ends the run cleanly: what was stored stays, the
    summary says so.
    """
    settings.require_tmdb_auth()
    progress = progress or Progress()
    summary = Summary(kinds=kinds, mode=mode)
    async with contextlib.AsyncExitStack() as stack:
        lock = RunLock(engine)
        lock.acquire()
        stack.callback(lock.release)
        ctx = _open(stack, settings, engine, summary, progress, now)
        lost: list[AlreadyRunning] = []
        keeper = asyncio.create_task(_keep_lock(lock, asyncio.current_task(), lost))
        stack.callback(keeper.cancel)
        try:
            if stop is not None:
                stack.enter_context(stop.cancelling())
            await _alternate(ctx, steps(settings), list(kinds), max_pages)
            await ctx.settle()
            for kind in kinds:
                await drain_omdb(ctx, kind)
                await drain_trakt(ctx, kind)
        except asyncio.CancelledError:
            if lost:  # the lock was taken over: stop, and say so
                raise lost[0] from None
            if stop is None or stop.received is None:
                raise
            _uncancel()
            summary.exit_code = exit_code(stop.received)
            summary.stop_reason = stop.reason(summary.titles_stored)
        except RetryableError as exc:  # a background queue's provider kept failing
            for kind in kinds:
                tally = summary.of(kind)
                if not tally.stopped:
                    tally.stopped, tally.failing = _failing(exc), True
    return summary


def _open(
    stack: contextlib.AsyncExitStack,
    settings: Settings,
    engine: Engine,
    summary: Summary,
    progress: Progress,
    now: Callable[[], datetime],
) -> SyncContext:
    """The run's row, ledgers, clients and writer, each handed to `stack` as soon as it exists,
    so that a failure while building the next one still releases it."""
    ledger = ledgers(settings, engine, lambda: now().date())
    counter = RequestCounter(ledger, lambda: now().date())
    summary.started_at = now()
    summary.run_id = start_run(engine, summary)
    stack.push(partial(_finish, engine, summary, counter, progress, now))
    for each in ledger.values():
        stack.callback(each.release)
    progress.run_started(summary)
    tmdb = TmdbClient.from_settings(settings, ledger["tmdb"])
    stack.push_async_callback(tmdb.aclose)
    omdb = OmdbClient.from_settings(settings, ledger["omdb"])
    if omdb is not None:
        stack.push_async_callback(omdb.aclose)
    trakt = TraktClient.from_settings(settings, ledger["trakt"])
    if trakt is not None:
        stack.push_async_callback(trakt.aclose)
    if omdb is None:
        progress.message("OMDB_API_KEY is not set: OMDb ratings and awards are skipped")
    ctx = SyncContext(
        settings=settings,
        store=Store(engine, principal_cast=settings.principal_cast, now=now),
        log=SyncLog(engine, settings.start, settings.end, now),
        changes=ChangeLog(engine, now),
        tmdb=tmdb,
        omdb=omdb,
        trakt=trakt,
        ledgers=ledger,
        progress=progress,
        summary=summary,
    )
    stack.callback(ctx.writer.shutdown, wait=True)
    stack.push_async_callback(ctx.cancel_background)
    return ctx


def _uncancel() -> None:
    """Undo the cancellation our own signal handler asked for: the run ends normally."""
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()


def _failing(exc: RetryableError) -> str:
    """`tmdb kept failing: HTTP 503: … (gave up after 6 attempts)`: the provider and why, without
    the request's path, which would push the reason off the line."""
    provider, _, reason = str(exc).partition(" GET ")
    _, colon, why = reason.partition(": ")
    return one_line(f"{provider} kept failing: {why}" if colon else str(exc))


def _finish(
    engine: Engine,
    summary: Summary,
    counter: RequestCounter,
    progress: Progress,
    now: Callable[[], datetime],
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    traceback: TracebackType | None,
) -> bool:
    """Settle the outcome (exit code, stop reason, requests) and write it into the run's row.

    Runs after the clients closed and the leases were given back, before the lock is released;
    a failure to write it is logged, never raised over the run's own error.
    """
    summary.finished_at = now()
    if exc is not None:
        summary.exit_code = exit_code(exc)
        summary.stop_reason = one_line(str(exc) or type(exc).__name__)
    elif not summary.stop_reason:
        tallies = [summary.of(kind) for kind in summary.kinds]
        down = any(t.failing for t in tallies) and not any(t.progressed() for t in tallies)
        summary.exit_code = exit_code(None, upstream_down=down)
        reasons = {t.stopped for t in tallies}
        summary.stop_reason = (
            reasons.pop()
            if len(reasons) == 1
            else "; ".join(f"{kind}: {summary.of(kind).stopped}" for kind in summary.kinds)
        )
    try:
        summary.requests = counter.count()
        finish_run(engine, summary)
    except Exception as failure:
        if exc is None:
            raise
        # the run already failed (often the same lost database): one line, not a traceback
        log.warning(
            "could not record the end of run %s: %s", summary.run_id, database_problem(failure)
        )
    progress.run_finished(summary)
    return False


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


Step = Callable[[SyncContext, Kind], Awaitable[bool]]


def steps(settings: Settings) -> tuple[tuple[str, Step], ...]:
    """The steps a kind's turn tries in order, each until one has work.

    First the source of new title ids, discover pages (the month walk) or the daily export
    diff; once it has nothing left, a change-feed page; then an audit of an old month (which may
    reopen it for the source); then a batch of skipped titles due for a retry.
    """
    source = (EXPORTS, run_exports_step) if settings.source == "exports" else (DISCOVER, run_page)
    feed = (("change-feed page", run_changes_page),) if settings.follow_changes else ()
    return (
        source,
        *feed,
        ("audit probe", run_audit),
        ("retry of skipped titles", run_retry),
    )


async def _step(ctx: SyncContext, kind: Kind, plan: tuple[tuple[str, Step], ...]) -> str | None:
    """Run the first step of `plan` that has work; which one ran, None when none had work."""
    for name, step in plan:
        if await step(ctx, kind):
            return name
    return None


async def _alternate(
    ctx: SyncContext,
    plan: tuple[tuple[str, Step], ...],
    active: list[Kind],
    max_pages: int | None,
) -> None:
    """Movie turn, TV turn, again and again, overlapping (sync/turns.py), until no kind is left
    or `max_pages` pages were run."""
    running: dict[Kind, asyncio.Task[bool]] = {}
    last: Turn | None = None  # the turn started last
    uncounted: tuple[Turn, asyncio.Task[bool]] | None = None  # it, until known to be a page
    pages = 0
    try:
        while active:
            for kind in list(active):
                mine = running.pop(kind, None)
                if mine is not None and not await mine:
                    active.remove(kind)
                    continue
                if uncounted is not None:  # the other kind's titles are under way, or it ended
                    turn, task = uncounted
                    await turn.started_titles.wait()
                    if task.done():
                        task.result()  # what it raised ends the run before another turn starts
                    pages, uncounted = pages + turn.page, None
                if max_pages is not None and pages >= max_pages:
                    await _stop_at_page_limit(ctx, running, active, max_pages)
                    return
                last = Turn(previous=last)
                running[kind] = asyncio.create_task(_turn(ctx, kind, plan, last))
                uncounted = (last, running[kind])
    finally:
        for task in running.values():
            task.cancel()
        for task in running.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _stop_at_page_limit(
    ctx: SyncContext, running: dict[Kind, asyncio.Task[bool]], active: list[Kind], max_pages: int
) -> None:
    """Let the turns under way finish, then stop every kind still going."""
    for kind, task in list(running.items()):
        del running[kind]
        if not await task:
            active.remove(kind)
    for left in active:
        ctx.summary.of(left).stopped = f"page limit of {max_pages} reached"
        ctx.progress.kind_stopped(left, ctx.summary.of(left).stopped, quota=False)


async def _turn(
    ctx: SyncContext, kind: Kind, plan: tuple[tuple[str, Step], ...], turn: Turn
) -> bool:
    """One step of `kind` in its own task; False when the kind is done for this run (nothing
    left, its quota spent, its provider failing), with the reason in its tally."""
    turn.enter()
    tally = ctx.summary.of(kind)
    step, failed = None, False
    try:
        step = await _step(ctx, kind, plan)
        if step not in (None, DISCOVER):  # a discover page reports itself, with counts
            ctx.progress.step_done(kind, str(step))
        # OMDb has its own limit and quota, and people fill what the pages leave of the TMDb
        # limit (between pages, behind a slow show): both run alongside.
        ctx.in_background(f"omdb {kind}", partial(drain_omdb, ctx, kind))
        ctx.in_background(f"trakt {kind}", partial(drain_trakt, ctx, kind))
        ctx.in_background("people", partial(_people, ctx, kind))
        if step is not None:
            return True
        tally.stopped = "every month up to TMDBSYNC_END is complete"
        for other in ctx.summary.kinds:
            if other != kind:
                for ledger in ctx.ledgers.values():
                    ledger.lend_to(other)
        await ctx.settle("people")
        async with ctx.people_drain:  # the other kind's turn may start a background drain
            await drain_people(ctx, kind, rest_of_quota=True)
    except QuotaExhausted as exc:
        tally.stopped = one_line(exc.reason if exc.provider == "tmdb" else str(exc))
        ctx.summary.paused(kind, exc, ctx.store.now())
        ctx.progress.kind_stopped(kind, tally.stopped, quota=True)
    except RetryableError as exc:
        tally.stopped, tally.failing = _failing(exc), True
        ctx.progress.kind_stopped(kind, tally.stopped, quota=False)
    except BaseException:
        failed = True
        raise
    else:
        ctx.progress.kind_stopped(kind, tally.stopped, quota=False)
    finally:
        turn.finish(page=step is not None, failed=failed)
    return False


async def _people(ctx: SyncContext, kind: Kind) -> None:
    """The people queue in the background: a spent bucket is noticed by its next page."""
    with contextlib.suppress(QuotaExhausted):
        async with ctx.people_drain:
            await drain_people(ctx, kind)
