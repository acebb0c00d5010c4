"""`sync --forever`: run, sleep until the quota resets, run again; SIGTERM stops it with 0.

It waits where a one-off sync exits: for a run lock another sync holds, and (backing off) after
an upstream outage; an invalid key still ends it."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from tests.reliability_support import quiet_fake_server, spawn
from tests.run_support import (
    held_by,
    holder_of,
    lock_rows,
    release_lock,
    runs,
    slow_env,
    stop_with,
)
from tests.sync_support import fake_settings
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.db.models import SyncRun
from tmdbsync.errors import AuthError
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.faults import Faults, ScriptedResponse
from tmdbsync.kinds import Kind
from tmdbsync.settings import Settings
from tmdbsync.sync.context import Progress, Summary
from tmdbsync.sync.events import EventLog, EventProgress
from tmdbsync.sync.service import AFTER_RESET, LOCK_RETRY, next_run, run_forever

START = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
OTHER = "elsewhere.example:4242:1"
"""A one-off sync on another host, beating now: alive until its heartbeat is stale."""


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet_fake_server(monkeypatch)


class FakeClock:
    """Time that jumps when slept on; the `stop_at`-th sleep sends `signum` and then blocks
    (for real) so only the signal can end it; `before[n]` runs as the n-th sleep starts."""

    def __init__(
        self,
        start: datetime,
        stop_at: int,
        signum: signal.Signals = signal.SIGTERM,
        before: dict[int, Callable[[], None]] | None = None,
    ) -> None:
        self.moment = start
        self.stop_at = stop_at
        self.signum = signum
        self.before = before or {}
        self.slept: list[tuple[datetime, float]] = []

    def now(self) -> datetime:
        return self.moment

    async def sleep(self, seconds: float) -> None:
        self.slept.append((self.moment, seconds))
        self.before.get(len(self.slept), lambda: None)()
        if len(self.slept) == self.stop_at:
            os.kill(os.getpid(), self.signum)
            await asyncio.sleep(3600)
        self.moment += timedelta(seconds=seconds)


def forever(
    settings: Settings, engine: Engine, clock: FakeClock, progress: Progress | None = None
) -> tuple[Summary, int]:
    return asyncio.run(
        asyncio.wait_for(
            run_forever(
                settings,
                engine,
                kinds=("movie", "tv"),
                max_pages=None,
                progress=progress or Progress(),
                clock=clock,
            ),
            timeout=120,  # generous: the signal ends it at once; this only bounds a hang
        )
    )


def test_forever_sleeps_to_the_quota_reset_runs_again_and_stops_on_sigterm(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    settings = fake_settings(fake_api, database_url, tmdb_daily_quota=30, end="2024-02")
    clock = FakeClock(START, stop_at=2)
    summary, code = forever(settings, engine, clock)

    assert code == 0
    assert summary.stop_reason == "daily quota spent"
    midnight = datetime(2026, 3, 11, tzinfo=UTC)
    (first_at, first), (second_at, second) = clock.slept
    assert first_at + timedelta(seconds=first) == midnight + AFTER_RESET
    assert second_at + timedelta(seconds=second) == midnight + timedelta(days=1) + AFTER_RESET
    rows = runs(engine)
    assert [(r.mode, r.exit_code) for r in rows] == [("forever", 0), ("forever", 0)]
    assert [r.started_at.date() for r in rows] == [START.date(), midnight.date()]
    tmdb = [json.loads(r.summary or "{}")["requests"]["tmdb"] for r in rows]
    assert tmdb == [{"movie": 15, "tv": 15}] * 2  # a fresh quota on the second day
    assert lock_rows(engine) == 0


def test_forever_waits_while_another_sync_holds_the_lock_then_runs_its_normal_cycle(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    """A one-off sync (cron, an operator) holds the lock for two tries: one line, no run row, a
    try every LOCK_RETRY; once it is gone the daemon runs and sleeps to the quota reset."""
    held_by(engine, OTHER)
    settings = fake_settings(fake_api, database_url, tmdb_daily_quota=30, end="2024-02")
    clock = FakeClock(START, stop_at=3, before={2: lambda: release_lock(engine)})
    lines = io.StringIO()
    summary, code = forever(settings, engine, clock, EventProgress(EventLog(lines)))

    assert code == 0
    assert summary.stop_reason == "daily quota spent"
    retry = LOCK_RETRY.total_seconds()
    assert clock.slept[:2] == [(START, retry), (START + LOCK_RETRY, retry)]
    reset = datetime(2026, 3, 11, tzinfo=UTC) + AFTER_RESET
    assert clock.slept[2][0] + timedelta(seconds=clock.slept[2][1]) == reset
    waiting = [line for line in lines.getvalue().splitlines() if "holds the database" in line]
    assert len(waiting) == 1, lines.getvalue()
    assert (
        "another sync holds the database (pid 4242, host elsewhere.example); waiting"
        in (waiting[0])
    )
    [row] = runs(engine)  # the tries that found the lock held left no row
    assert (row.mode, row.exit_code) == ("forever", 0)
    assert row.started_at.replace(tzinfo=UTC) == START + 2 * LOCK_RETRY
    assert lock_rows(engine) == 0


@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGTERM, 0), (signal.SIGINT, 130)])
def test_a_signal_while_waiting_for_the_lock_stops_it_with_the_contract_code(
    fake_api: FakeApi, engine: Engine, database_url: str, signum: signal.Signals, expected: int
) -> None:
    held_by(engine, OTHER)
    settings = fake_settings(fake_api, database_url)
    clock = FakeClock(START, stop_at=1, signum=signum)
    lines = io.StringIO()
    summary, code = forever(settings, engine, clock, EventProgress(EventLog(lines, "json")))

    assert code == expected
    assert summary.exit_code == expected
    assert summary.stop_reason == f"stopped by {signum.name} while waiting for the run lock"
    events = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [(e["event"], e["host"], e["pid"]) for e in events] == [
        ("lock_held", "elsewhere.example", 4242)
    ]
    assert runs(engine) == []
    assert holder_of(engine) == OTHER  # the other sync's lock is left alone
    assert fake_api.stats()["tmdb"] == 0


@pytest.mark.parametrize(
    ("outages", "wait"),
    [(1, timedelta(minutes=15)), (2, timedelta(minutes=30)), (3, timedelta(hours=1))]
    + [(n, timedelta(hours=2)) for n in (4, 5, 40)],
)
def test_the_wait_after_an_outage_backs_off_to_every_two_hours(
    outages: int, wait: timedelta
) -> None:
    assert next_run(START, outages) == (START + wait, "retrying after upstream failures")


def test_the_outage_retry_never_passes_the_quota_reset() -> None:
    late = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    wake, _ = next_run(late, 4)
    assert wake == datetime(2026, 3, 11, tzinfo=UTC) + AFTER_RESET


def paused(seconds: dict[str, float], kinds: tuple[Kind, ...] = ("movie", "tv")) -> Summary:
    """A run's summary in which each scope of `seconds` was paused that long from START."""
    summary = Summary(kinds=kinds)
    for scope, wait in seconds.items():
        summary.pauses[scope] = START + timedelta(seconds=wait)
    return summary


