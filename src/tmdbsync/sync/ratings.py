"""OMDb enrichment: IMDb, Rotten Tomatoes and Metacritic ratings and the awards line."""

from __future__ import annotations

from tmdbsync.errors import BadPayload, RequestRejected
from tmdbsync.payloads import OmdbTitle, parse
from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.enrich import Source, drain


async def drain_omdb(ctx: SyncContext, kind: Kind) -> None:
    if ctx.omdb is not None:
        await drain(ctx, kind, Source("OMDb", ctx.store.omdb_queue, _one))


async def _one(ctx: SyncContext, kind: Kind, content_id: int, imdb_id: str) -> None:
    assert ctx.omdb is not None
    try:
        raw = await ctx.omdb.by_imdb_id(imdb_id, bucket=kind)
        payload = None if raw is None else parse(OmdbTitle, raw, f"OMDb {imdb_id}")
    except (BadPayload, RequestRejected):
        # about this title only (an error OMDb has no name for here, an answer we cannot use):
        # marked, so it does not head the queue and stall OMDb every day
        await ctx.write(ctx.store.save_omdb, content_id, None, status="unusable")
        return
    await ctx.write(ctx.store.save_omdb, content_id, payload)
    ctx.summary.of(kind).omdb += 1
