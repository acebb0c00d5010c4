"""Retrying skipped titles: TMDb restores deleted titles and fixes broken payloads.

A title that could not be stored (404 between discover and details, an unusable payload, a value
the database refused) is recorded in `skipped_title`, and page replays keep skipping it. Once a
kind has nothing else to do, the titles whose wait is over are fetched again through the normal
path, one request each (a show: as many as its seasons need), a batch at a time. A stored title
loses its `skipped_title` row in the same commit; a failure is recorded once more, and its next
wait doubles: TMDBSYNC_RETRY_SKIPPED_DAYS after the first failure, twice that after the second,
and so on up to CAP, so a title that is really gone costs one request a year.
"""

from __future__ import annotations

from datetime import timedelta

from tmdbsync.kinds import Kind
from tmdbsync.sync.batch import fetch_and_store
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.deadletter import CAP

BATCH = 20  # titles per step, so the kinds keep alternating and a spent quota is noticed


async def run_retry(ctx: SyncContext, kind: Kind) -> bool:
    """Fetch and store the skipped titles of `kind` that are due; False when none is or
    retries are off.

    Discover is not asked again: the original language it listed the title with was kept with
    the skip (a title still held, skipped by a failed refresh, has its stored language), so
    images in that language are asked for too.

    Raises QuotaExhausted, like a discover page, when the bucket is spent: titles not reached
    stay due.
    """
    days = ctx.settings.retry_skipped_days
    if not days:
        return False
    items = await ctx.write(ctx.store.skips.ready, kind, timedelta(days=days), CAP, BATCH)
    if not items:
        return False
    ctx.progress.titles_found(kind, len(items))
    ctx.summary.of(kind).retried += len(items)
    failed = await fetch_and_store(ctx, kind, items)
    if len(failed) < len(items):
        stored = len(items) - len(failed)
        ctx.progress.message(f"{kind}: retried {len(items)} skipped titles, {stored} stored")
    return True
