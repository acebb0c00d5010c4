"""SIGINT, SIGTERM and SIGHUP as a clean stop instead of an instant death.

The first signal cancels the running sync at its next await; the sync then releases the lock and
the unused quota leases, records its run and ends with 130 (SIGINT) or 143 (SIGTERM, SIGHUP).
Later signals while it cleans up change nothing. A `sync --forever` asleep wakes on `event`.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

from tmdbsync.exits import STOPS


class StopSignals:
    def __init__(self) -> None:
        self.received: signal.Signals | None = None
        self.event = asyncio.Event()
        self._task: asyncio.Task[object] | None = None

    def __enter__(self) -> StopSignals:
        """Catch the signals on the running loop (main thread only)."""
        loop = asyncio.get_running_loop()
        for signum in STOPS:
            loop.add_signal_handler(signum, self.handle, signum)
        return self

    def __exit__(self, *exc_info: object) -> None:
        loop = asyncio.get_running_loop()
        for signum in STOPS:
            loop.remove_signal_handler(signum)

    def handle(self, signum: signal.Signals) -> None:
        if self.received is not None:
            return
        self.received = signum
        self.event.set()
        if self._task is not None:
            self._task.cancel()

    @contextlib.contextmanager
    def cancelling(self) -> Iterator[None]:
        """While inside, a signal cancels the current task (once it has already come, now)."""
        task = asyncio.current_task()
        self._task = task
        if self.received is not None and task is not None:
            task.cancel()
        try:
            yield
        finally:
            self._task = None

    def reason(self, titles_stored: int) -> str:
        name = self.received.name if self.received is not None else "a signal"
        return f"stopped by {name}: {titles_stored} titles saved; the next run resumes from there"
