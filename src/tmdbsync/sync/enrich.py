"""Per-title enrichment from another provider (OMDb, Trakt), keyed by IMDb id, on its own quota.

Titles wait in a queue the store derives (no result recorded yet). A source that runs out of quota,
or keeps failing, pauses for the rest of the run while TMDb work goes on; its waiting titles are
picked up by a later run. A bad key is fatal, as for TMDb.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tmdbsync.errors import FatalError, QuotaExhausted, RetryableError
from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.context import SyncContext

BATCH = 50


@dataclass(frozen=True)
class Source:
    name: str
    queue: Callable[[Kind, int], list[tuple[int, str]]]
    """(content.id, IMDb id) of titles still waiting, oldest first."""
    enrich: Callable[[SyncContext, Kind, int, str], Awaitable[None]]
    """Fetch one title's data and store it (or the mark that it has none)."""


async def drain(ctx: SyncContext, kind: Kind, source: Source) -> None:
    """Enrich every waiting title of `kind` from `source`, until done or paused."""
    while source.name not in ctx.paused:
        queue = await ctx.write(source.queue, kind, BATCH)
        if not queue:
            return
        outcomes = await asyncio.gather(
            *(source.enrich(ctx, kind, content_id, imdb_id) for content_id, imdb_id in queue),
            return_exceptions=True,
        )
        for outcome in outcomes:
            if isinstance(outcome, FatalError):
                raise outcome
            if isinstance(outcome, QuotaExhausted | RetryableError):
                if source.name not in ctx.paused:
                    ctx.paused[source.name] = str(outcome)
                    ctx.progress.message(f"{source.name} paused for this run: {outcome}")
            elif isinstance(outcome, BaseException):
                raise outcome
