"""The queue of titles waiting for one details request each, most popular first.

Filled by the export diff (new and returning ids, sync/export_apply.py) and by the change feed
(held titles TMDb edited, sync/changes.py); drained here a batch at a time through the same
fetch-and-store path as a discover page, so a 404 or an unusable payload is recorded as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    delete,
    exists,
    literal,
    or_,
    select,
    true,
)

from tmdbsync.db.models import Content, SkippedTitle, TitleQueue
from tmdbsync.db.tables import insert
from tmdbsync.kinds import Kind
from tmdbsync.payloads import DiscoverItem
from tmdbsync.sync.batch import fetch_and_store

if TYPE_CHECKING:
    from tmdbsync.sync.context import SyncContext

BATCH = 50  # titles per step, so the kinds keep alternating and a spent quota is noticed


def add(
    connection: Connection,
    kind: str,
    candidates: Select[tuple[int, float]],
    reason: str,
    now: datetime,
) -> int:
    """Queue the ids `candidates` selects (columns `tmdb_id` and `popularity`) that are not
    queued yet, in one INSERT … SELECT; returns how many were queued.

    ON CONFLICT, not NOT EXISTS: after the export diff's big UPDATE, PostgreSQL's estimates
    of `content` are stale and it planned the NOT EXISTS as a nested loop rescanning the
    queue's growing `type` range for each new id (O(n²): minutes for 100k new ids)."""
    found = candidates.subquery()
    rows = select(
        literal(kind),
        found.c.tmdb_id,
        found.c.popularity,
        literal(reason),
        literal(now, type_=TitleQueue.queued_at.type),
    ).where(true())  # SQLite reads INSERT … SELECT … ON CONFLICT only with a WHERE
    statement = (
        insert(connection, TitleQueue)
        .from_select(["type", "tmdb_id", "popularity", "reason", "queued_at"], rows)
        .on_conflict_do_nothing(index_elements=["type", "tmdb_id"])
    )
    # an INSERT's row count comes back only when asked for (else -1 on psycopg)
    result = connection.execute(statement, execution_options={"preserve_rowcount": True})
    return result.rowcount


def take(engine: Engine, kind: Kind, limit: int) -> list[DiscoverItem]:
    """The `limit` most popular queued titles, with the stored original language when held."""
    query = (
        select(TitleQueue.tmdb_id, Content.original_language)
        .outerjoin(
            Content, and_(Content.type == TitleQueue.type, Content.tmdb_id == TitleQueue.tmdb_id)
        )
        .where(TitleQueue.type == kind)
        .order_by(TitleQueue.popularity.desc(), TitleQueue.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return [
            DiscoverItem(id=row.tmdb_id, original_language=row.original_language)
            for row in connection.execute(query)
        ]


def finish(engine: Engine, kind: Kind, ids: Sequence[int], since: datetime) -> None:
    """Drop the queued `ids` that were stored or recorded as unusable at or after `since`."""
    stored = exists().where(
        Content.type == kind, Content.tmdb_id == TitleQueue.tmdb_id, Content.synced_at >= since
    )
    skipped = exists().where(
        SkippedTitle.type == kind,
        SkippedTitle.tmdb_id == TitleQueue.tmdb_id,
        SkippedTitle.last_tried_at >= since,
    )
    with engine.begin() as connection:
        connection.execute(
            delete(TitleQueue).where(
                TitleQueue.type == kind, TitleQueue.tmdb_id.in_(ids), or_(stored, skipped)
            )
        )


async def drain_titles(ctx: SyncContext, kind: Kind) -> bool:
    """Fetch and store one batch of queued titles; False when the queue of `kind` is empty.

    Raises QuotaExhausted, like a discover page, when the bucket is spent: titles not reached
    stay queued.
    """
    engine = ctx.store.engine
    items = await ctx.write(take, engine, kind, BATCH)
    if not items:
        return False
    since = ctx.store.now()
    ctx.progress.titles_found(kind, len(items))
    try:
        await fetch_and_store(ctx, kind, items)
    finally:
        await ctx.write(finish, engine, kind, [item.id for item in items], since)
    return True
