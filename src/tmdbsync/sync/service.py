"""How `tmdbsync sync` runs: once, or for ever, with signals turned into clean stops.

`sync --forever` runs, then sleeps until there is work again (the UTC quota reset at midnight,
which is also when the next change-feed day can be read) and runs again; after a run that ended
because an upstream kept failing it tries again sooner. SIGTERM (or SIGHUP) wakes it and stops it
cleanly with exit 0. The clock is injectable so the sleeps can be tested without waiting.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine

from tmdbsync.clock import utc_now
from tmdbsync.exits import UPSTREAM, exit_code
from tmdbsync.kinds import Kind
from tmdbsync.settings import Settings
from tmdbsync.sync.context import Progress, Summary
from tmdbsync.sync.orchestrator import sync_contents
from tmdbsync.sync.signals import StopSignals

AFTER_RESET = timedelta(minutes=5)
"""Margin past midnight UTC: the providers' day has surely turned, yesterday's changes are in."""
OUTAGE_RETRY = timedelta(minutes=15)


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return utc_now()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def next_run(now: datetime, summary: Summary) -> tuple[datetime, str]:
    """When there is work again after `summary`'s run, and why then."""
    reset = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    if summary.exit_code == UPSTREAM:
        return min(now + OUTAGE_RETRY, reset + AFTER_RESET), "retrying after upstream failures"
    return reset + AFTER_RESET, "the daily quotas reset and a new change-feed day starts"


async def run_once(
    settings: Settings,
    engine: Engine,
    *,
    kinds: tuple[Kind, ...],
    max_pages: int | None,
    progress: Progress,
) -> Summary:
    """One sync; SIGINT, SIGTERM and SIGHUP end it cleanly (exit 130 or 143)."""
    with StopSignals() as stop:
        return await sync_contents(
            settings, engine, kinds=kinds, max_pages=max_pages, progress=progress, stop=stop
        )


async def run_forever(
    settings: Settings,
    engine: Engine,
    *,
    kinds: tuple[Kind, ...],
    max_pages: int | None,
    progress: Progress,
    clock: Clock | None = None,
) -> tuple[Summary, int]:
    """Sync, sleep until there is work, again, until a signal: the last run and the exit code.

    SIGTERM and SIGHUP stop it with 0 (a service manager's normal stop), SIGINT with 130.
    """
    clock = clock or SystemClock()
    with StopSignals() as stop:
        while True:
            summary = await sync_contents(
                settings,
                engine,
                kinds=kinds,
                max_pages=max_pages,
                progress=progress,
                now=clock.now,
                mode="forever",
                stop=stop,
            )
            if stop.received is None:
                wake, why = next_run(clock.now(), summary)
                progress.sleeping(wake, why)
                await _sleep_until(clock, wake, stop)
            if stop.received is not None:
                return summary, exit_code(stop.received, forever=True)


async def _sleep_until(clock: Clock, wake: datetime, stop: StopSignals) -> None:
    """Sleep until `wake` on `clock`, or until a signal comes."""
    sleeper = asyncio.ensure_future(clock.sleep(max(0.0, (wake - clock.now()).total_seconds())))
    stopper = asyncio.ensure_future(stop.event.wait())
    try:
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, stopper):
            task.cancel()
