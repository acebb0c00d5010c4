"""Client-side rate limiting: every provider's requests pass one sliding-log limiter.

Its own module so the HTTP client (http.py) only asks it for a slot, and tests and benchmarks can
drive it on a fake clock without a client.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

SEND_MARGIN = 0.025  # seconds added to every rate-limit window, for admission-to-wire jitter
MARGIN_CAP = 0.1  # of the window: the most a 429 may widen the margin to (about 91 % of the limit)


class Slot:
    """When a request started, as far as the window is concerned."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at


class RateLimiter:
    """A sliding log: a request starts only if fewer than N started in the last W seconds.

    Unlike a token bucket (which lets 2N through around a window edge), this holds in *any*
    window of W seconds, which is what a provider's own sliding counter checks.
    """

    def __init__(
        self,
        requests: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        margin: float = 0.0,
    ) -> None:
        if requests < 1 or window <= 0:
            raise ValueError("a rate limit needs at least 1 request in a positive window")
        self.requests = requests
        self.window = window
        # A request leaves a little after it is admitted (another thread may hold the GIL for a
        # few milliseconds): spacing windows by `margin` more keeps the server's count exact too.
        self.margin = margin
        self.clock = clock
        self._sleep = sleep
        self._starts: list[Slot] = []  # at most `requests`: not kept sorted (`sent` moves one)
        self._pending = 0  # slots taken by requests still in `before_start`, not yet recorded
        self._settled = asyncio.Event()
        self._blocked_until = -math.inf
        self._lock = asyncio.Lock()

    async def acquire(self, before_start: Callable[[], Awaitable[object]] | None = None) -> Slot:
        """Wait for a free slot and record its start; waiters are served first come, first out.

        `before_start` runs once the slot is taken, before its start is recorded (the caller
        reserves quota there, so a request is paid for only when it is about to leave); if it
        raises, the slot is given back. It runs outside the lock: a reservation waiting for a
        busy database holds its own slot, not every other request's. Recording after it keeps
        the window exact however long it took. The slot returned may be stamped again with
        `sent` once the request is on the wire.
        """
        async with self._lock:
            while True:
                now = self.clock()
                span = self.window + self.margin
                self._starts = [slot for slot in self._starts if slot.at + span > now]
                ready = self._blocked_until
                if len(self._starts) + self._pending >= self.requests:
                    if not self._starts:  # every slot is being reserved: wait for one
                        self._settled.clear()
                        await self._settled.wait()
                        continue
                    ready = max(ready, min(slot.at for slot in self._starts) + span)
                if now >= ready:
                    self._pending += 1
                    break
                await self._sleep(ready - now)
        try:
            if before_start is not None:
                await before_start()
        finally:
            self._pending -= 1
            self._settled.set()
        slot = Slot(self.clock())
        self._starts.append(slot)
        return slot

    def sent(self, slot: Slot) -> None:
        """The request of `slot` is on the wire now: its window starts here, not at admission.

        Opening a connection, or another thread holding the GIL, may keep a request a while
        between admission and the wire, and a provider counts it when it arrives: a window
        measured from admission would let the next request in too early by that much.
        """
        slot.at = max(slot.at, self.clock())

    def widen(self) -> None:
        """A 429 came although the log held: the jitter between our clock and the provider's
        count is wider than the margin. Double it (at most MARGIN_CAP of the window), so one
        429 is not followed by one every few windows: each costs a whole Retry-After of the
        provider, far more than the margin."""
        self.margin = min(max(self.margin * 2, SEND_MARGIN), self.window * MARGIN_CAP)

    def block_until(self, when: float) -> None:
        """Hold every request of this provider until `when` (on `clock`), e.g. for Retry-After."""
        self._blocked_until = max(self._blocked_until, when)
