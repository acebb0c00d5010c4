"""The `tmdbsync` command as a user runs it: exit codes, one-line errors, JSON status."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tmdbsync.fakeapi import FakeApi

CONTRACT_ENV = (
    "TMDBSYNC_DATABASE_URL",
    "TMDB_API_KEY",
    "TMDB_ACCESS_TOKEN",
    "OMDB_API_KEY",
    "TMDB_BASE_URL",
    "OMDB_BASE_URL",
    "TMDBSYNC_START",
    "TMDBSYNC_END",
)


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CONTRACT_ENV}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tmdbsync", *args],
        env=clean,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )


def fake_env(fake: FakeApi, db: Path) -> dict[str, str]:
    return {
        "TMDBSYNC_DATABASE_URL": f"sqlite:///{db}",
        "TMDB_API_KEY": fake.tmdb_api_key,
        "OMDB_API_KEY": fake.omdb_api_key,
        "TMDB_BASE_URL": fake.tmdb_url,
        "OMDB_BASE_URL": fake.omdb_url,
        "TMDBSYNC_START": "2024-01",
        "TMDBSYNC_END": "2024-02",
        "TMDBSYNC_RATE_LIMIT": "500/1s",
    }


def test_sync_without_credentials_names_the_variables_to_set(tmp_path: Path) -> None:
    result = cli("sync", env={"TMDBSYNC_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "TMDB_API_KEY" in result.stderr and "TMDB_ACCESS_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_month_is_one_clear_line(tmp_path: Path) -> None:
    result = cli("sync", env={"TMDBSYNC_START": "2024-13", "TMDB_API_KEY": "k"}, cwd=tmp_path)
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "TMDBSYNC_START=2024-13" in message and "YYYY-MM" in message
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_fatal_with_one_line(tmp_path: Path) -> None:
    env = {
        "TMDB_API_KEY": "k",
        "TMDBSYNC_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    }
    result = cli("sync", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "database" in result.stderr and "Traceback" not in result.stderr


def test_sync_then_status_json_reports_the_log_and_quota(fake_api: FakeApi, tmp_path: Path) -> None:
    env = fake_env(fake_api, tmp_path / "s.db")
    result = cli("sync", "--no-tv", "--max-pages", "2", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Sync summary" in result.stdout
    status = cli("status", "--json", env=env, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    log = report["sync_log"]
    assert [(r["type"], r["year"], r["month"]) for r in log][:1] == [("movie", 2024, 1)]
    assert log[0]["last_completed_page"] == 2
    assert report["quota"]["tmdb"]["movie"]["used"] == fake_api.stats()["tmdb"]
    assert report["quota"]["tmdb"]["movie"]["limit"] == 500
    assert report["totals"]["content"]["tv"] == 0
    table = cli("status", "--months", env=env, cwd=tmp_path)
    assert "Sync log" in table.stdout and "2024-01" in table.stdout


def test_invalid_key_stops_the_run_with_a_non_zero_exit(fake_api: FakeApi, tmp_path: Path) -> None:
    env = fake_env(fake_api, tmp_path / "k.db") | {"TMDB_API_KEY": "not-the-key"}
    result = cli("sync", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Invalid API key" in result.stderr
    assert "not-the-key" not in result.stderr + result.stdout


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    env = {"TMDBSYNC_DATABASE_URL": f"sqlite:///{tmp_path}/u.db"}
    result = cli("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "u.db").exists()


def test_demo_fills_a_database_in_the_working_directory(tmp_path: Path) -> None:
    result = cli("demo", "--pages", "3", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tmdbsync-demo.db").exists()
    assert "Sync log" in result.stdout and "movie" in result.stdout and "tv" in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_fake_api_command_serves_tmdb_and_omdb(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tmdbsync", "fake-api", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"127.0.0.1:{port}/3" in banner
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                genres = httpx.get(
                    f"{base}/3/genre/movie/list", params={"api_key": "fake-tmdb-key"}
                )
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert genres.status_code == 200 and genres.json()["genres"]
        denied = httpx.get(f"{base}/3/genre/movie/list", params={"api_key": "wrong"})
        assert denied.status_code == 401
        omdb = httpx.get(f"{base}/omdb/", params={"apikey": "fake-omdb-key", "i": "tt0000001"})
        assert omdb.status_code in (200, 401)
        assert httpx.get(f"{base}/__stats").json()["requests"] >= 3
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("command", [["sync", "--help"], ["status", "--help"], ["--help"]])
def test_help_runs(command: list[str], tmp_path: Path) -> None:
    assert cli(*command, env={}, cwd=tmp_path).returncode == 0
