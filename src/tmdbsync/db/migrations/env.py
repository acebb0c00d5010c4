"""Alembic environment: runs against the engine tmdbsync hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from tmdbsync.db.models import Base

# Any fixed number: the PostgreSQL advisory lock that lets one process at a time migrate.
MIGRATION_LOCK = 0x746D6462  # "tmdb"

engine: Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    # Two commands starting at once on a new database (two syncs, a sync and `status`) must not
    # both create the schema: the second waits for the first, then finds it up to date.
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        # pysqlite opens no transaction before DDL: take the write lock now, waiting for any
        # other writer (busy_timeout), so reading the version and migrating are one step.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
