"""Per-title enrichment from another provider (OMDb, Trakt), keyed by IMDb id, on its own quota.

Titles wait in a queue the store derives (no result recorded yet). A title whose request keeps
failing while the source answers others is dead-lettered and waits (sync/deadletter.py); a source
that runs out of quota, or keeps failing as a whole, pauses for the rest of the run while TMDb work
goes on, and its waiting titles are picked up by a later run. A bad key is fatal, as for TMDb.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tmdbsync.kinds import Kind
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.deadletter import Backoff, Failure, attempt
from tmdbsync.sync.outcomes import Letter, dead_letter, gather
from tmdbsync.sync.people import backoff

BATCH = 50


@dataclass(frozen=True)
class Source:
    name: str
    provider: str
    """As in `api_usage` and `dead_letter`."""
    queue: Callable[[Kind, int, Backoff], list[tuple[int, str]]]
    """(content.id, IMDb id) of titles still waiting (or due again), oldest first."""
    fetch: Callable[[SyncContext, Kind, str], Awaitable[Any]]
    """One title's data, by IMDb id."""
    save: Callable[[SyncContext, Kind, int, Any], Awaitable[None]]
    """Store what `fetch` returned (or the mark that the source has nothing)."""


async def drain(ctx: SyncContext, kind: Kind, source: Source) -> None:
    """Enrich every waiting title of `kind` from `source`, until done or paused."""
    while source.name not in ctx.paused:
        queue = await ctx.write(source.queue, kind, BATCH, backoff(ctx))
        if not queue:
            return
        outcomes = await gather(
            _one(ctx, kind, source, content_id, imdb_id) for content_id, imdb_id in queue
        )
        if outcomes.stop is not None and source.name not in ctx.paused:
            ctx.paused[source.name] = str(outcomes.stop)
            ctx.summary.paused(source.provider, outcomes.stop, ctx.store.now())
            ctx.progress.message(f"{source.name} paused for this run: {outcomes.stop}")


async def _one(ctx: SyncContext, kind: Kind, source: Source, content_id: int, imdb_id: str) -> None:
    """Enrich one title, or dead-letter it when it keeps failing on its own."""
    fetched = await attempt(ctx.health, source.provider, lambda: source.fetch(ctx, kind, imdb_id))
    if isinstance(fetched, Failure):
        tmdb_id = await ctx.write(ctx.store.titles.tmdb_id_of, content_id)
        await dead_letter(ctx, kind, Letter(source.provider, kind, tmdb_id), fetched)
        return
    await source.save(ctx, kind, content_id, fetched)
