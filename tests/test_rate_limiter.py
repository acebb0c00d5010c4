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
