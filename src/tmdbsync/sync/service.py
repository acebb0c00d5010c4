"""How `tmdbsync sync` runs: once, or for ever, with signals turned into clean stops.

`sync --forever` runs, then sleeps until there is work again (the UTC quota reset at midnight,
which is also when the next change-feed day can be read, or sooner, when a provider's long
Retry-After paused the run: when that pause ends) and runs again. A daemon waits where a
one-off run exits: after a run that ended because an upstream kept failing it tries again sooner,
backing off (failed attempts are paid from the daily quota), and while another sync holds the
database's run lock it tries again every LOCK_RETRY. SIGTERM (or SIGHUP) wakes it and stops it
cleanly with exit 0. The clock is injectable so the sleeps can be tested without waiting.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine

from tmdbsync.clock import utc_now
from tmdbsync.errors import AlreadyRunning
from tmdbsync.exits import UPSTREAM, exit_code
from tmdbsync.kinds import Kind
from tmdbsync.settings import Settings
from tmdbsync.sync.context import Progress, Summary
from tmdbsync.sync.lock import HEARTBEAT
from tmdbsync.sync.orchestrator import sync_contents
from tmdbsync.sync.signals import StopSignals

AFTER_RESET = timedelta(minutes=5)
"""Margin past midnight UTC: the providers' day has surely turned, yesterday's changes are in."""
OUTAGE_RETRY = timedelta(minutes=15)
OUTAGE_DOUBLINGS = 3
"""The wait after an outage doubles from OUTAGE_RETRY this many times (15, 30, 60 min, then
every 2 h): each try's attempts are paid from the daily quota, which a long outage must not eat."""
LOCK_RETRY = HEARTBEAT
"""How often a waiting `--forever` tries a lock another sync holds: as often as a holder beats."""


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return utc_now()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def next_run(now: datetime, outages: int, last: Summary | None = None) -> tuple[datetime, str]:
    """When there is work again, and why then; `outages` counts the last runs in a row that ended
    because an upstream kept failing (exit 3).

    Work a provider paused with a long Retry-After (`last.pauses`) goes on when that pause ends,
    not at the reset: a 429 asking for three hours costs three hours, not the rest of the day.
    Still, while a kind stopped for another reason (its quota spent, nothing left for today), the
    reset, when that kind has work again, is never passed; once every kind is paused, the pause
    that ends first is waited for, past the reset if it says so (TMDb would refuse us before).
    """
    reset = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    if outages:
        wait = OUTAGE_RETRY * 2 ** min(outages - 1, OUTAGE_DOUBLINGS)
        return min(now + wait, reset + AFTER_RESET), "retrying after upstream failures"
    daily = (reset + AFTER_RESET, "the daily quotas reset and a new change-feed day starts")
    pauses = last.pauses if last is not None else {}
    wakes = [
        (when, f"the pause {_who_paused(scope)} asked for ends") for scope, when in pauses.items()
    ]
    if last is None or any(kind not in pauses for kind in last.kinds):
        wakes.append(daily)
    return min(wakes)


def _who_paused(scope: str) -> str:
    """Who paused `scope` (a kind: TMDb; else the provider itself), as a sentence names it."""
    return {"omdb": "OMDb", "trakt": "Trakt"}.get(scope, "TMDb")


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

    SIGTERM and SIGHUP stop it with 0 (a service manager's normal stop), SIGINT with 130. A fatal
    error (an invalid key, a database that cannot be opened or written) ends it with its own.
    """
    clock = clock or SystemClock()
    summary = Summary(kinds=kinds, mode="forever")
    outages = 0
    waiting = False  # for the lock: said once per wait, not once per try
    with StopSignals() as stop:
        while stop.received is None:
            try:
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
            except AlreadyRunning as exc:  # held by another, or taken over from this one
                if not waiting:
                    progress.lock_held(exc.holder)
                waiting, wake = True, clock.now() + LOCK_RETRY
            else:
                waiting = False
                outages = outages + 1 if summary.exit_code == UPSTREAM else 0
                if stop.received is not None:
                    break
                wake, why = next_run(clock.now(), outages, summary)
                progress.sleeping(wake, why)
            await _sleep_until(clock, wake, stop)
        code = exit_code(stop.received, forever=True)
        if summary.run_id is None:  # stopped before any run got the lock
            summary.exit_code = code
            summary.stop_reason = f"stopped by {stop.received.name} while waiting for the run lock"
        return summary, code


async def _sleep_until(clock: Clock, wake: datetime, stop: StopSignals) -> None:
    """Sleep until `wake` on `clock`, or until a signal comes."""
    sleeper = asyncio.ensure_future(clock.sleep(max(0.0, (wake - clock.now()).total_seconds())))
    stopper = asyncio.ensure_future(stop.event.wait())
    try:
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, stopper):
            task.cancel()
