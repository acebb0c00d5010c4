"""One mapping from how a command ended to CONTRACT.md's exit code, and Ctrl-C during the
migration a sync starts with: one line and 130, never a traceback."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

from tests.cli_support import error_lines
from tmdbsync.db.engine import make_engine, schema_problem
from tmdbsync.errors import (
    AlreadyRunning,
    AuthError,
    ConfigError,
    FatalError,
    QuotaExhausted,
    RetryableError,
)
from tmdbsync.exits import exit_code


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        (None, 0),
        (ConfigError("TMDB_API_KEY is not set"), 2),
        (AuthError("tmdb rejected the key"), 2),
        (FatalError("database is unusable"), 2),
        (QuotaExhausted("tmdb", "movie"), 2),
        (OperationalError("select 1", {}, Exception("database is locked")), 2),
        (OSError(28, "No space left on device"), 2),
        (RetryableError("tmdb GET /discover/movie: HTTP 503"), 3),
        (AlreadyRunning("another tmdbsync sync is running"), 4),
        (KeyboardInterrupt(), 130),
        (asyncio.CancelledError(), 130),
        (signal.SIGINT, 130),
        (signal.SIGTERM, 143),
        (signal.SIGHUP, 143),
        (RuntimeError("a bug"), 1),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, int) else str(value),
)
def test_every_outcome_has_contracts_exit_code(outcome: BaseException | None, code: int) -> None:
    assert exit_code(outcome) == code


def test_an_outage_without_progress_is_3_and_forever_ends_0_on_sigterm_only() -> None:
    assert exit_code(None, upstream_down=True) == 3
    assert exit_code(signal.SIGTERM, forever=True) == 0
    assert exit_code(signal.SIGHUP, forever=True) == 0
    assert exit_code(signal.SIGINT, forever=True) == 130


INTERRUPT_MIGRATION = """
import os, signal, sys, time
from alembic.runtime import migration

migrate = migration.MigrationContext.run_migrations


def interrupted(self, **kwargs):
    migrate(self, **kwargs)  # every table made, the migration's transaction not yet committed
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(60)


migration.MigrationContext.run_migrations = interrupted
from tmdbsync.cli import main

sys.argv = ["tmdbsync", "sync"]
main()
"""


def test_ctrl_c_during_the_migration_is_one_line_and_130(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mirror.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMDB", "OMDB", "TRAKT"))}
    env |= {
        "TMDBSYNC_DATABASE_URL": url,
        "TMDB_API_KEY": "k",
        "TMDB_BASE_URL": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT_MIGRATION],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    [line] = error_lines(result.stderr)
    assert line.startswith("error: stopped by SIGINT (Ctrl-C)")
    engine = make_engine(url)
    assert inspect(engine).get_table_names() == [], "the migration's one transaction rolled back"
    assert schema_problem(engine) == "has no tmdbsync tables yet"