RESET = datetime(2026, 3, 11, tzinfo=UTC) + AFTER_RESET


@pytest.mark.parametrize(
    ("pauses", "wake", "why"),
    [
        ({"movie": 3 * 3600, "tv": 2 * 3600}, START + timedelta(hours=2), "TMDb"),
        ({"movie": 3 * 3600}, START + timedelta(hours=3), "TMDb"),  # TV's quota was spent
        ({"omdb": 3600}, START + timedelta(hours=1), "OMDb"),
        ({"movie": 30 * 3600}, RESET, None),  # TV has work again at the reset: not later
        ({"movie": 30 * 3600, "tv": 40 * 3600}, START + timedelta(hours=30), "TMDb"),
    ],
)
def test_a_paused_run_wakes_when_the_pause_ends_never_past_a_reset_another_kind_awaits(
    pauses: dict[str, float], wake: datetime, why: str | None
) -> None:
    reason = "the daily quotas reset" if why is None else f"the pause {why} asked for ends"
    when, text = next_run(START, 0, paused(pauses))
    assert (when, text[: len(reason)]) == (wake, reason)


def test_forever_after_a_long_retry_after_runs_again_when_it_ends_not_at_midnight(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    """TMDb answers both kinds' first page with 429 and Retry-After three hours (past
    TMDBSYNC_MAX_RETRY_AFTER): the run stops, the daemon sleeps three hours, not to 00:05."""
    three_hours = ScriptedResponse(status=429, headers={"Retry-After": "10800"})
    fake_api.script(r"^/3/discover/", [three_hours, three_hours])
    settings = fake_settings(fake_api, database_url, tmdb_daily_quota=30, end="2024-02")
    clock = FakeClock(START, stop_at=2)
    forever(settings, engine, clock)

    (first_at, first), (second_at, second) = clock.slept
    assert first_at + timedelta(seconds=first) == START + timedelta(hours=3)
    assert second_at + timedelta(seconds=second) == RESET  # the quota spent: the usual wait
    rows = runs(engine)
    assert [r.stop_reason for r in rows] == ["rate limited for 10800 s", "daily quota spent"]
    assert [r.started_at.replace(tzinfo=UTC) for r in rows] == [
        START,
        first_at + timedelta(seconds=first),
    ]


def test_forever_backs_off_while_tmdb_fails_on_every_try(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    fake_api.faults = Faults(error_rate=1.0)
    settings = fake_settings(fake_api, database_url, max_retries=1)
    clock = FakeClock(START, stop_at=3)
    summary, code = forever(settings, engine, clock)

    assert code == 0
    assert summary.exit_code == 3
    assert [seconds for _, seconds in clock.slept] == [900, 1800, 3600]
    assert [r.exit_code for r in runs(engine)] == [3, 3, 3]
    assert lock_rows(engine) == 0


def test_an_invalid_key_still_ends_it(fake_api: FakeApi, engine: Engine, database_url: str) -> None:
    settings = fake_settings(fake_api, database_url, tmdb_api_key="not-the-key")
    clock = FakeClock(START, stop_at=1)
    with pytest.raises(AuthError):
        forever(settings, engine, clock)

    assert clock.slept == []
    assert [r.exit_code for r in runs(engine)] == [2]
    assert lock_rows(engine) == 0


def test_forever_command_stops_cleanly_on_sigterm_while_asleep(
    fake_api: FakeApi, sqlite_database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_database_url)
    env = slow_env(fake_api, sqlite_database_url, TMDBSYNC_TMDB_DAILY_QUOTA="30")
    fake_api.latency = 0.0
    process = spawn(["sync", "--forever"], env, tmp_path)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if any(row.finished_at is not None for row in runs_so_far(engine)):
            break
        time.sleep(0.1)
    returncode, _, err = stop_with(process, signal.SIGTERM)

    assert returncode == 0, err
    assert "Traceback" not in err
    [row] = runs(engine)
    assert (row.mode, row.exit_code) == ("forever", 0)
    assert lock_rows(engine) == 0


def test_forever_command_waits_for_a_held_lock_and_stops_cleanly_on_sigterm(
    fake_api: FakeApi, sqlite_database_url: str, tmp_path: Path
) -> None:
    """This test's own process holds the lock; `sync` would exit 4, `sync --forever` waits."""
    engine = make_engine(sqlite_database_url)
    upgrade(engine)
    holder = f"{socket.gethostname()}:{os.getpid()}"
    held_by(engine, holder)
    process = spawn(["sync", "--forever"], slow_env(fake_api, sqlite_database_url), tmp_path)
    assert process.stderr is not None
    seen = ""
    while "holds the database" not in seen and process.poll() is None:
        seen = process.stderr.readline()
    returncode, out, err = stop_with(process, signal.SIGTERM)

    assert returncode == 0, seen + err
    assert f"another sync holds the database (pid {os.getpid()}, host " in seen
    assert "stopped by SIGTERM while waiting for the run lock" in out
    assert "Traceback" not in err
    assert runs(engine) == []
    assert holder_of(engine) == holder
    assert fake_api.stats()["tmdb"] == 0


def runs_so_far(engine: Engine) -> list[SyncRun]:
    """The rows, or none while the subprocess has not yet created the table."""
    try:
        return runs(engine)
    except OperationalError:
        return []
