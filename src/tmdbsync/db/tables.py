"""The tables `tmdbsync status` reads, as SQLAlchemy Core handles: no ORM, no MetaData.

A cron job or a monitoring probe runs `status` in a fresh process each time, and importing the
ORM models (mapping some 45 classes, SQLAlchemy's ORM with them) was a third of its start-up.
These handles name only the columns that `status`, the quota ledger (quota.py) and the run lock
(sync/lock.py) use, with the models' types so values bind and read back alike (UtcDateTime,
Boolean on SQLite). The models stay the schema: tests/test_status.py checks these against them.
The last two write with `insert`, whose dialect is imported only when they do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Connection, Date, Integer, String, TableClause, Text, column, table

from tmdbsync.db.types import UtcDateTime

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

api_usage = table(
    "api_usage",
    column("id", Integer),
    column("provider", String),
    column("day", Date),
    column("bucket", String),
    column("requests", Integer),
)
content = table(
    "content",
    column("type", String),
    column("imdb_id", Text),
    column("omdb_status", String),
)
content_change_log = table(
    "content_change_log",
    column("type", String),
    column("day", Date),
    column("end_day", Date),
    column("is_completed", Boolean),
)
content_sync_log = table(
    "content_sync_log",
    column("type", String),
    column("year", Integer),
    column("month", Integer),
    column("is_completed", Boolean),
    column("last_completed_page", Integer),
    column("total_pages", Integer),
    column("total_results", Integer),
    column("notes", String),
    column("last_synced_at", UtcDateTime),
    column("audited_at", UtcDateTime),
)
dead_letter = table("dead_letter", column("provider", String))
export_log = table(
    "export_log",
    column("type", String),
    column("day", Date),
    column("lines", Integer),
)
person = table("person", column("enriched_at", UtcDateTime), column("deleted_at", UtcDateTime))
skipped_title = table(
    "skipped_title",
    column("reason_code", String),
    column("attempts", Integer),
    column("last_tried_at", UtcDateTime),
)
sync_lock = table(
    "sync_lock",
    column("id", Integer),
    column("name", String),
    column("holder", String),
    column("heartbeat_at", UtcDateTime),
)
sync_run = table(
    "sync_run",
    column("id", Integer),
    column("started_at", UtcDateTime),
    column("finished_at", UtcDateTime),
    column("host", String),
    column("pid", Integer),
    column("mode", String),
    column("exit_code", Integer),
    column("stop_reason", Text),
    column("titles_stored", Integer),
    column("titles_skipped", Integer),
    column("requests", Integer),
)
title_queue = table("title_queue", column("type", String))

ALL = (
    api_usage,
    content,
    content_change_log,
    content_sync_log,
    dead_letter,
    export_log,
    person,
    skipped_title,
    sync_lock,
    sync_run,
    title_queue,
)


def insert(
    connection: Connection, target: TableClause | type[Any]
) -> postgresql.Insert | sqlite.Insert:
    """The connection's dialect's INSERT (it has ON CONFLICT) into a table or a mapped class,
    that dialect imported on first use: a `status` on SQLite then never loads PostgreSQL's (a
    fiftieth of a second)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(target)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(target)
