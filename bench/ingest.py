"""Ingest rate and memory: titles stored per second end to end, the store alone, and peak RSS.

    python bench/ingest.py [--movies 10000] [--shows 1000] [--store-only 2000]
                           [--backends sqlite,postgresql]

No rate limit, no latency: the fake API runs in its own process (so it does not share our GIL)
and the real `sync_contents` (people policy `none` and no OMDb key: content only) syncs movies,
then shows (the catalogue's shows average about five seasons), into a fresh SQLite file and a
fresh PostgreSQL schema. RSS is sampled every half second; ru_maxrss is the peak of the process.
The store alone saves pre-fetched movie bundles (parsed in memory first) with `Store.titles.save`.
CPU per title is this process's (both threads, not the fake's): unlike titles per second, it
hardly moves when other processes share the cores, so compare it between runs on a busy machine.

Goals on 2 cores: >= 300 movies/s and >= 60 shows/s end to end, store alone >= 500 movie
bundles/s, peak RSS <= 250 MB and flat as the run grows.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import resource
import sys
import threading
import time
from typing import Any

import httpx
from sqlalchemy import func, select

from _common import (
    TMDB_KEY,
    FakeProcess,
    bench_settings,
    fresh_database,
    migrated_engine,
    postgres_available,
    rss_mb,
    run_sync,
)
from _common import table as fmt_table
from tmdbsync.db.models import Content
from tmdbsync.settings import YearMonth
from tmdbsync.store import Store
from tmdbsync.sync.bundle import TitleBundle, build_bundle
from tmdbsync.sync.fetch import MOVIE_APPENDS, language_params


class RssSampler:
    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        start = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((time.monotonic() - start, rss_mb()))
            self._stop.wait(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def profile(self) -> str:
        """RSS at 10 %, 25 %, 50 %, 75 % and 100 % of the run."""
        if not self.samples:
            return "-"
        picks = [
            self.samples[min(len(self.samples) - 1, int(f * len(self.samples)))]
            for f in (0.1, 0.25, 0.5, 0.75, 1.0)
        ]
        return " ".join(f"{mb:.0f}" for _, mb in picks)


def sync_rate(fake: FakeProcess, backend: str, kind: str, count: int) -> tuple[str, ...]:
    with fresh_database(backend) as url:
        engine = migrated_engine(url)
        settings = bench_settings(
            fake,
            url,
            start=YearMonth(1995, 1),
            end=YearMonth(2024, 12),
            people="none",
            omdb_api_key=None,
        )
        kinds = ("movie",) if kind == "movie" else ("tv",)
        with RssSampler() as rss:
            # months end on short pages (about 16 movies, 9 shows a page on average here)
            pages = math.ceil(count / (16 if kind == "movie" else 9))
            cpu = time.process_time()
            _, elapsed = run_sync(settings, engine, kinds=kinds, max_pages=pages)
            cpu = time.process_time() - cpu
        with engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(Content)) or 0
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"{kind} end to end",
        backend,
        str(stored),
        f"{elapsed:.1f}",
        f"{stored / elapsed:.0f}",
        f"{cpu / max(stored, 1) * 1000:.2f}",
        rss.profile(),
        f"{peak:.0f}",
    )


def prefetch_movies(fake: FakeProcess, count: int) -> list[TitleBundle]:
    """Movie bundles parsed in memory, fetched the way `fetch_title` asks for them."""

    async def fetch() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=fake.tmdb_url, timeout=60) as client:
            ids: list[int] = []
            page = 1
            while len(ids) < count:
                listing = (
                    await client.get(
                        "/discover/movie",
                        params={
                            "api_key": TMDB_KEY,
                            "page": page,
                            "primary_release_date.gte": "2015-01-01",
                            "sort_by": "primary_release_date.asc",
                        },
                    )
                ).json()
                ids += [item["id"] for item in listing["results"]]
                page += 1
            gate = asyncio.Semaphore(16)

            async def one(movie_id: int) -> dict[str, Any] | None:
                params = {
                    "api_key": TMDB_KEY,
                    **language_params("en"),
                    "append_to_response": ",".join(MOVIE_APPENDS),
                }
                async with gate:
                    response = await client.get(f"/movie/{movie_id}", params=params)
                body: dict[str, Any] = response.json()
                return body if response.status_code == 200 else None

            bodies = await asyncio.gather(*(one(i) for i in ids[:count]))
            return [b for b in bodies if b is not None]

    return [build_bundle("movie", raw) for raw in asyncio.run(fetch())]


def store_rate(bundles: list[TitleBundle], backend: str, batch: int) -> tuple[str, ...]:
    """Store pre-fetched bundles `batch` at a time (1: a transaction per title, as under a tight
    rate limit; 20: a discover page's worth, as the group-committing writer does when requests
    outrun the database)."""
    with fresh_database(backend) as url:
        engine = migrated_engine(url)
        store = Store(engine)
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(bundles), batch):
            store.titles.save_batch(bundles[start : start + batch])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"movie store alone, {batch} a commit",
        backend,
        str(len(bundles)),
        f"{elapsed:.1f}",
        f"{len(bundles) / elapsed:.0f}",
        f"{cpu / len(bundles) * 1000:.2f}",
        "-",
        f"{peak:.0f}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=10_000, help="movies to sync (0 = skip)")
    parser.add_argument("--shows", type=int, default=1_000, help="shows to sync (0 = skip)")
    parser.add_argument("--store-only", type=int, default=2_000, help="bundles, store alone")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not postgres_available():
        print("PostgreSQL not reachable: skipping it")
        backends.remove("postgresql")
    rows: list[tuple[str, ...]] = [
        (
            "run",
            "database",
            "titles",
            "seconds",
            "titles/s",
            "CPU ms/title",
            "RSS MB at 10/25/50/75/100 %",
            "peak RSS MB",
        )
    ]
    load = os.getloadavg()[0]
    with FakeProcess() as fake:
        # end to end first: the store-alone run holds its bundles in memory, which would
        # otherwise show up in the peak RSS of the sync runs
        for backend in backends:
            if args.movies:
                rows.append(sync_rate(fake, backend, "movie", args.movies))
            if args.shows:
                rows.append(sync_rate(fake, backend, "tv", args.shows))
        bundles = prefetch_movies(fake, args.store_only) if args.store_only else []
        for backend in backends:
            if bundles:
                rows.extend(store_rate(bundles, backend, batch) for batch in (1, 20))
    print(fmt_table(rows))
    print(
        "peak RSS is the process's so far (ru_maxrss); the store-alone rows include the "
        "pre-fetched bundles held in memory"
    )
    print(f"load average (1 min): {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    print("goals: movies >= 300/s, shows >= 60/s, store alone >= 500/s, peak RSS <= 250 MB, flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
