"""Group commit for fetched titles: whatever arrived while the writer was busy is stored at once.

Under a tight rate limit titles arrive one by one and each gets its own transaction; when requests
outrun the database (a generous quota, a fast link) they queue up and share one, which costs
little more than a single title. A batch that fails is retried title by title, so one unusable
title costs only itself: its Failure goes back to the caller, which records it (sync/outcomes.py).
A crash loses at most the titles waiting here, which the log has not
counted as stored, so they are fetched again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from tmdbsync.errors import BadPayload
from tmdbsync.kinds import Kind
from tmdbsync.store import Store
from tmdbsync.sync.bundle import TitleBundle, build_bundle
from tmdbsync.sync.deadletter import DB_REFUSED, UNUSABLE, Failure

Outcome = Failure | None
"""None when the title was stored, else why it could not be."""


@dataclass
class _Pending:
    kind: Kind
    raw: dict[str, Any]
    episode_credits: dict[tuple[int, int], Any] | None
    done: asyncio.Future[Outcome]


class TitleWriter:
    def __init__(self, store: Store, write: Callable[..., Awaitable[Any]]) -> None:
        self.store = store
        self.write = write
        self.pending: list[_Pending] = []
        self.flushing: asyncio.Task[None] | None = None

    async def save(
        self,
        kind: Kind,
        raw: dict[str, Any],
        episode_credits: dict[tuple[int, int], Any] | None,
    ) -> Outcome:
        """Store a fetched title; returns None, or why it is unusable (not recorded here)."""
        done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.pending.append(_Pending(kind, raw, episode_credits, done))
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            outcomes: list[Outcome | BaseException]
            try:
                outcomes = await self.write(self._store, batch)
            except asyncio.CancelledError:
                for item in batch:
                    item.done.cancel()
                raise
            except Exception as exc:  # the writer itself failed: every caller learns it
                outcomes = [exc] * len(batch)
            for item, outcome in zip(batch, outcomes, strict=True):
                if item.done.done():  # its caller was cancelled: the run is stopping
                    continue
                if isinstance(outcome, BaseException):
                    item.done.set_exception(outcome)
                else:
                    item.done.set_result(outcome)

    def _store(self, batch: list[_Pending]) -> list[Outcome | BaseException]:
        """On the writer thread: parse, set aside what is unusable, store the rest together."""
        outcomes: list[Outcome | BaseException] = []
        usable: list[tuple[int, TitleBundle]] = []
        for index, item in enumerate(batch):
            try:
                usable.append((index, build_bundle(item.kind, item.raw, item.episode_credits)))
                outcomes.append(None)
            except BadPayload as exc:
                outcomes.append(Failure(UNUSABLE, f"unusable payload: {exc}"))
        if not usable:
            return outcomes
        try:
            self.store.titles.save_batch([bundle for _, bundle in usable])
        except Exception:
            for index, bundle in usable:  # find the title the database refused
                outcomes[index] = self._alone(bundle)
        return outcomes

    def _alone(self, bundle: TitleBundle) -> Outcome | BaseException:
        """Store one title; a value the database refuses fails the title, not the run."""
        try:
            self.store.titles.save(bundle)
        except (DataError, IntegrityError) as exc:
            refused = str(exc.orig).strip()[:300]
            return Failure(DB_REFUSED, f"database refused the title: {refused}")
        except Exception as exc:
            return exc
        return None
