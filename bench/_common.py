"""Shared plumbing for the benchmark scripts: a fake API in its own process, databases, settings.

Not a benchmark itself. The fake runs in a separate Python process (the same `serve` function
that `tmdbsync fake-api` calls), so its payload generation does not share our GIL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.db.scratch import scratch_schema, unavailable
from tmdbsync.settings import Settings, YearMonth, load_settings
from tmdbsync.sync.context import Summary
from tmdbsync.sync.orchestrator import sync_contents

TMDB_KEY = "fake-tmdb-key"
OMDB_KEY = "fake-omdb-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class FakeProcess:
    """`tmdbsync.fakeapi.serve` in a child process; driven through /__control and /__stats."""

    def __init__(self, *, seed: int = 42, scale: float = 1.0) -> None:
        self.port = free_port()
        if scale == 1.0:  # exactly `tmdbsync fake-api`
            command = [sys.executable, "-m", "tmdbsync", "fake-api"]
            command += ["--port", str(self.port), "--seed", str(seed)]
        else:  # the same `serve` with a larger or smaller catalogue
            code = (
                "import sys; from tmdbsync.fakeapi import serve; "
                "serve(port=int(sys.argv[1]), seed=int(sys.argv[2]), scale=float(sys.argv[3]))"
            )
            command = [sys.executable, "-c", code, str(self.port), str(seed), str(scale)]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.client = httpx.Client(base_url=self.url, timeout=30)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.client.get("/__stats").raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the fake API did not start") from None
                time.sleep(0.05)

    @property
    def tmdb_url(self) -> str:
        return f"{self.url}/3"

    @property
    def omdb_url(self) -> str:
        return f"{self.url}/omdb/"

    def control(self, **payload: Any) -> None:
        self.client.post("/__control", content=json.dumps(payload)).raise_for_status()

    def stats(self) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get("/__stats").json()
        return body

    def reset_stats(self) -> None:
        self.client.post("/__stats/reset").raise_for_status()

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self) -> FakeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def postgres_available() -> bool:
    return unavailable() is None


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """A URL of an empty database: a SQLite file in a temp dir, or a new PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tmdbsync-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    with scratch_schema("bench") as url:
        yield url


def reachable(backends: str) -> list[str]:
    """The comma-separated backends that can be measured here; PostgreSQL is left out, with a
    line saying so, when no server answers."""
    chosen = []
    for backend in backends.split(","):
        if backend == "postgresql" and not postgres_available():
            print("postgresql: skipped (not reachable)", file=sys.stderr)
            continue
        chosen.append(backend)
    return chosen


def migrated_engine(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def bench_settings(fake: FakeProcess, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "tmdb_api_key": TMDB_KEY,
        "tmdb_access_token": None,
        "omdb_api_key": OMDB_KEY,
        "tmdb_base_url": fake.tmdb_url,
        "omdb_base_url": fake.omdb_url,
        "start": YearMonth(2024, 1),
        "end": YearMonth(2024, 3),
        "tmdb_daily_quota": 0,
        "omdb_daily_quota": 0,
        "rate_limit": "1000000/1s",
        "omdb_rate_limit": "1000000/1s",
    }
    values.update(overrides)
    return load_settings(**values)


def run_sync(settings: Settings, engine: Engine, **kwargs: Any) -> tuple[Summary, float]:
    """The real `sync_contents`, timed."""
    started = time.perf_counter()
    summary = asyncio.run(sync_contents(settings, engine, **kwargs))
    return summary, time.perf_counter() - started


class RequestLog(logging.Handler):
    """Records (provider, path, start time) of every attempt `ApiClient` sends, from the DEBUG
    record it logs per attempt (logger `tmdbsync.http`, field `event="request"`); start times
    are on `time.time()`, to a millisecond.

    The server's /__stats remains the authority for counts, this adds per-title and per-instant
    detail.
    """

    LOGGER = "tmdbsync.http"

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.entries: list[tuple[str, str, float]] = []
        self._level = logging.NOTSET

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "event", None) == "request":
            fields = record.__dict__
            started = record.created - fields["ms"] / 1000
            self.entries.append((fields["provider"], fields["path"], started))

    def __enter__(self) -> RequestLog:
        logger = logging.getLogger(self.LOGGER)
        self._level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger(self.LOGGER)
        logger.removeHandler(self)
        logger.setLevel(self._level)


def rss_mb() -> float:
    """Current resident set size of this process in MB (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
