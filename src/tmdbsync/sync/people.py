"""The person queue: `/person/{id}` once per person ever, within the bucket's quota.

Policy `principal` (default) enriches top-billed cast and key crew, `all` everyone credited, `none`
nobody. People may take at most TMDBSYNC_PEOPLE_SHARE of the requests a bucket spends in a day, so
content keeps moving every day; once a bucket has no content left, people may use the rest.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from functools import partial

from tmdbsync.kinds import Kind
from tmdbsync.payloads import PersonDetails, parse
from tmdbsync.sync.batch import tmdb_probe
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.deadletter import Backoff, Failure, attempt
from tmdbsync.sync.outcomes import Letter, dead_letter, gather

BATCH = 100


def backoff(ctx: SyncContext) -> Backoff:
    """How long an item that kept failing waits: TMDBSYNC_RETRY_SKIPPED_DAYS, as for titles."""
    return Backoff(timedelta(days=ctx.settings.retry_skipped_days))


def _allowance(ctx: SyncContext, bucket: Kind) -> int:
    """How many person requests keep people within their share of today's requests."""
    share = ctx.settings.people_share
    used = ctx.tmdb_ledger.used(bucket)
    day_start = datetime.combine(ctx.tmdb_ledger.today(), time(), tzinfo=UTC)
    people_today = ctx.store.people.enriched_since(
        day_start, bucket
    ) + ctx.store.dead_letters.count_since("tmdb", "person", day_start)
    return max(0, math.floor((share * used - people_today) / (1 - share)))


async def drain_people(ctx: SyncContext, bucket: Kind, *, rest_of_quota: bool = False) -> None:
    """Enrich queued people; raises QuotaExhausted when the bucket runs dry.

    A person whose request keeps failing is dead-lettered and waits (sync/deadletter.py); when
    TMDb itself keeps failing, the drain stops and everyone stays queued for a later run.
    """
    policy = ctx.settings.people
    if policy == "none":
        return
    while True:
        allowance = BATCH if rest_of_quota else await ctx.write(_allowance, ctx, bucket)
        queue = await ctx.write(ctx.store.people.queue, policy, min(allowance, BATCH), backoff(ctx))
        if not queue:
            return
        outcomes = await gather(_person(ctx, bucket, person_id) for person_id in queue)
        if outcomes.quota is not None:
            raise outcomes.quota
        if outcomes.stop is not None:
            return  # TMDb is failing as a whole: everyone not reached stays queued
        if not rest_of_quota and len(queue) < BATCH:
            return


async def _person(ctx: SyncContext, bucket: Kind, person_id: int) -> None:
    async def fetch() -> PersonDetails:
        raw = await ctx.tmdb.person(person_id, ("images", "external_ids"), bucket=bucket)
        details: PersonDetails = parse(PersonDetails, raw, f"person {person_id}")
        return details

    details = await attempt(ctx.health, "tmdb", fetch, partial(tmdb_probe, ctx, bucket))
    if isinstance(details, Failure):
        await dead_letter(ctx, bucket, Letter("tmdb", "person", person_id), details)
        return
    await ctx.write(ctx.store.people.save, details, bucket)
    ctx.summary.of(bucket).people += 1
