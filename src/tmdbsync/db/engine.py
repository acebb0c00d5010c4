"""Engine creation and migrations: the same schema on SQLite (WAL, foreign keys) and PostgreSQL."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from sqlalchemy import Engine, String, column, create_engine, event, select, table
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from tmdbsync.db.urls import normalise
from tmdbsync.errors import FatalError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps
BUSY_TIMEOUT = 30.0  # seconds SQLite waits for another process's lock before "database is locked"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    _wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _wal(cursor: Any, attempts: int = 100) -> None:
    """Switch a new database file to WAL; a no-op once it is.

    The switch needs the file to itself and SQLite refuses it at once (no busy wait) while another
    process holds a lock, e.g. two commands starting on a new database: try again briefly.
    """
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


# What a database error's first line says, and what to tell the person who reads it.
_HINTS = (
    (
        ("readonly", "read-only"),
        "the database is read-only: make the file and its directory writable by this user",
    ),
    (
        ("disk is full", "no space left", "could not extend file", "diskfull"),
        "the disk is full: free some space",
    ),
    (
        ("database is locked", "database is busy"),
        "the database is busy: another process held "
        "its lock past the 30 s busy timeout; run again once it is done",
    ),
    (
        (
            "server closed the connection",
            "connection is closed",
            "terminating connection",
            "consuming input failed",
            "connection reset",
            "connection refused",
            "the connection is lost",
            "connection timed out",
            "could not receive data",
            "could not send data",
            "ssl syscall",
        ),
        "the connection to the database was lost (or refused): check the server",
    ),
    (
        ("unable to open database file", "is a directory"),
        "the database file cannot be opened: "
        "check that the path names a file (not a directory) in a directory that exists",
    ),
    (
        ("file is not a database",),
        "this file is not a SQLite database: point TMDBSYNC_DATABASE_URL at a database file",
    ),
)


def database_problem(exc: BaseException) -> str:
    """One line about a database error: its first line and what to do, never the SQL or its
    parameters (SQLAlchemy's own text carries both)."""
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    lines = [line.strip() for line in str(cause).strip().splitlines() if line.strip()]
    reason = lines[0] if lines else type(cause).__name__
    if isinstance(exc, SQLAlchemyError) and not isinstance(exc, DBAPIError):
        reason = reason.split(" (Background on this error")[0]
    lowered = f"{reason} {type(cause).__name__}".lower()
    hint = next((text for words, text in _HINTS if any(w in lowered for w in words)), None)
    return f"{reason}: {hint}" if hint else reason


def make_engine(url: str | SecretStr) -> Engine:
    """An engine for `url` (a SecretStr from Settings, so the password stays hidden elsewhere)."""
    url = normalise(url.get_secret_value() if isinstance(url, SecretStr) else url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # Alembic only where it migrates: `status` starts without

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration; an unreachable database is fatal with a one-line reason."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), "head")
    except SQLAlchemyError as exc:
        url = engine.url.render_as_string(hide_password=True)
        raise FatalError(f"database {url} is unusable: {database_problem(exc)}") from None


_REVISION = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)


def script_revisions() -> tuple[str, set[str]]:
    """(head, every revision) of the migration scripts, read as text: loading them with Alembic
    (its import and every script's) took a fifth of a second of `status`. Several heads (a merge
    of two branches' migrations not yet resolved) come out as one comma-separated head."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            ids = re.findall(r"[\"']([^\"']+)[\"']", value)
            (revisions if name == "revision" else parents).update(ids)
    return ",".join(sorted(revisions - parents)), revisions


def schema_problem(engine: Engine) -> str | None:
    """Why the database is not at this version's schema, None when it is; reads, never migrates
    (`status` must not change the schema it reports on)."""
    head, known = script_revisions()
    try:
        with engine.connect() as connection:
            stamped = connection.dialect.has_table(connection, VERSION_TABLE)
            query = select(column("version_num", String)).select_from(table(VERSION_TABLE))
            current = ",".join(sorted(connection.scalars(query))) if stamped else ""
    except SQLAlchemyError as exc:
        url = engine.url.render_as_string(hide_password=True)
        raise FatalError(f"database {url} is unusable: {database_problem(exc)}") from None
    if current == head:
        return None
    if not current:
        return "has no tmdbsync tables yet"
    if current not in known:
        return f"was migrated by a newer tmdbsync (revision {current}); upgrade tmdbsync"
    return f"is at migration {current}, this tmdbsync needs {head}"
