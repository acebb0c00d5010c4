"""Helpers for the reliability tests: run the CLI, dump a database canonically, check invariants.

The canonical dump replaces surrogate ids by natural keys and leaves out bookkeeping (timestamps,
notes, which bucket paid for a person), so two databases filled from the same catalogue by runs
that were interrupted differently compare equal exactly when they hold the same data.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from tmdbsync.db.models import ApiUsage, Base, Content, SkippedTitle
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.catalogue import PAGE_SIZE, Catalogue
from tmdbsync.settings import Settings, YearMonth, load_settings
from tmdbsync.sync.context import Summary
from tmdbsync.sync.orchestrator import sync_contents

# Bookkeeping that legitimately differs between two runs over the same data.
IGNORED_COLUMNS = {
    "id",
    "synced_at",
    "last_synced_at",
    "audited_at",
    "enriched_at",
    "enriched_bucket",
    "omdb_checked_at",
    "first_seen_at",
    "last_tried_at",
    "changed_at",  # when a checksum last changed: the time of the run that stored it
    "heartbeat_at",
    "notes",
    # content_sync_window: how the scan got there (passes, which run), not what it holds
    "passes",
    "found_new",
    "scan_run",
    "spanned",
}
# Compared on their own (the ledger counts attempts, the lock is transient, a run row per run).
SEPARATE_TABLES = {"api_usage", "sync_lock", "sync_run", "alembic_version"}
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "content": ("type", "tmdb_id"),
    "person": ("tmdb_id",),
    "genre": ("type", "tmdb_id"),
    "keyword": ("tmdb_id",),
    "content_season": ("content_id", "season_number"),
    "episode": ("season_id", "episode_number"),
    "content_sync_log": ("type", "year", "month"),
    "content_sync_window": ("log_id", "gte"),
    "collection": ("tmdb_id",),
    "company": ("tmdb_id",),
    "network": ("tmdb_id",),
    "watch_provider": ("tmdb_id",),
}
KINDS = ("movie", "tv")
Dump = dict[str, list[tuple[Any, ...]]]  # table name -> canonical rows


# --- running the command ----------------------------------------------------------------------


def sync_env(
    fake: FakeApi,
    database_url: str,
    start: str,
    end: str,
    *,
    tmdb_key: str | None = None,
    omdb_key: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment of a `tmdbsync` subprocess pointed at `fake` (nothing inherited leaks in),
    with the same values as `settings_for`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TMDB", "OMDB", "TMDBSYNC"))
    }
    env.update(
        TMDBSYNC_DATABASE_URL=database_url,
        TMDB_API_KEY=tmdb_key or fake.tmdb_api_key,
        OMDB_API_KEY=omdb_key or fake.omdb_api_key,
        TMDB_BASE_URL=fake.tmdb_url,
        OMDB_BASE_URL=fake.omdb_url,
        TMDBSYNC_START=start,
        TMDBSYNC_END=end,
        TMDBSYNC_TMDB_DAILY_QUOTA="0",
        TMDBSYNC_OMDB_DAILY_QUOTA="0",
        TMDBSYNC_RATE_LIMIT="1000/1s",
        TMDBSYNC_OMDB_RATE_LIMIT="1000/1s",
        TMDBSYNC_RETRY_BACKOFF="0",  # retries against the local fake go at once
        COLUMNS="200",
    )
    env.update(extra)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tmdbsync", *args]


def run_cli(
    args: Iterable[str], env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def spawn(args: Iterable[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(*args),
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# --- a fake that remembers when each request arrived -------------------------------------------


class RecordingFake(FakeApi):
    """FakeApi that logs (monotonic time, service, path, query) of every TMDb/OMDb request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests: list[tuple[float, str, str, dict[str, str]]] = []
        self._log_lock = threading.Condition()

    def answer(
        self,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        service: str,
        parts: list[str],
    ) -> Any:
        with self._log_lock:
            self.requests.append((time.monotonic(), service, path, dict(query)))
            self._log_lock.notify_all()
        return super().answer(path, query, headers, service, parts)

    def wait_for(self, count: int, timeout: float | None = None) -> bool:
        """Block until `count` requests have arrived (False if `timeout` passed first)."""
        with self._log_lock:
            return self._log_lock.wait_for(lambda: len(self.requests) >= count, timeout)

    def paths(self, service: str = "tmdb") -> list[str]:
        with self._log_lock:
            return [path for _, s, path, _ in self.requests if s == service]

    def discover_pages(self) -> Counter[tuple[str, str, str, str]]:
        """How often each (kind, gte, lte, page) was requested."""
        pages: Counter[tuple[str, str, str, str]] = Counter()
        with self._log_lock:
            for _, service, path, query in self.requests:
                if service == "tmdb" and "/discover/" in path:
                    kind = path.rsplit("/", 1)[1]
                    field = "primary_release_date" if kind == "movie" else "first_air_date"
                    pages[(kind, query[f"{field}.gte"], query[f"{field}.lte"], query["page"])] += 1
        return pages


