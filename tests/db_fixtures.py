"""Database fixtures shared by every test (loaded as a plugin from pyproject's addopts).

`engine` runs a test on a fresh SQLite file and, when a PostgreSQL server answers, again on a fresh
PostgreSQL schema. An unreachable PostgreSQL skips those runs with the reason shown. The PostgreSQL
runs carry the `postgres` marker, so `pytest -m "not postgres"` is a quick SQLite-only loop.

A migrated database is a copy of one that the real migrations built once per test process: a file
copy on SQLite, the schema's `pg_dump` replayed on PostgreSQL. Running the ten migrations again for
every test cost about a second each; `test_migrations.py` still runs them from scratch on both.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.db.scratch import scratch_schema, scratch_url, unavailable

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


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file the migrations built, to copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closing folds the WAL back into the file
    return path


@cache
def _migrated_postgres_script() -> str | None:
    """The SQL that rebuilds a migrated schema (its name left as `{schema}`), or None when pg_dump
    is not installed (each test then runs the migrations)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    base = make_url(scratch_url())
    with scratch_schema("template") as url:
        engine = make_engine(url)
        upgrade(engine)
        with engine.connect() as connection:
            schema = connection.execute(text("select current_schema()")).scalar_one()
            version = connection.execute(text("select version_num from alembic_version")).scalar()
        engine.dispose()
        dump = subprocess.run(
            [pg_dump, "--schema-only", "--no-owner", "--no-privileges", f"--schema={schema}"],
            env={
                "PGHOST": base.host or "127.0.0.1",
                "PGPORT": str(base.port or 5432),
                "PGUSER": base.username or "postgres",
                "PGPASSWORD": base.password or "",
                "PGDATABASE": base.database or "",
            },
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    # Leave out psql meta-commands (\restrict), session settings and the schema's own CREATE (the
    # fixture made it already).
    skipped = ("\\", "SET ", "SELECT pg_catalog.set_config", "CREATE SCHEMA")
    lines = [line for line in dump.splitlines() if not line.startswith(skipped)]
    script = "\n".join(lines).replace("{", "{{").replace("}", "}}").replace(schema, "{schema}")
    return script + f"\nINSERT INTO {{schema}}.alembic_version VALUES ('{version}');\n"


def _migrate(engine: Engine, sqlite_template: Path) -> None:
    """Turn the empty database behind `engine` into a migrated one, by copy where it can."""
    if engine.dialect.name == "sqlite":
        assert engine.url.database is not None
        shutil.copyfile(sqlite_template, engine.url.database)
        return
    script = _migrated_postgres_script()
    if script is None:
        upgrade(engine)
        return
    with engine.begin() as connection:
        schema = connection.execute(text("select current_schema()")).scalar_one()
        connection.exec_driver_sql(script.format(schema=schema))


@pytest.fixture
def engine(database_url: str, _migrated_sqlite: Path) -> Iterator[Engine]:
    """A migrated engine on each backend."""
    engine = make_engine(database_url)
    _migrate(engine, _migrated_sqlite)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_database_url: str, _migrated_sqlite: Path) -> Iterator[Engine]:
    engine = make_engine(sqlite_database_url)
    _migrate(engine, _migrated_sqlite)
    yield engine
    engine.dispose()
