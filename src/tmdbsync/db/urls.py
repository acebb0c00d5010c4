"""Database URLs: which ones tmdbsync can use, a hint for each mistake, and printable forms.

Checked when settings are read, so a wrong URL is one line naming the fix before anything runs;
every form shown to a person has its password masked.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

EXAMPLES = (
    "sqlite:///tmdbsync.db (relative path), sqlite:////var/lib/tmdbsync.db (absolute) "
    "or postgresql+psycopg://user@host/db"
)
_PASSWORD = re.compile(r"(://[^/:@]*:).*@")
_SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")
_POSTGRES_DRIVERS = ("postgresql", "postgres", "postgresql+psycopg")


def mask(text: str) -> str:
    """`text` with the password of any URL in it as `***` (works on unparseable URLs too)."""
    return _PASSWORD.sub(r"\1***@", text)


def parse(url: str) -> URL:
    """The URL as SQLAlchemy reads it, or ValueError with a hint (never the password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL; expected {EXAMPLES}") from None
    problem = _problem(parsed)
    if problem:
        raise ValueError(problem)
    return parsed


def _problem(url: URL) -> str | None:
    backend, driver = url.get_backend_name(), url.drivername
    if backend == "sqlite":
        if driver not in _SQLITE_DRIVERS:
            return f"driver {driver!r} is not supported; use sqlite:///file.db"
        if url.host:
            where = url.host + (f"/{url.database}" if url.database else "")
            return (
                f"sqlite://{where} names a host, not a file; use three slashes for a "
                f"relative path (sqlite:///{where}) or four for an absolute one "
                f"(sqlite:////path/to/{where.rsplit('/', 1)[-1]})"
            )
        if not url.database or url.database == ":memory:":
            return (
                "an in-memory SQLite database is lost when the command ends, with everything "
                "synced into it; give a file: sqlite:///tmdbsync.db"
            )
        return None
    if backend in ("postgresql", "postgres"):
        if driver == "postgresql+psycopg2":
            return (
                "psycopg2 is not what tmdbsync ships: it uses psycopg 3; "
                "write postgresql+psycopg://… (or plain postgresql://…)"
            )
        if driver not in _POSTGRES_DRIVERS:
            return f"driver {driver!r} is not supported; write postgresql+psycopg://…"
        return None
    return f"{backend!r} databases are not supported; use SQLite or PostgreSQL: {EXAMPLES}"


def normalise(url: str) -> str:
    """Let users write plain `postgresql://`; we ship psycopg 3, not psycopg2."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def shown(url: str) -> str:
    """The URL fit for printing: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return mask(url)