# --- the database, canonically ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Dates as text; aware datetimes in UTC without offset (SQLite stores them naive)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    return value.isoformat() if isinstance(value, date) else value


def canonical_dump(engine: Engine) -> Dump:
    """Every table as a sorted list of rows, surrogate ids replaced by natural keys."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in SEPARATE_TABLES]
    raw: dict[str, dict[int, dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in tables:
            raw[table.name] = {
                row["id"]: dict(row) for row in connection.execute(select(table)).mappings()
            }
    fks = {
        table.name: {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        for table in tables
    }

    def key(table: str, row_id: int) -> tuple[Any, ...]:
        row = raw[table][row_id]
        return tuple(resolve(table, column, row[column]) for column in NATURAL_KEYS[table])

    def resolve(table: str, column: str, value: Any) -> Any:
        target = fks[table].get(column)
        if target is None or value is None:
            return _plain(value)
        return (target, *key(target, value))

    dump: Dump = {}
    for table in tables:
        columns = sorted(c.name for c in table.columns if c.name not in IGNORED_COLUMNS)
        rows = [
            tuple((column, resolve(table.name, column, row[column])) for column in columns)
            for row in raw[table.name].values()
        ]
        dump[table.name] = sorted(rows, key=repr)
    return dump


def diff_dumps(left: Dump, right: Dump) -> list[str]:
    """Readable differences (first few per table); empty when equal."""
    problems = []
    for table in sorted(set(left) | set(right)):
        a, b = Counter(left.get(table, [])), Counter(right.get(table, []))
        if a == b:
            continue
        only_left, only_right = list((a - b).elements()), list((b - a).elements())
        problems.append(
            f"{table}: {len(only_left)} rows only in the first, {len(only_right)} only in the "
            f"second; e.g. {only_left[:2]} vs {only_right[:2]}"
        )
    return problems


def duplicates(dump: Dump) -> dict[str, int]:
    """Tables holding identical rows more than once, with how many extra."""
    extra = {}
    for table, rows in dump.items():
        counts = Counter(rows)
        surplus = sum(n - 1 for n in counts.values() if n > 1)
        if surplus:
            extra[table] = surplus
    return extra


# --- ground truth and invariants ----------------------------------------------------------------


def months(start: str, end: str) -> list[YearMonth]:
    month, last, out = YearMonth.parse(start), YearMonth.parse(end), []
    while month <= last:
        out.append(month)
        month = month.next()
    return out


def done_ids(engine: Engine, kind: str) -> set[int]:
    """Titles stored (with synced_at) or recorded as skipped."""
    with engine.connect() as connection:
        stored = connection.scalars(
            select(Content.tmdb_id).where(Content.type == kind, Content.synced_at.is_not(None))
        )
        skipped = connection.scalars(select(SkippedTitle.tmdb_id).where(SkippedTitle.type == kind))
        return set(stored) | set(skipped)


def expected_ids(catalogue: Catalogue, kind: str, start: str, end: str) -> set[int]:
    return {
        tmdb_id
        for month in months(start, end)
        for tmdb_id in catalogue.month_ids(kind, month.year, month.month)
    }


def log_windows(engine: Engine) -> list[tuple[str, date, date, int, bool]]:
    """(kind, gte, lte, last_completed_page, is_completed) per window of every log row.

    A log row without window rows (or before windows existed) is one window: its whole month.
    """
    from sqlalchemy import inspect

    from tmdbsync.sync.windows import month_window

    out: list[tuple[str, date, date, int, bool]] = []
    with engine.connect() as connection:
        has_windows = "content_sync_window" in inspect(connection).get_table_names()
        logs = connection.execute(select(Base.metadata.tables["content_sync_log"])).mappings().all()
        windows: dict[int, list[Any]] = {}
        if has_windows:
            for window in connection.execute(
                select(Base.metadata.tables["content_sync_window"])
            ).mappings():
                windows.setdefault(window["log_id"], []).append(window)
    for log in logs:
        if windows.get(log["id"]):
            for w in windows[log["id"]]:
                out.append(
                    (log["type"], w["gte"], w["lte"], w["last_completed_page"], w["is_completed"])
                )
        else:
            gte, lte = month_window(YearMonth(log["year"], log["month"]))
            out.append((log["type"], gte, lte, log["last_completed_page"], log["is_completed"]))
    return out


def log_ahead_of_data(engine: Engine, catalogue: Catalogue) -> list[str]:
    """Windows whose completed pages list a title that is neither stored nor skipped."""
    problems = []
    done = {kind: done_ids(engine, kind) for kind in KINDS}
    for kind, gte, lte, page, completed in log_windows(engine):
        listed = catalogue.window_ids(kind, gte, lte)
        covered = listed if completed else listed[: page * PAGE_SIZE]
        missing = [i for i in covered if i not in done[kind]]
        if missing:
            problems.append(
                f"{kind} {gte}..{lte} at page {page} (completed={completed}) lacks {missing[:5]}"
            )
    return problems


def half_stored(engine: Engine) -> int:
    """Content rows without synced_at: a title stored only in part."""
    with engine.connect() as connection:
        return len(connection.scalars(select(Content.id).where(Content.synced_at.is_(None))).all())


def text_columns(engine: Engine) -> Iterable[tuple[str, str, str]]:
    """(table, column, value) of every non-null text value in the database."""
    from sqlalchemy import String, Text, inspect

    with engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            table = Base.metadata.tables.get(name)
            if table is None:
                from sqlalchemy import MetaData, Table

                table = Table(name, MetaData(), autoload_with=connection)
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            for row in connection.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        yield name, column.name, str(value)


def quiet_fake_server(monkeypatch: Any) -> None:
    """Killed clients reset their connections; the fake's socketserver prints each one."""
    from tmdbsync.fakeapi import handler

    monkeypatch.setattr(handler.Server, "handle_error", lambda self, request, address: None)


