"""Helpers for the run-record, exit-code and log tests: `tmdbsync sync` in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from tests.reliability_support import spawn, sync_env
from tmdbsync.db.models import SyncLock, SyncRun
from tmdbsync.fakeapi import FakeApi
from tmdbsync.sync.lock import NAME


def runs(engine: Engine) -> list[SyncRun]:
    """Every `sync_run` row, oldest first, detached from its session."""
    with engine.connect() as connection:
        return [
            SyncRun(**row._mapping)
            for row in connection.execute(select(SyncRun.__table__).order_by(SyncRun.id))
        ]


def lock_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(SyncLock)) or 0)


def held_by(engine: Engine, holder: str) -> None:
    """Another sync (`host:pid[:start]`) holds the run lock, beating now."""
    with engine.begin() as connection:
        connection.execute(
            insert(SyncLock).values(name=NAME, holder=holder, heartbeat_at=datetime.now(UTC))
        )


def holder_of(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(select(SyncLock.holder))


def release_lock(engine: Engine) -> None:
    """The other sync finished: its lock row is gone."""
    with engine.begin() as connection:
        connection.execute(delete(SyncLock))


def slow_env(fake: FakeApi, database_url: str, **extra: str) -> dict[str, str]:
    """A sync that runs for a while (two months, requests slowed by the fake's latency)."""
    fake.latency = 0.2
    return sync_env(fake, database_url, "2024-01", "2024-02", COLUMNS="80", **extra)


def start_and_wait(
    args: list[str], env: dict[str, str], cwd: Path, fake: FakeApi, engine: Engine
) -> subprocess.Popen[str]:
    """Start `tmdbsync …` and wait until its run row exists and titles are coming in."""
    process = spawn(args, env, cwd)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if runs(engine) and fake.stats()["requests"] >= 30:
            return process
        time.sleep(0.05)
    out, err = process.communicate(timeout=10)
    raise AssertionError(f"the sync never got going: {process.returncode} {out} {err}")


def stop_with(process: subprocess.Popen[str], signum: signal.Signals) -> tuple[int, str, str]:
    """Send `signum`; the exit code, stdout and stderr (a generous timeout, no elapsed assert)."""
    os.kill(process.pid, signum)
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def requests_of(document: dict[str, Any]) -> int:
    return sum(sum(buckets.values()) for buckets in document["requests"].values())
