"""The demo's database file: the demo replaces only a file it created itself.

A demo database is marked with SQLite's `application_id` header field, so `tmdbsync demo
--database mirror.db` cannot delete a user's mirror nor turn notes.txt into a database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tmdbsync.errors import ConfigError

APPLICATION_ID = 0x746D6462  # "tmdb"
_HEADER = b"SQLite format 3\x00"


def made_by_demo(path: Path) -> bool:
    """Whether `path` is a SQLite file the demo created (header bytes 68-71: application_id)."""
    with path.open("rb") as file:
        header = file.read(72)
    return header.startswith(_HEADER) and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def claim(path: Path, *, force: bool) -> None:
    """Start the demo on an empty database at `path`, marked as the demo's.

    An existing file is replaced only if the demo made it, or with `force`; a directory never.
    """
    if path.is_dir():
        raise ConfigError(f"--database {path} is a directory; give a file name, e.g. demo.db")
    if path.exists() and not force and not made_by_demo(path):
        raise ConfigError(
            f"--database {path} exists and was not created by the demo; it is left alone. "
            "Give another file name, or --force to replace it"
        )
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        stale.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.close()
