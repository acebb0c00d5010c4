"""The group-committing writer when its callers go away: a stopping run leaves no stray errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tmdbsync.sync.writer import Outcome, TitleWriter


class SlowDatabase:
    """Stands in for the writer thread: holds each batch until released, then reports it stored."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.batches: list[int] = []

    async def write(self, _store: Callable[..., Any], batch: list[Any]) -> list[Outcome]:
        self.batches.append(len(batch))
        await self.release.wait()
        return [None] * len(batch)


def test_a_caller_cancelled_mid_store_does_not_break_the_batch() -> None:
    async def scenario() -> list[BaseException | Outcome]:
        database = SlowDatabase()
        writer = TitleWriter(store=None, write=database.write)  # type: ignore[arg-type]
        first = asyncio.create_task(writer.save("movie", {}, None))
        await asyncio.sleep(0)  # the first batch (one title) is being stored
        second = asyncio.create_task(writer.save("movie", {}, None))
        third = asyncio.create_task(writer.save("movie", {}, None))
        await asyncio.sleep(0)
        second.cancel()  # e.g. --max-pages or a lost lock stops the run
        database.release.set()
        # before the fix the third caller waited forever: the task died on the cancelled future
        results = await asyncio.wait_for(
            asyncio.gather(first, second, third, return_exceptions=True), timeout=10
        )
        assert writer.flushing is not None
        await writer.flushing  # finished cleanly: no InvalidStateError left in the task
        assert database.batches == [1, 2], "titles that arrived meanwhile share one batch"
        return list(results)

    first, second, third = asyncio.run(scenario())
    assert first is None, "stored"
    assert third is None, "stored"
    assert isinstance(second, asyncio.CancelledError)


def test_a_failing_database_reaches_every_caller_of_the_batch() -> None:
    async def scenario() -> list[BaseException | Outcome]:
        async def broken(_store: Callable[..., Any], batch: list[Any]) -> list[Outcome]:
            raise OSError("disk full")

        writer = TitleWriter(store=None, write=broken)  # type: ignore[arg-type]
        results = await asyncio.gather(
            *(writer.save("tv", {}, None) for _ in range(2)), return_exceptions=True
        )
        assert writer.flushing is not None
        await writer.flushing
        return results

    results = asyncio.run(scenario())
    assert [type(r) for r in results] == [OSError, OSError]
    with pytest.raises(OSError, match="disk full"):
        raise results[0]  # type: ignore[misc]
