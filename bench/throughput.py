"""Throughput at the limit: does the real sync keep the TMDb rate limit full, without a 429?

    python bench/throughput.py [--seconds-slow 30] [--seconds-fast 20] [--concurrency N]

The fake API runs in its own process (`tmdbsync fake-api`) and is told through /__control to
enforce, in turn, 40 requests / 10 s, then 40 requests / 1 s with 150 ms added to every answer.
For each, the real `sync_contents` (TMDBSYNC_RATE_LIMIT set to match, default people policy and
OMDb on, unlimited quota, a 25-year catalogue so work never runs out) runs for a fixed time and
is then cancelled. Printed: TMDb requests per second against the limit, over the whole run and
in steady state (after the first window, whose burst any fresh limiter allows), the most
requests seen in any one window (must not exceed the limit), and the 429s the fake answered.

Goals: steady state >= 95 % of the limit, zero 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import math
import sys
import time
from dataclasses import dataclass

from _common import FakeProcess, RequestLog, bench_settings, fresh_database, migrated_engine
from _common import table as fmt_table
from tmdbsync.settings import YearMonth
from tmdbsync.sync.orchestrator import sync_contents


@dataclass
class Outcome:
    name: str
    limit: int
    window: float
    seconds: float
    requests: int
    steady: float
    most_in_window: int
    status_429: int
    titles: int
    people: int
    omdb: int


async def _run_for(seconds: float, *args: object, **kwargs: object) -> None:
    task = asyncio.create_task(sync_contents(*args, **kwargs))  # type: ignore[arg-type]
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if task in done:
        task.result()
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def run_case(
    fake: FakeProcess,
    name: str,
    limit: int,
    window: float,
    latency: float,
    seconds: float,
    concurrency: int | None,
    backend: str,
) -> Outcome:
    # Two calls: the fake applies `reset` after the other keys of the same document, so one call
    # would clear the limit and the latency it just set.
    fake.control(reset=True)
    fake.control(rate_limit=[limit, window], latency=latency)
    with fresh_database(backend) as url:
        engine = migrated_engine(url)
        extra = {} if concurrency is None else {"concurrency": concurrency}
        settings = bench_settings(
            fake,
            url,
            start=YearMonth(2000, 1),
            end=YearMonth(2024, 12),
            rate_limit=f"{limit}/{window:g}s",
            omdb_rate_limit="10/1s",
            **extra,
        )
        with RequestLog() as log:
            started, wall = time.monotonic(), time.time()
            asyncio.run(_run_for(seconds, settings, engine))
            elapsed = time.monotonic() - started
        engine.dispose()
    stats = fake.stats()
    starts = sorted(t - wall for provider, _, t in log.entries if provider == "tmdb")
    # steady state: whole windows after the first (a fresh limiter lets a full window through
    # at once, and a partial last window would catch the next burst without its wait)
    last = math.floor(elapsed / window) * window
    steady_span = last - window
    steady_count = bisect.bisect_left(starts, last) - bisect.bisect_left(starts, window)
    steady = steady_count / steady_span if steady_span > 0 else 0.0
    most = 0
    for i, t in enumerate(starts):
        most = max(most, bisect.bisect_left(starts, t + window) - i)
    by_endpoint: dict[str, int] = stats["by_endpoint"]
    return Outcome(
        name=name,
        limit=limit,
        window=window,
        seconds=elapsed,
        requests=int(stats["tmdb"]),
        steady=steady,
        most_in_window=most,
        status_429=int(stats["by_status"].get("429", 0)),
        titles=sum(n for k, n in by_endpoint.items() if k in ("movie/{id}", "tv/{id}")),
        people=by_endpoint.get("person/{id}", 0),
        omdb=by_endpoint.get("omdb", 0),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds-slow", type=float, default=30.0, help="run at 40/10s")
    parser.add_argument("--seconds-fast", type=float, default=20.0, help="run at 40/1s +150ms")
    parser.add_argument("--latency", type=float, default=0.150, help="added latency, fast case")
    parser.add_argument("--concurrency", type=int, default=None, help="TMDBSYNC_CONCURRENCY")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    cases = [
        ("40 / 10 s", 40, 10.0, 0.0, args.seconds_slow),
        (f"40 / 1 s, +{args.latency * 1000:g} ms", 40, 1.0, args.latency, args.seconds_fast),
    ]
    outcomes = []
    with FakeProcess() as fake:
        for name, limit, window, latency, seconds in cases:
            if seconds > 0:
                outcomes.append(
                    run_case(
                        fake, name, limit, window, latency, seconds, args.concurrency, args.backend
                    )
                )
    rows = [
        (
            "limit",
            "run s",
            "TMDb req",
            "req/s",
            "steady req/s",
            "of limit",
            "max in window",
            "429s",
            "titles",
            "people",
            "OMDb",
        )
    ]
    verdicts = []
    for o in outcomes:
        rate = o.limit / o.window
        rows.append(
            (
                o.name,
                f"{o.seconds:.1f}",
                str(o.requests),
                f"{o.requests / o.seconds:.2f}",
                f"{o.steady:.2f}",
                f"{o.steady / rate:.1%}",
                f"{o.most_in_window}/{o.limit}",
                str(o.status_429),
                str(o.titles),
                str(o.people),
                str(o.omdb),
            )
        )
        verdicts.append((f"{o.name}: steady state >= 95 % of the limit", o.steady >= 0.95 * rate))
        verdicts.append((f"{o.name}: zero 429s", o.status_429 == 0))
    print(fmt_table(rows))
    print(
        "req/s is over the whole run (the first window's burst included); steady is after the "
        "first window; titles = movie/tv detail requests"
    )
    for name, ok in verdicts:
        print(f"{'met   ' if ok else 'MISSED'}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