# --- running the sync in this process ------------------------------------------------------------


def settings_for(
    fake: FakeApi, database_url: str, start: str, end: str, **overrides: Any
) -> Settings:
    """Settings pointed at `fake`: unlimited quotas, a fast rate limit and immediate retries
    unless overridden."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "tmdb_api_key": fake.tmdb_api_key,
        "tmdb_access_token": None,
        "omdb_api_key": fake.omdb_api_key,
        "tmdb_base_url": fake.tmdb_url,
        "omdb_base_url": fake.omdb_url,
        "start": YearMonth.parse(start),
        "end": YearMonth.parse(end),
        "tmdb_daily_quota": 0,
        "omdb_daily_quota": 0,
        "rate_limit": "1000/1s",
        "omdb_rate_limit": "1000/1s",
        "retry_backoff": 0,  # retries against the local fake go at once
    }
    values.update(overrides)
    return load_settings(**values)


def sync_in_process(settings: Settings, engine: Engine, **options: Any) -> Summary:
    return asyncio.run(sync_contents(settings, engine, **options))


def ledger_total(engine: Engine, provider: str = "tmdb") -> int:
    with engine.connect() as connection:
        total = connection.scalar(
            select(func.coalesce(func.sum(ApiUsage.requests), 0)).where(
                ApiUsage.provider == provider
            )
        )
        return int(total or 0)
