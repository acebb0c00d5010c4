"""Throw-away PostgreSQL schemas, so tests and benchmarks run the real migrations on a clean slate
without a database of their own (`TMDBSYNC_TEST_POSTGRES_URL`, trust auth on loopback by default).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from tmdbsync.db.urls import normalise

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def scratch_url() -> str:
    return normalise(os.environ.get("TMDBSYNC_TEST_POSTGRES_URL", DEFAULT_URL))


def unavailable() -> str | None:
    """Why PostgreSQL cannot be used (one line), or None when it answers."""
    try:
        probe = create_engine(scratch_url(), connect_args={"connect_timeout": 3})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL not reachable at {scratch_url()}: {first}"
    return None


@contextmanager
def scratch_schema(prefix: str) -> Iterator[str]:
    """A URL whose search_path is a brand-new schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    base = scratch_url()
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
