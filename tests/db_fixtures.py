"""Database fixtures shared by every test (loaded as a plugin from pyproject's addopts).

`engine` runs a test on a fresh SQLite file and, when a PostgreSQL server answers, again on a fresh
PostgreSQL schema. An unreachable PostgreSQL skips those runs with the reason shown. The PostgreSQL
runs carry the `postgres` marker, so `pytest -m "not postgres"` is a quick SQLite-only loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.db.scratch import scratch_schema, unavailable

_PG_REASON: list[str | None] = []


def postgres_skip_reason() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(unavailable())
    return _PG_REASON[0]


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'tmdbsync-test.db'}"


def fresh_postgres_url() -> Iterator[str]:
    """A URL whose search_path is a brand-new schema, dropped afterwards."""
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    with scratch_schema("t") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        yield from fresh_postgres_url()


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on each backend."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_database_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
