"""`tmdbsync config`: every effective setting and where it came from, secrets hidden.

The order of precedence is pydantic-settings' own: a command-line option, then the environment,
then the .env file (or `--env-file`), then the default. Names are matched as pydantic-settings
matches them, without regard to case.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values
from pydantic import SecretStr

from tmdbsync.settings import Settings, env_name

DEFAULT_ENV_FILE = Path(".env")


@dataclass(frozen=True)
class Entry:
    variable: str
    value: str
    source: str


def _shown(settings: Settings, field: str) -> str:
    if field == "database_url":
        return settings.safe_database_url
    value = getattr(settings, field)
    if value is None:
        return "(not set)"
    if isinstance(value, SecretStr):
        return "(set, hidden)"
    return str(value).lower() if isinstance(value, bool) else str(value)


def describe(settings: Settings, options: set[str], env_file: Path | None) -> list[Entry]:
    """One entry per setting, in the order Settings declares them.

    `options` names the fields a command-line option set; `env_file` is `--env-file`, else
    ./.env is read (as Settings reads it).
    """
    path = env_file or DEFAULT_ENV_FILE
    from_file = {k.upper() for k in dotenv_values(path)} if path.is_file() else set()
    environment = {k.upper() for k in os.environ}
    entries = []
    for field in Settings.model_fields:
        variable = env_name(field)
        if field in options:
            source = "option"
        elif variable in environment:
            source = "environment"
        elif variable in from_file:
            source = f"env file {path}"
        else:
            source = "default"
        entries.append(Entry(variable, _shown(settings, field), source))
    return entries
