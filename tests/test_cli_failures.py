"""Every failure a person can fix is one line and exit 2; demo and status never destroy or invent.

Argument and validation cases run through Typer's CliRunner; the real entry point (a subprocess)
covers what needs a process of its own: a port in use, a read-only file, a full disk.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_support import error_lines
from tests.test_cli import cli, fake_env
from tmdbsync.cli import app
from tmdbsync.db import engine as engine_module
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.hostile import redirect
from tmdbsync.settings import Settings

PASSWORD = "pw-canary-4711"
runner = CliRunner()


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for field in Settings.model_fields.values():
        monkeypatch.delenv(str(field.validation_alias), raising=False)


def one_error_line(stderr: str) -> str:
    """The single `error:` line of stderr; fails on a traceback or a second line."""
    assert "Traceback" not in stderr
    assert "[SQL" not in stderr
    assert "parameters" not in stderr
    lines = error_lines(stderr)
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("sqlite://relative.db", "sqlite:///relative.db"),
        (f"postgresql+psycopg2://me:{PASSWORD}@localhost/db", "postgresql+psycopg://"),
        (f"mysql://me:{PASSWORD}@localhost/db", "'mysql' databases are not supported"),
        ("foo://bar", "'foo' databases are not supported"),
        ("sqlite://", "in-memory SQLite database is lost"),
        ("sqlite:///:memory:", "in-memory SQLite database is lost"),
        (f"nonsense://me:{PASSWORD}@@", "sqlite:///tmdbsync.db"),
    ],
)
@pytest.mark.parametrize("command", [["sync"], ["status"], ["db", "upgrade"]])
def test_each_bad_database_url_is_one_line_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, url: str, hint: str, command: list[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TMDBSYNC_DATABASE_URL", url)
    monkeypatch.setenv("TMDB_API_KEY", "k")
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    line = one_error_line(result.stderr)
    assert hint in line
    assert "TMDBSYNC_DATABASE_URL" in line
    assert PASSWORD not in result.output
    assert list(tmp_path.iterdir()) == [], "a file was created"


def test_status_on_a_missing_file_is_exit_2_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "mistyped.db"
    monkeypatch.setenv("TMDBSYNC_DATABASE_URL", f"sqlite:///{missing}")
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert str(missing) in one_error_line(result.stderr)
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_status_names_the_database_it_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mirror.db'}"
    monkeypatch.setenv("TMDBSYNC_DATABASE_URL", url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("database: sqlite:///"), first
    assert first.endswith("/mirror.db"), "a long path is elided in its middle, to fit 80 columns"


def test_demo_refuses_a_file_it_did_not_create(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    mirror = tmp_path / "mirror.db"
    with sqlite3.connect(mirror) as connection:
        connection.execute("create table precious (x)")
    connection.close()
    before = mirror.read_bytes()
    for target in (notes, mirror):
        result = runner.invoke(app, ["demo", "--pages", "1", "--database", str(target)])
        assert result.exit_code == 2
        line = one_error_line(result.stderr)
        assert "not created by the demo" in line
        assert "--force" in line
    assert notes.read_text() == "my notes\n"
    assert mirror.read_bytes() == before


def test_demo_replaces_its_own_file_and_any_file_with_force(tmp_path: Path) -> None:
    target = tmp_path / "mirror.db"
    target.write_text("not a database")
    forced = runner.invoke(app, ["demo", "--pages", "1", "--database", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    again = runner.invoke(app, ["demo", "--pages", "1", "--database", str(target)])
    assert again.exit_code == 0, again.output
    with sqlite3.connect(target) as connection:
        assert connection.execute("select count(*) from content").fetchone()[0] > 0
    connection.close()


def test_demo_given_a_directory_is_one_line(tmp_path: Path) -> None:
    for force in ([], ["--force"]):
        result = runner.invoke(app, ["demo", "--database", str(tmp_path), *force])
        assert result.exit_code == 2
        assert "is a directory" in one_error_line(result.stderr)


def test_a_directory_as_the_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TMDBSYNC_DATABASE_URL", f"sqlite:///{tmp_path}")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "not a directory" in one_error_line(result.stderr)


def test_a_database_busy_past_its_timeout_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_api: FakeApi
) -> None:
    database = tmp_path / "busy.db"
    for name, value in fake_env(fake_api, database).items():
        monkeypatch.setenv(name, value)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT", 0.3)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("begin exclusive")
    try:
        result = runner.invoke(app, ["sync", "--max-pages", "1"])
    finally:
        holder.execute("rollback")
        holder.close()
    assert result.exit_code == 2, result.output
    assert "the database is busy" in one_error_line(result.stderr)
    assert runner.invoke(app, ["sync", "--max-pages", "1"]).exit_code == 0


def test_verbose_adds_the_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMDB_API_KEY", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("TMDBSYNC_DATABASE_URL", f"sqlite:///{tmp_path}")
    result = runner.invoke(app, ["sync", "-v"])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert "error: " in result.stderr.splitlines()[-1]


def test_a_redirecting_api_stops_the_sync_with_one_line(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.script(r"/3/discover/", [redirect("https://moved.example/3/discover/movie")] * 5)
    env = fake_env(fake_api, tmp_path / "r.db")
    result = cli("sync", "--no-tv", "--max-pages", "1", env=env, cwd=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert "moved.example" in line
    assert "TMDB_BASE_URL" in line
    assert fake_api.tmdb_api_key not in result.stderr + result.stdout
    assert fake_api.stats()["tmdb"] == 1


def test_fake_api_on_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("fake-api", "--port", str(port), env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "in use" in one_error_line(result.stderr)


def _without_root_powers() -> list[str]:
    """A prefix that runs a command without root's right to write any file."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only file is writable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_a_read_only_database_file_is_one_line(fake_api: FakeApi, tmp_path: Path) -> None:
    database = tmp_path / "ro.db"
    env = fake_env(fake_api, database)
    assert cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    database.chmod(0o444)
    result = subprocess.run(
        [*_without_root_powers(), *cli_command("sync", "--max-pages", "1")],
        env=cli_env(env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 2, result.stderr
    assert "read-only" in one_error_line(result.stderr)


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tmdbsync", *args]


def cli_env(env: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TMDB", "OMDB"))}
    return clean | env


@pytest.mark.parametrize("verbose", [False, True])
def test_a_bug_is_one_line_exit_1_and_never_shows_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_api: FakeApi, verbose: bool
) -> None:
    """An exception nothing describes is a bug: one line naming it (CONTRACT: without -v every
    failure is one line), exit 1; -v adds the traceback. The key it quotes is redacted in both."""
    for name, value in fake_env(fake_api, tmp_path / "bug.db").items():
        monkeypatch.setenv(name, value)
    key = os.environ["TMDB_API_KEY"]

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError(f"boom at https://api.themoviedb.org/3/movie/1?api_key={key}\nmore")

    monkeypatch.setattr("tmdbsync.sync.service.run_once", broken)
    result = runner.invoke(app, ["sync", "--max-pages", "1", *(["-v"] if verbose else [])])
    assert result.exit_code == 1, result.output
    assert key not in result.stderr
    assert ("Traceback" in result.stderr) is verbose
    line = error_lines(result.stderr)[-1]
    assert line.startswith("error: unexpected RuntimeError: boom at ")
    assert "run again with -v" in line
    if not verbose:
        assert one_error_line(result.stderr) == line
