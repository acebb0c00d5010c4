"""The `tmdbsync` command as a user runs it: exit codes, one-line errors, JSON status.

Argument and validation cases run the Typer app in this process (CliRunner); the end-to-end cases
start the real entry point, `python -m tmdbsync`, in a subprocess.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from tests.cli_support import error_lines as stderr_error_lines
from tmdbsync.cli import app
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
    """The real entry point in a subprocess, with only `env` of the contract's variables."""
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


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in `tmp_path` (no stray .env) and put back the root logger the command reconfigures."""
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield tmp_path
    root.handlers[:] = handlers
    root.setLevel(level)


def invoke(*args: str, env: dict[str, str]) -> Result:
    """The Typer app in this process, with only `env` of the contract's variables."""
    unset: dict[str, str | None] = dict.fromkeys(CONTRACT_ENV)
    return CliRunner().invoke(app, list(args), env=unset | env)


def error_lines(result: Result) -> list[str]:
    """The error lines on stderr, after checking the command ended on purpose (no crash) and
    printed no traceback; progress lines of a sync run (off a terminal) are not errors."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return stderr_error_lines(result.stderr)


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


def test_sync_without_credentials_names_the_variables_to_set(in_tmp: Path) -> None:
    result = invoke("sync", env={"TMDBSYNC_DATABASE_URL": f"sqlite:///{in_tmp}/x.db"})
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1, lines
    assert "TMDB_API_KEY" in lines[0]
    assert "TMDB_ACCESS_TOKEN" in lines[0]


def test_invalid_month_is_one_clear_line(in_tmp: Path) -> None:
    result = invoke("sync", env={"TMDBSYNC_START": "2024-13", "TMDB_API_KEY": "k"})
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1, lines
    assert "TMDBSYNC_START=2024-13" in lines[0]
    assert "YYYY-MM" in lines[0]


def test_unreachable_database_is_fatal_with_one_line(in_tmp: Path) -> None:
    env = {
        "TMDB_API_KEY": "k",
        "TMDBSYNC_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    }
    result = invoke("sync", env=env)
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1, lines
    assert "database" in lines[0]


def test_max_pages_below_one_is_a_usage_error(in_tmp: Path) -> None:
    result = invoke("sync", "--max-pages", "0", env={"TMDB_API_KEY": "k"})
    assert result.exit_code == 2
    assert "--max-pages" in "".join(error_lines(result))
    assert not list(in_tmp.iterdir()), "nothing was created"


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
    assert "Sync log" in table.stdout
    assert "2024-01" in table.stdout


def test_invalid_key_stops_the_run_with_a_non_zero_exit(fake_api: FakeApi, in_tmp: Path) -> None:
    env = fake_env(fake_api, in_tmp / "k.db") | {"TMDB_API_KEY": "not-the-key"}
    result = invoke("sync", env=env)
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1, lines
    assert "Invalid API key" in lines[0]
    assert "not-the-key" not in result.stderr + result.stdout


def test_db_upgrade_creates_the_schema(in_tmp: Path) -> None:
    result = invoke("db", "upgrade", env={"TMDBSYNC_DATABASE_URL": f"sqlite:///{in_tmp}/u.db"})
    assert result.exit_code == 0, result.stderr
    assert "up to date" in result.stdout
    assert (in_tmp / "u.db").exists()


def test_demo_fills_a_database_in_the_working_directory(tmp_path: Path) -> None:
    result = cli("demo", "--pages", "3", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tmdbsync-demo.db").exists()
    assert "Sync log" in result.stdout
    assert "movie" in result.stdout
    assert "tv" in result.stdout


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
        base = f"http://127.0.0.1:{port}"  # listening before the banner is printed
        genres = httpx.get(f"{base}/3/genre/movie/list", params={"api_key": "fake-tmdb-key"})
        assert genres.status_code == 200
        assert genres.json()["genres"]
        denied = httpx.get(f"{base}/3/genre/movie/list", params={"api_key": "wrong"})
        assert denied.status_code == 401
        omdb = httpx.get(f"{base}/omdb/", params={"apikey": "fake-omdb-key", "i": "tt0000001"})
        assert omdb.status_code in (200, 401)
        assert httpx.get(f"{base}/__stats").json()["requests"] >= 3
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("command", "says"),
    [(["sync", "--help"], "--max-pages"), (["status", "--help"], "--json"), (["--help"], "demo")],
)
def test_help_lists_the_options(command: list[str], says: str, in_tmp: Path) -> None:
    result = invoke(*command, env={})
    assert result.exit_code == 0, result.output
    assert says in result.stdout
