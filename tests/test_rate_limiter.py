"""The sliding-log limiter on a virtual clock: exact in any window, full rate, Retry-After."""

from __future__ import annotations

import asyncio
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from tmdbsync.ratelimit import RateLimiter


class VirtualTime:
    """A clock that only moves when someone sleeps or a request arrives later."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def run(
    requests: int, window: float, arrivals: list[float], block_until: float | None = None
) -> list[float]:
    """Start one acquire() per arrival time (concurrently); the start times, in order."""

    async def scenario() -> list[float]:
        clock = VirtualTime()
        limiter = RateLimiter(requests, window, clock=clock, sleep=clock.sleep)
        if block_until is not None:
            limiter.block_until(block_until)
        starts: list[float] = []

        async def one(arrival: float) -> None:
            await limiter.acquire()
            assert clock.now >= arrival
            starts.append(clock.now)

        tasks = []
        for arrival in sorted(arrivals):
            clock.now = max(clock.now, arrival)
            tasks.append(asyncio.create_task(one(arrival)))
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)
        return starts

    return asyncio.run(scenario())


def assert_within_limit(starts: list[float], requests: int, window: float) -> None:
    """No window of `window` seconds holds more than `requests` starts."""
    ordered = sorted(starts)
    for first, later in zip(ordered, ordered[requests:], strict=False):
        assert later >= first + window, f"{requests + 1} starts within {later - first} s"


limits = st.integers(min_value=1, max_value=8)
windows = st.floats(min_value=0.01, max_value=20.0, allow_nan=False, allow_infinity=False)
arrival_lists = st.lists(st.floats(min_value=0.0, max_value=60.0), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(requests=limits, window=windows, arrivals=arrival_lists)
def test_never_more_than_n_in_any_window(
    requests: int, window: float, arrivals: list[float]
) -> None:
    starts = run(requests, window, arrivals)
    assert len(starts) == len(arrivals)
    assert_within_limit(starts, requests, window)


@settings(max_examples=60, deadline=None)
@given(requests=limits, window=windows, rounds=st.integers(min_value=1, max_value=6))
def test_saturated_limiter_reaches_full_rate(requests: int, window: float, rounds: int) -> None:
    """Everything queued at once: N start at 0, N at W, N at 2W … and nothing later."""
    starts = run(requests, window, [0.0] * (requests * rounds))
    for index, start in enumerate(starts):
        assert abs(start - (index // requests) * window) <= 1e-9 * (1 + start)


@settings(max_examples=60, deadline=None)
@given(
    requests=limits,
    window=windows,
    arrivals=arrival_lists,
    hold=st.floats(min_value=0.0, max_value=30.0),
)
def test_block_until_delays_everything(
    requests: int, window: float, arrivals: list[float], hold: float
) -> None:
    starts = run(requests, window, arrivals, block_until=hold)
    assert min(starts) >= hold
    assert_within_limit(starts, requests, window)


def test_block_in_the_past_changes_nothing() -> None:
    assert run(2, 1.0, [5.0, 5.0], block_until=1.0) == [5.0, 5.0]


def test_real_clock_many_coroutines() -> None:
    """On the real event loop: 15 concurrent acquires at 5 per 0.2 s take two full windows."""

    async def scenario() -> list[float]:
        limiter = RateLimiter(5, 0.2)
        starts: list[float] = []

        async def one() -> None:
            await limiter.acquire()
            starts.append(time.monotonic())

        await asyncio.gather(*(one() for _ in range(15)))
        return starts

    starts = asyncio.run(scenario())
    assert_within_limit(starts, 5, 0.2)
    assert max(starts) - min(starts) >= 0.4  # full rate: the virtual-clock tests above


def test_a_slow_reservation_holds_its_own_slot_not_the_others() -> None:
    """Quota reserved in `before_start` may wait for a busy database: the requests behind it go
    on meanwhile, and its slot still counts, so no window ever holds more than N."""

    async def scenario() -> list[tuple[str, float]]:
        clock = VirtualTime()
        limiter = RateLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
        database = asyncio.Event()
        starts: list[tuple[str, float]] = []

        async def one(name: str, reserve: asyncio.Event | None = None) -> None:
            await limiter.acquire(None if reserve is None else reserve.wait)
            starts.append((name, clock.now))

        slow = asyncio.create_task(one("slow", database))
        await asyncio.sleep(0)
        await one("next")  # not held up by the slow reservation
        third = asyncio.create_task(one("third"))  # two slots taken: waits for `next`'s
        for _ in range(5):
            await asyncio.sleep(0)
        database.set()
        await asyncio.gather(slow, third)
        return starts

    assert asyncio.run(scenario()) == [("next", 0.0), ("third", 1.0), ("slow", 1.0)]


def test_every_slot_reserving_makes_the_next_request_wait_for_one() -> None:
    async def scenario() -> list[str]:
        limiter = RateLimiter(1, 60.0)
        database = asyncio.Event()
        order: list[str] = []

        async def reserve() -> None:
            await database.wait()
            order.append("reserved")

        first = asyncio.create_task(limiter.acquire(reserve))
        await asyncio.sleep(0)
        second = asyncio.create_task(limiter.acquire(lambda: asyncio.sleep(0)))
        await asyncio.sleep(0.05)
        order.append("second waiting" if not second.done() else "second through")
        database.set()
        await first
        await asyncio.sleep(0.05)  # its slot is now a start 60 s long: second waits on
        order.append("second waiting" if not second.done() else "second through")
        second.cancel()
        return order

    assert asyncio.run(scenario()) == ["second waiting", "reserved", "second waiting"]


def test_a_request_that_leaves_late_starts_its_window_when_it_leaves() -> None:
    """Admitted at 0 but on the wire at 0.3 (a connection to open): the provider counts it at
    0.3, so the request after the window waits until 1.3, not 1.0."""

    async def scenario() -> float:
        clock = VirtualTime()
        limiter = RateLimiter(1, 1.0, clock=clock, sleep=clock.sleep)
        slot = await limiter.acquire()
        clock.now = 0.3
        limiter.sent(slot)
        await limiter.acquire()
        return clock.now

    assert asyncio.run(scenario()) == 1.3


def test_each_429_widens_the_margin_up_to_a_tenth_of_the_window() -> None:
    """A 429 means the provider counted more jitter than the margin allows for: the windows
    spread out (doubling), never beyond a tenth of the window, so a run keeps ~91 % of its rate."""

    async def scenario() -> list[float]:
        clock = VirtualTime()
        limiter = RateLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
        margins = [limiter.margin]
        for _ in range(6):
            limiter.widen()
            margins.append(limiter.margin)
        for _ in range(3):  # the third start waits a whole window plus the widest margin
            await limiter.acquire()
        assert clock.now == 1.0 + 0.1
        return margins

    margins = asyncio.run(scenario())
    assert margins == [0.0, 0.025, 0.05, 0.1, 0.1, 0.1, 0.1]
