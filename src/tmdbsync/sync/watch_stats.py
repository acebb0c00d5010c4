"""Trakt enrichment: community ratings (mean, votes, 1–10 distribution) and watch statistics."""

from __future__ import annotations

import asyncio

from tmdbsync.errors import BadPayload, RequestRejected
from tmdbsync.payloads import TraktRatings, TraktStats, parse
from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.enrich import Source, drain


async def drain_trakt(ctx: SyncContext, kind: Kind) -> None:
    if ctx.trakt is not None:
        await drain(ctx, kind, Source("Trakt", ctx.store.trakt_queue, _one))


async def _one(ctx: SyncContext, kind: Kind, content_id: int, imdb_id: str) -> None:
    assert ctx.trakt is not None
    try:
        raw_ratings, raw_stats = await asyncio.gather(
            ctx.trakt.ratings(kind, imdb_id), ctx.trakt.stats(kind, imdb_id)
        )
        ratings = None if raw_ratings is None else parse(TraktRatings, raw_ratings, "Trakt")
        stats = None if raw_stats is None else parse(TraktStats, raw_stats, "Trakt")
    except (BadPayload, RequestRejected):  # about this title only: marked, as for OMDb
        await ctx.write(ctx.store.save_trakt, content_id, None, None, status="unusable")
        return
    await ctx.write(ctx.store.save_trakt, content_id, ratings, stats)
    ctx.summary.of(kind).trakt += 1
