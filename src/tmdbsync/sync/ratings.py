"""OMDb enrichment: IMDb, Rotten Tomatoes and Metacritic ratings and the awards line."""

from __future__ import annotations

from typing import Any

from tmdbsync.kinds import Kind
from tmdbsync.payloads import OmdbTitle, parse
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.enrich import Source, drain


async def drain_omdb(ctx: SyncContext, kind: Kind) -> None:
    if ctx.omdb is not None:
        await drain(
            ctx, kind, Source("OMDb", "omdb", ctx.store.enrichment.omdb_queue, _fetch, _save)
        )


async def _fetch(ctx: SyncContext, kind: Kind, imdb_id: str) -> OmdbTitle | None:
    """The title's OMDb record; None when OMDb does not know it."""
    assert ctx.omdb is not None
    raw = await ctx.omdb.by_imdb_id(imdb_id, bucket=kind)
    payload: OmdbTitle | None = None if raw is None else parse(OmdbTitle, raw, f"OMDb {imdb_id}")
    return payload


async def _save(ctx: SyncContext, kind: Kind, content_id: int, payload: Any) -> None:
    await ctx.write(ctx.store.enrichment.save_omdb, content_id, payload)
    ctx.summary.of(kind).omdb += 1
