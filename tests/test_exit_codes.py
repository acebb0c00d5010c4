"""`tmdbsync sync` exit codes as CONTRACT.md lists them, with `--json` and an 80-column summary:
0 progress or a spent quota, 3 an upstream that kept failing, 4 another sync holding the lock."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.reliability_support import run_cli, sync_env
from tests.run_support import held_by, requests_of, runs
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.faults import Faults

FIELDS = {"exit_code", "stop_reason", "titles_stored", "titles_skipped", "requests"}


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path / 'mirror.db'}"
    engine = make_engine(url)
    upgrade(engine)
    return url, engine


def env_for(fake: FakeApi, url: str, **extra: str) -> dict[str, str]:
    return sync_env(fake, url, "2024-01", "2024-01", COLUMNS="80", **extra)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_fits_80_columns(text: str) -> None:
    assert all(len(line) <= 80 for line in text.splitlines()), text


def test_a_spent_quota_is_a_normal_stop_and_json_prints_the_run(
    fake_api: FakeApi, db: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = db
    env = env_for(fake_api, url, TMDBSYNC_TMDB_DAILY_QUOTA="30")
    result = run_cli(["sync", "--json"], env, tmp_path)

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) >= FIELDS
    assert document["exit_code"] == 0
    assert document["stop_reason"] == "daily quota spent"
    assert document["titles_stored"] > 0
    assert document["requests"]["tmdb"] == {"movie": 15, "tv": 15}
    [row] = runs(engine)
    assert row.summary is not None
    assert json.loads(row.summary) == document
    assert row.requests == requests_of(document)


def test_an_unreachable_tmdb_exits_3_with_one_short_stop_line(
    fake_api: FakeApi, db: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = db
    env = env_for(
        fake_api,
        url,
        TMDB_BASE_URL=f"http://127.0.0.1:{closed_port()}/3",
        TMDBSYNC_MAX_RETRIES="1",
    )
    result = run_cli(["sync"], env, tmp_path)

    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert_fits_80_columns(result.stdout)
    [row] = runs(engine)
    assert row.exit_code == 3
    assert row.stop_reason is not None
    assert "\n" not in row.stop_reason
    assert len(row.stop_reason) <= 160


def test_tmdb_answering_5xx_to_every_request_exits_3(
    fake_api: FakeApi, db: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = db
    fake_api.faults = Faults(error_rate=1.0)
    result = run_cli(["sync", "--json"], env_for(fake_api, url, TMDBSYNC_MAX_RETRIES="1"), tmp_path)

    assert result.returncode == 3, result.stderr
    document = json.loads(result.stdout)
    assert document["exit_code"] == 3
    assert document["titles_stored"] == 0
    assert "HTTP 5" in document["stop_reason"]
    assert "\n" not in document["stop_reason"]
    assert fake_api.stats()["tmdb"] > 0
    assert [row.exit_code for row in runs(engine)] == [3]


def test_another_sync_holding_the_lock_exits_4(
    fake_api: FakeApi, db: tuple[str, Engine], tmp_path: Path
) -> None:
    """This test's own process holds the lock (alive, on this host, beating now)."""
    url, engine = db
    holder = f"{socket.gethostname()}:{os.getpid()}"
    held_by(engine, holder)
    result = run_cli(["sync"], env_for(fake_api, url), tmp_path)

    assert result.returncode == 4, result.stderr
    assert holder in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert fake_api.stats()["tmdb"] == 0
