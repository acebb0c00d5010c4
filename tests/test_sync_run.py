"""The run record: one `sync_run` row per run, written at its start and finished at its end,
so the last result is known even after a crash (finished_at NULL = still running or died)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.reliability_support import ledger_total, quiet_fake_server
from tests.run_support import lock_rows, runs, slow_env, start_and_wait, stop_with
from tests.sync_support import fake_settings, run
from tmdbsync.db.models import SyncRun
from tmdbsync.errors import ConfigError
from tmdbsync.fakeapi import FakeApi
from tmdbsync.kinds import Kind
from tmdbsync.omdb import OmdbClient
from tmdbsync.quota import QuotaLedger
from tmdbsync.sync.context import Progress
from tmdbsync.sync.service import run_once
from tmdbsync.sync.windows import LogRow
from tmdbsync.tmdb import TmdbClient


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet_fake_server(monkeypatch)


def spent(engine: Engine) -> int:
    return sum(ledger_total(engine, provider) for provider in ("tmdb", "omdb", "trakt"))


def test_a_finished_run_records_its_outcome_counts_and_summary(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    summary = run(fake_settings(fake_api, database_url, tmdb_daily_quota=40), engine)

    [row] = runs(engine)
    assert row.finished_at is not None
    assert row.started_at <= row.finished_at
    assert (row.mode, row.exit_code, row.pid) == ("once", 0, os.getpid())
    assert row.stop_reason == "daily quota spent"
    assert row.titles_stored == summary.titles_stored > 0
    assert row.titles_skipped == summary.titles_skipped
    assert row.requests == spent(engine) > 0
    assert row.summary is not None
    document = json.loads(row.summary)
    assert document["exit_code"] == 0
    assert document["run_id"] == row.id
    assert document["requests"]["tmdb"]["movie"] + document["requests"]["tmdb"]["tv"] == 40
    assert document["kinds"]["movie"]["titles"] == summary.movie.titles


def test_each_run_counts_only_its_own_requests(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    """Two runs on one day: the second row's requests are what the second run sent."""
    settings = fake_settings(fake_api, database_url, end="2024-02")
    run(settings, engine, max_pages=2)
    before = spent(engine)
    run(settings, engine, max_pages=3)

    first, second = runs(engine)
    assert first.requests == before > 0
    assert second.requests == spent(engine) - before > 0
    assert second.id > first.id


def test_a_run_killed_with_sigkill_leaves_its_row_unfinished(
    fake_api: FakeApi, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    process = start_and_wait(["sync"], slow_env(fake_api, database_url), tmp_path, fake_api, engine)
    process.kill()
    process.communicate(timeout=60)

    [row] = runs(engine)
    assert row.pid == process.pid
    assert row.finished_at is None
    assert row.exit_code is None
    assert row.stop_reason is None


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 143)],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_a_signal_stops_the_run_cleanly_and_records_it(
    fake_api: FakeApi,
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    signum: signal.Signals,
    code: int,
) -> None:
    """Exit 130 / 143, the lock row gone, the row finished with the signal's code, and a word
    on what was saved."""
    process = start_and_wait(["sync"], slow_env(fake_api, database_url), tmp_path, fake_api, engine)
    returncode, out, err = stop_with(process, signum)

    assert returncode == code, err
    assert "Traceback" not in err
    [row] = runs(engine)
    assert row.finished_at is not None
    assert row.exit_code == code
    assert row.stop_reason is not None
    assert signum.name in row.stop_reason
    assert "the next run resumes" in row.stop_reason
    assert "the next run resumes" in out
    assert lock_rows(engine) == 0


class TermAfterFirstPage(Progress):
    """Sends this process SIGTERM once the first discover page is stored."""

    def page_done(self, kind: Kind, row: LogRow, page: int) -> None:
        os.kill(os.getpid(), signal.SIGTERM)


def test_sigterm_gives_back_the_unused_quota_leases(
    fake_api: FakeApi, engine: Engine, database_url: str
) -> None:
    """At 1000 req/s requests are reserved 12 at a time; after SIGTERM the ledger holds exactly
    what reached the API (nothing was on the wire when the signal came, between pages)."""
    settings = fake_settings(fake_api, database_url, people="none", omdb_api_key=None)
    summary = asyncio.run(
        run_once(settings, engine, kinds=("movie",), max_pages=None, progress=TermAfterFirstPage())
    )

    assert summary.exit_code == 143
    assert summary.movie.pages == 1
    assert ledger_total(engine, "tmdb") == fake_api.stats()["tmdb"] == summary.requests_total
    assert lock_rows(engine) == 0
    [row] = runs(engine)
    assert isinstance(row, SyncRun)
    assert row.exit_code == 143


def test_a_failing_release_still_frees_the_lock_and_finishes_the_row(
    fake_api: FakeApi, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each resource is released whatever another's release raised (issue 13)."""

    def broken(self: QuotaLedger) -> None:
        raise RuntimeError("ledger release failed")

    monkeypatch.setattr(QuotaLedger, "release", broken)
    with pytest.raises(RuntimeError, match="ledger release failed"):
        run(fake_settings(fake_api, database_url), engine, max_pages=1)

    assert lock_rows(engine) == 0
    [row] = runs(engine)
    assert row.finished_at is not None
    assert row.exit_code == 1
    assert row.stop_reason == "ledger release failed"


def test_a_client_that_cannot_be_built_still_frees_the_lock_and_closes_the_others(
    fake_api: FakeApi, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while the run's resources are being built releases those built before it."""
    closed: list[str] = []
    close = TmdbClient.aclose

    async def aclose(self: TmdbClient) -> None:
        closed.append("tmdb")
        await close(self)

    def broken(*args: object, **kwargs: object) -> None:
        raise ConfigError("OMDb client could not be built")

    monkeypatch.setattr(TmdbClient, "aclose", aclose)
    monkeypatch.setattr(OmdbClient, "from_settings", broken)
    with pytest.raises(ConfigError, match="could not be built"):
        run(fake_settings(fake_api, database_url), engine, max_pages=1)

    assert closed == ["tmdb"]
    assert lock_rows(engine) == 0
    [row] = runs(engine)
    assert row.finished_at is not None
    assert row.exit_code == 2
