"""What became of the items a step fetched together, in one place: sorted and written down.

A step fetches a batch of items (titles, people, OMDb or Trakt lookups) at once. `gather` lets
every item have its chance and sorts what they ended with: a fatal error or a bug ends the run;
a spent quota or a provider failing as a whole stops the step (the items not reached wait for a
later run); the rest are done. An item that failed on its own is recorded by `dead_letter` with
its reason code and waits for its next try (sync/deadletter.py), and the work around it goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from tmdbsync.errors import FatalError, QuotaExhausted, RetryableError
from tmdbsync.kinds import Kind
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.deadletter import NOT_FOUND, Failure
from tmdbsync.sync.deleted import mark_deleted

T = TypeVar("T")
NOT_FOUND_NOTE = "404 between discover and details"


@dataclass
class Outcomes(Generic[T]):
    """The results of the items that went through, and the first reason to stop, in order."""

    done: list[T] = field(default_factory=list)
    stops: list[QuotaExhausted | RetryableError] = field(default_factory=list)

    @property
    def stop(self) -> QuotaExhausted | RetryableError | None:
        """The first spent quota or outage met: what ends the step."""
        return self.stops[0] if self.stops else None

    @property
    def quota(self) -> QuotaExhausted | None:
        return next((each for each in self.stops if isinstance(each, QuotaExhausted)), None)


async def gather(items: Iterable[Awaitable[T]]) -> Outcomes[T]:
    """Await every item, then sort what they ended with.

    Raises the first FatalError (a bad key, a lost lock), else the first other error, which is a
    bug or a database failure: either ends the run, and must not be dropped (the item would stay
    queued and be asked for again and again).
    """
    results = await asyncio.gather(*items, return_exceptions=True)
    fatal = [each for each in results if isinstance(each, FatalError)]
    unexpected = [
        each
        for each in results
        if isinstance(each, BaseException)
        and not isinstance(each, FatalError | QuotaExhausted | RetryableError)
    ]
    if fatal or unexpected:
        raise (fatal or unexpected)[0]
    outcomes: Outcomes[T] = Outcomes()
    for each in results:
        if isinstance(each, QuotaExhausted | RetryableError):
            outcomes.stops.append(each)
        elif not isinstance(each, BaseException):
            outcomes.done.append(each)
    return outcomes


@dataclass(frozen=True)
class Title:
    """A TMDb title that failed: `skipped_title`, with the language to ask images in again."""

    kind: Kind
    tmdb_id: int
    language: str | None = None


@dataclass(frozen=True)
class Letter:
    """Anything else that failed (a person, an OMDb or Trakt lookup): `dead_letter`."""

    provider: str
    type: str
    """The title's kind, or `person`."""
    tmdb_id: int


async def dead_letter(
    ctx: SyncContext, bucket: Kind, item: Title | Letter, failure: Failure
) -> str:
    """Record `item` as failing for `failure`'s reason, counted in `bucket`; returns the reason
    as recorded. A title or person TMDb no longer knows (404) is marked deleted too, if we hold
    it; it stays recorded, so it is asked again only when its wait is over.
    """
    tally = ctx.summary.of(bucket)
    if isinstance(item, Letter):
        if failure.code == NOT_FOUND and (item.provider, item.type) == ("tmdb", "person"):
            await ctx.write(mark_deleted, ctx.store.engine, "person", item.tmdb_id, ctx.store.now())
        await ctx.write(
            ctx.store.dead_letters.record, item.provider, item.type, item.tmdb_id, failure
        )
        tally.dead_lettered += 1
        return failure.reason
    reason = failure.reason
    if failure.code == NOT_FOUND:
        reason = NOT_FOUND_NOTE
        await ctx.write(mark_deleted, ctx.store.engine, item.kind, item.tmdb_id, ctx.store.now())
    await ctx.write(
        ctx.store.skips.record, item.kind, item.tmdb_id, reason, item.language, failure.code
    )
    tally.skipped += 1
    ctx.progress.title_skipped(item.kind, item.tmdb_id, failure.code)
    return reason
