"""The command-line conventions: --version, shell completion, --database/--env-file, `config`."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from tmdbsync.cli import app
from tmdbsync.db.engine import make_engine

SECRET = "canary-4c1d-secret"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TMDB_API_KEY", "TMDBSYNC_DATABASE_URL", "TMDBSYNC_START", "TMDBSYNC_PEOPLE"):
        monkeypatch.delenv(name, raising=False)


def invoke(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_version_is_the_installed_package_version() -> None:
    assert invoke("--version").strip() == f"tmdbsync {version('tmdbsync')}"


def test_the_installed_command_prints_its_version(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "tmdbsync"
    if not command.exists():
        pytest.skip(f"no console script beside {sys.executable}")
    result = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tmdbsync "), result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_are_generated(shell: str) -> None:
    result = CliRunner().invoke(
        app, [], prog_name="tmdbsync", env={"_TMDBSYNC_COMPLETE": f"source_{shell}"}
    )
    assert result.exit_code == 0, result.output
    assert "_TMDBSYNC_COMPLETE" in result.stdout, result.output


def test_completion_completes_command_names() -> None:
    env = {"_TMDBSYNC_COMPLETE": "complete_bash", "COMP_WORDS": "tmdbsync sta", "COMP_CWORD": "1"}
    result = CliRunner().invoke(app, [], prog_name="tmdbsync", env=env)
    assert result.stdout.split() == ["status"]


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["status"], ["config"], ["status", "--json"]]
)
def test_database_option_takes_a_file_path_or_url(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "by-path.db"
    if command[0] == "status":  # status reads a database, never creates one
        invoke("db", "upgrade", "--database", str(path))
    invoke(*command, "--database", str(path))
    if command[0] == "config":
        assert not path.exists(), "config opens no database"
    else:
        assert "content_sync_log" in inspect(make_engine(f"sqlite:///{path}")).get_table_names()
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    shown = invoke("config", "--database", url)
    assert f"TMDBSYNC_DATABASE_URL        {url}  option" in shown


def test_every_database_command_has_the_shared_options() -> None:
    for command in (["status"], ["config"], ["db", "upgrade"], ["demo"]):
        text = invoke(*command, "--help", env={"COLUMNS": "200"})
        assert "--database" in text, command
        assert "--env-file" in text, command


def test_config_names_each_source_and_hides_secrets(tmp_path: Path) -> None:
    env_file = tmp_path / "prod.env"
    env_file.write_text(f"TMDB_API_KEY={SECRET}\nTMDBSYNC_PEOPLE=all\nTMDBSYNC_AUDIT_DAYS=7\n")
    text = invoke(
        "config",
        "--env-file",
        str(env_file),
        "--database",
        "postgresql+psycopg://me:pw-canary@db/tmdb",
        env={"TMDBSYNC_AUDIT_DAYS": "3", "TMDBSYNC_START": "1990-01"},
    )
    rows = {line.split()[0]: line.split() for line in text.splitlines()}
    assert rows["TMDBSYNC_DATABASE_URL"][1:] == ["postgresql+psycopg://me:***@db/tmdb", "option"]
    assert rows["TMDBSYNC_START"][1:] == ["1990-01", "environment"]
    assert rows["TMDBSYNC_AUDIT_DAYS"][1:] == ["3", "environment"], "the environment wins"
    assert rows["TMDBSYNC_PEOPLE"][1:] == ["all", "env", "file", str(env_file)]
    assert rows["TMDB_API_KEY"][1:] == ["(set,", "hidden)", "env", "file", str(env_file)]
    assert rows["TMDBSYNC_HTTP_TIMEOUT"][1:] == ["30.0", "default"]
    assert SECRET not in text
    assert "pw-canary" not in text


def test_config_reads_dot_env_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TMDBSYNC_PEOPLE=none\n")
    rows = {line.split()[0]: line.split() for line in invoke("config").splitlines()}
    assert rows["TMDBSYNC_PEOPLE"][1:] == ["none", "env", "file", ".env"]


def test_a_missing_env_file_is_a_usage_error(tmp_path: Path) -> None:
    # Wide enough that Rich's error box does not wrap the (long, temporary) path.
    result = CliRunner().invoke(
        app, ["config", "--env-file", str(tmp_path / "nope.env")], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 2
    assert "nope.env" in result.output
