"""Trakt enrichment: community ratings (mean, votes, 1–10 distribution) and watch statistics."""

from __future__ import annotations

import asyncio
from typing import Any

from tmdbsync.kinds import Kind
from tmdbsync.payloads import TraktRatings, TraktStats, parse
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.enrich import Source, drain


async def drain_trakt(ctx: SyncContext, kind: Kind) -> None:
    if ctx.trakt is not None:
        await drain(
            ctx, kind, Source("Trakt", "trakt", ctx.store.enrichment.trakt_queue, _fetch, _save)
        )


async def _fetch(
    ctx: SyncContext, kind: Kind, imdb_id: str
) -> tuple[TraktRatings | None, TraktStats | None]:
    """The title's ratings and statistics; None for what Trakt does not know."""
    assert ctx.trakt is not None
    raw_ratings, raw_stats = await asyncio.gather(
        ctx.trakt.ratings(kind, imdb_id), ctx.trakt.stats(kind, imdb_id)
    )
    ratings = None if raw_ratings is None else parse(TraktRatings, raw_ratings, "Trakt")
    stats = None if raw_stats is None else parse(TraktStats, raw_stats, "Trakt")
    return ratings, stats


async def _save(ctx: SyncContext, kind: Kind, content_id: int, fetched: Any) -> None:
    ratings, stats = fetched
    await ctx.write(ctx.store.enrichment.save_trakt, content_id, ratings, stats)
    ctx.summary.of(kind).trakt += 1
