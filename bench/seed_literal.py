"""The seed design's request plan, taken literally: the baseline `requests_per_title.py` beats.

One endpoint per call, exactly as seed-design.md lists them:
  per discover page   /discover/{movie,tv}
  per movie           /movie/{id}, /credits, /images, /videos, /external_ids, /keywords
  per show            /tv/{id} and the same five, /tv/{id}/season/{n} per season,
                      /episode/{e} and /episode/{e}/credits per episode
  per credit          /person/{id} (every cast/crew/guest entry of every credits answer, no dedupe)
  per title           OMDb ?i=tt… (titles with an IMDb id)
It only issues the requests and counts them (nothing is stored); the fake's /__stats is the count.

Run on its own (fake API in a child process, prints the per-endpoint counts):
    python bench/seed_literal.py [--start 2024-01] [--end 2024-03] [--scale 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from _common import OMDB_KEY, TMDB_KEY, FakeProcess
from tmdbsync.settings import YearMonth
from tmdbsync.sync.windows import month_window
from tmdbsync.tmdb import _discover_query

PARTS = ("credits", "images", "videos", "external_ids", "keywords")


@dataclass
class SeedLiteralResult:
    movies: int = 0
    shows: int = 0
    seasons: int = 0
    episodes: int = 0
    credits: int = 0
    people: set[int] = field(default_factory=set)
    omdb_titles: int = 0
    requests: Counter[str] = field(default_factory=Counter)


class _Plan:
    def __init__(self, tmdb_url: str, omdb_url: str, concurrency: int, people: bool) -> None:
        self.with_people = people
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self.tmdb = httpx.AsyncClient(
            base_url=tmdb_url, params={"api_key": TMDB_KEY}, limits=limits, timeout=60
        )
        self.omdb = httpx.AsyncClient(base_url=omdb_url, limits=limits, timeout=60)
        self.gate = asyncio.Semaphore(concurrency)
        self.result = SeedLiteralResult()

    async def get(self, path: str, params: dict[str, str | int] | None = None) -> Any:
        async with self.gate:
            response = await self.tmdb.get(path, params=params)
        self.result.requests["tmdb " + _shape(path)] += 1
        return response.json() if response.status_code == 200 else None

    async def omdb_get(self, imdb_id: str) -> None:
        async with self.gate:
            await self.omdb.get("", params={"apikey": OMDB_KEY, "i": imdb_id})
        self.result.requests["omdb"] += 1

    async def people(self, *credit_lists: Any) -> None:
        """/person/{id} once per credit entry, as the seed lists it."""
        ids = [
            entry["id"]
            for credits in credit_lists
            if isinstance(credits, dict)
            for key in ("cast", "crew", "guest_stars")
            for entry in credits.get(key) or []
            if isinstance(entry, dict) and isinstance(entry.get("id"), int)
        ]
        self.result.credits += len(ids)
        self.result.people.update(ids)
        if not self.with_people:
            return
        await asyncio.gather(*(self.get(f"/person/{pid}") for pid in ids))

    async def movie(self, movie_id: int) -> None:
        self.result.movies += 1
        base = f"/movie/{movie_id}"
        _details, *parts = await asyncio.gather(
            self.get(base), *(self.get(f"{base}/{part}") for part in PARTS)
        )
        answers = dict(zip(PARTS, parts, strict=True))
        await self.people(answers["credits"])
        await self._omdb(answers["external_ids"])

    async def show(self, tv_id: int) -> None:
        self.result.shows += 1
        base = f"/tv/{tv_id}"
        details, *parts = await asyncio.gather(
            self.get(base), *(self.get(f"{base}/{part}") for part in PARTS)
        )
        answers = dict(zip(PARTS, parts, strict=True))
        numbers = [
            s["season_number"] for s in (details or {}).get("seasons") or [] if isinstance(s, dict)
        ]
        self.result.seasons += len(numbers)
        seasons = await asyncio.gather(*(self.get(f"{base}/season/{n}") for n in numbers))
        episodes = [
            (n, e["episode_number"])
            for n, season in zip(numbers, seasons, strict=True)
            for e in (season or {}).get("episodes") or []
        ]
        self.result.episodes += len(episodes)
        answers_e = await asyncio.gather(
            *(
                self.get(f"{base}/season/{n}/episode/{e}{suffix}")
                for n, e in episodes
                for suffix in ("", "/credits")
            )
        )
        await self.people(answers["credits"], *answers_e[1::2])
        await self._omdb(answers["external_ids"])

    async def _omdb(self, external_ids: Any) -> None:
        imdb_id = external_ids.get("imdb_id") if isinstance(external_ids, dict) else None
        if imdb_id:
            self.result.omdb_titles += 1
            await self.omdb_get(imdb_id)

    async def kind(self, kind: str, start: YearMonth, end: YearMonth) -> None:
        month = start
        while month <= end:
            gte, lte = month_window(month)
            page, pages = 1, 1
            while page <= pages:
                listing = await self.get(
                    f"/discover/{kind}",
                    _discover_query("movie" if kind == "movie" else "tv", gte, lte, page),
                )
                pages = min(500, int(listing.get("total_pages") or 0))
                ids = [item["id"] for item in listing.get("results") or []]
                fetch = self.movie if kind == "movie" else self.show
                await asyncio.gather(*(fetch(i) for i in ids))
                page += 1
            month = month.next()

    async def aclose(self) -> None:
        await self.tmdb.aclose()
        await self.omdb.aclose()


def _shape(path: str) -> str:
    """`/tv/5/season/2/episode/3/credits` -> `tv/{id}/season/{n}/episode/{e}/credits`."""
    names = {"movie": "{id}", "tv": "{id}", "person": "{id}", "season": "{n}", "episode": "{e}"}
    parts = [p for p in path.split("/") if p]
    return "/".join(
        names[parts[i - 1]] if i and parts[i - 1] in names and p.isdigit() else p
        for i, p in enumerate(parts)
    )


async def run_seed_literal(
    tmdb_url: str,
    omdb_url: str,
    start: YearMonth,
    end: YearMonth,
    *,
    concurrency: int = 32,
    people: bool = True,
) -> SeedLiteralResult:
    plan = _Plan(tmdb_url, omdb_url, concurrency, people)
    try:
        for kind in ("movie", "tv"):
            await plan.kind(kind, start, end)
    finally:
        await plan.aclose()
    return plan.result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", default="2024-01")
    parser.add_argument("--end", default="2024-03")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with FakeProcess(scale=args.scale) as fake:
        result = asyncio.run(
            run_seed_literal(
                fake.tmdb_url,
                fake.omdb_url,
                YearMonth.parse(args.start),
                YearMonth.parse(args.end),
            )
        )
        stats = fake.stats()
    print(
        f"movies {result.movies}, shows {result.shows}, seasons {result.seasons}, "
        f"episodes {result.episodes}, credits {result.credits}, people {len(result.people)}"
    )
    print(json.dumps(stats["by_endpoint"], indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
