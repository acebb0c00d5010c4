"""`sync --forever`: run, sleep until the quota resets, run again; SIGTERM stops it with 0."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from tests.reliability_support import quiet_fake_server, spawn
from tests.run_support import lock_rows, runs, slow_env, stop_with
from tests.sync_support import fake_settings
from tmdbsync.db.engine import make_engine
from tmdbsync.db.models import SyncRun
from tmdbsync.fakeapi import FakeApi
from tmdbsync.sync.context import Progress
from tmdbsync.sync.service import AFTER_RESET, run_forever

START = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet_fake_server(monkeypatch)


class FakeClock:
    """Time that jumps when slept on; the `term_at`-th sleep sends SIGTERM and then blocks
    (for real) so only the signal can end it."""

    def __init__(self, start: datetime, term_at: int) -> None:
        self.moment = start
        self.term_at = term_at
        self.slept: list[tuple[datetime, float]] = []

    def now(self) -> datetime:
        return self.moment

    async def sleep(self, seconds: float) -> None:
        self.slept.append((self.moment, seconds))
        if len(self.slept) == self.term_at:
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(3600)
        self.moment += timedelta(seconds=seconds)


def test_forever_sleeps_to_the_quota_reset_runs_again_and_stops_on_sigterm(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    settings = fake_settings(fake_api, database_url, tmdb_daily_quota=30, end="2024-02")
    clock = FakeClock(START, term_at=2)
    summary, code = asyncio.run(
        asyncio.wait_for(
            run_forever(
                settings,
                engine,
                kinds=("movie", "tv"),
                max_pages=None,
                progress=Progress(),
                clock=clock,
            ),
            timeout=120,  # generous: the signal ends it at once; this only bounds a hang
        )
    )

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


def runs_so_far(engine: Engine) -> list[SyncRun]:
    """The rows, or none while the subprocess has not yet created the table."""
    try:
        return runs(engine)
    except OperationalError:
        return []
