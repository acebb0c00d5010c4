"""Group commit for fetched titles: whatever arrived while the writer was busy is stored at once.

Under a tight rate limit titles arrive one by one and each gets its own transaction; when requests
outrun the database (a generous quota, a fast link) they queue up and share one, which costs
little more than a single title. A batch that fails is retried title by title, so one unusable
title costs only itself. A crash loses at most the titles waiting here, which the log has not
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
from tmdbsync.sync.deadletter import DB_REFUSED, UNUSABLE

STORED = "stored"


@dataclass
class _Pending:
    kind: Kind
    tmdb_id: int
    raw: dict[str, Any]
    episode_credits: dict[tuple[int, int], Any] | None
    done: asyncio.Future[str]

    def skip(self, store: Store, code: str, reason: str) -> str:
        """Record the title as skipped, with its language for the retry; returns the reason."""
        language = self.raw.get("original_language")
        store.skips.record(
            self.kind, self.tmdb_id, reason, language if isinstance(language, str) else None, code
        )
        return reason


class TitleWriter:
    def __init__(self, store: Store, write: Callable[..., Awaitable[Any]]) -> None:
        self.store = store
        self.write = write
        self.pending: list[_Pending] = []
        self.flushing: asyncio.Task[None] | None = None

    async def save(
        self,
        kind: Kind,
        tmdb_id: int,
        raw: dict[str, Any],
        episode_credits: dict[tuple[int, int], Any] | None,
    ) -> str:
        """Store a fetched title; returns STORED or why it was recorded as unusable."""
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.pending.append(_Pending(kind, tmdb_id, raw, episode_credits, done))
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            outcomes: list[str | BaseException]
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

    def _store(self, batch: list[_Pending]) -> list[str | BaseException]:
        """On the writer thread: parse, record what is unusable, store the rest together."""
        outcomes: list[str | BaseException] = []
        usable: list[tuple[int, TitleBundle]] = []
        for index, item in enumerate(batch):
            try:
                usable.append((index, build_bundle(item.kind, item.raw, item.episode_credits)))
                outcomes.append(STORED)
            except BadPayload as exc:
                outcomes.append(item.skip(self.store, UNUSABLE, f"unusable payload: {exc}"))
        if not usable:
            return outcomes
        try:
            self.store.titles.save_batch([bundle for _, bundle in usable])
        except Exception:
            for index, bundle in usable:  # find the title the database refused
                outcomes[index] = self._alone(batch[index], bundle)
        return outcomes

    def _alone(self, item: _Pending, bundle: TitleBundle) -> str | BaseException:
        """Store one title; a value the database refuses marks the title, not the run."""
        try:
            self.store.titles.save(bundle)
        except (DataError, IntegrityError) as exc:
            return item.skip(
                self.store,
                DB_REFUSED,
                f"database refused the title: {str(exc.orig).strip()[:300]}",
            )
        except Exception as exc:
            return exc
        return STORED
