"""Options every database command shares (`--database`, `--env-file`) and the settings they make.

One definition, so `sync`, `status`, `db upgrade`, `demo` and `config` spell and explain them alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tmdbsync.settings import Settings, load_settings

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL, or a file path meaning SQLite [default: TMDBSYNC_DATABASE_URL].",
        show_default=False,
    ),
]
EnvFileOption = Annotated[
    Path | None,
    typer.Option(
        "--env-file",
        help="Read settings from this file instead of ./.env (the environment still wins).",
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]


def database_url(value: str) -> str:
    """A SQLAlchemy URL as given, or a file path turned into a SQLite URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def option_overrides(database: str | None) -> dict[str, Any]:
    """The settings the command-line options set (they win over environment and .env)."""
    return {} if database is None else {"database_url": database_url(database)}


def cli_settings(database: str | None, env_file: Path | None, **overrides: Any) -> Settings:
    """Settings from options, then environment, then the .env file (or `--env-file`), then defaults.

    Raises ConfigError with one line per invalid value.
    """
    if env_file is not None:
        overrides["_env_file"] = env_file
    return load_settings(**option_overrides(database), **overrides)
