"""The deterministic, lazily generated catalogue: the fake's ground truth, and its paged lists.

Everything is a pure function of (seed, scale, huge_months, drift); tests call these
accessors to learn what the server must have answered. The lookups live in the
``lookup_*`` modules, the test search helpers in ``search``; this module adds the
listings that page over ids (discover, changes) and joins it all into one class.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from . import payloads as pl
from . import seasons as tvp
from .errors import TmdbError
from .lookup_people import PersonLookups
from .lookup_ratings import RatingLookups
from .lookup_titles import TitleLookups
from .months import FIRST_YEAR, KINDS, LAST_YEAR
from .people import POOL_SIZE
from .search import Search
from .seeding import sub_rng
from .vocab import MOVIE_GENRES, TV_GENRES

JsonDict = dict[str, Any]
PAGE_SIZE = 20
MAX_PAGE = 500
CHANGES_PAGE_SIZE = 100


class Catalogue(TitleLookups, PersonLookups, RatingLookups, Search):
    """Deterministic TMDb/OMDb data for any month from 1874 to 2030.

    ``huge_months={("movie", 2001, 1): 10_500}`` makes a month exceed 500 pages.
    """

    def drift(self, kind: str, year: int, month: int, add: int = 0, remove: int = 0) -> None:
        """Titles appear (``add``) or disappear (``remove``) in a month."""
        self.months.drift(kind, year, month, add, remove)

    def window_ids(self, kind: str, gte: date, lte: date) -> list[int]:
        """Ids dated within [gte, lte] in discover order."""
        return [i for _, i in self.months.window(kind, gte, lte)]

    def discover(
        self,
        kind: str,
        gte: date | None = None,
        lte: date | None = None,
        page: int = 1,
        sort_by: str | None = None,
    ) -> JsonDict:
        """``/discover/{kind}`` body: 20 a page, real uncapped totals, page 1..500."""
        if page < 1 or page > MAX_PAGE:
            raise TmdbError(22)
        entries = self.months.window(
            kind, gte or date(FIRST_YEAR, 1, 1), lte or date(LAST_YEAR, 12, 31)
        )
        sort_by = sort_by or "popularity.desc"
        if not sort_by.endswith("_date.asc"):
            entries = self._sorted(kind, entries, sort_by)
        chunk = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        results = []
        for _, title_id in chunk:
            core = self.core(kind, title_id)
            if core is not None:
                results.append(pl.discover_item(core))
        total = len(entries)
        return {
            "page": page,
            "results": results,
            "total_pages": max(1, math.ceil(total / PAGE_SIZE)),
            "total_results": total,
        }

    def _sorted(
        self, kind: str, entries: list[tuple[str, int]], sort_by: str
    ) -> list[tuple[str, int]]:
        if sort_by.endswith("_date.desc"):
            return sorted(entries, key=lambda e: (e[0], e[1]), reverse=True)

        def popularity(entry: tuple[str, int]) -> tuple[float, int]:
            core = self.core(kind, entry[1])
            return (-(core.popularity if core else 0.0), entry[1])

        return sorted(entries, key=popularity)

    def changes(
        self, kind: str, start: date | None = None, end: date | None = None, page: int = 1
    ) -> JsonDict:
        """``/{kind}/changes``: ids changed per day, 100 a page, at most a 14-day range."""
        end = end or tvp.TODAY
        start = start or end - timedelta(days=1)
        if (end - start).days > 14 or end < start:
            raise TmdbError(20)
        if page < 1 or page > MAX_PAGE:
            raise TmdbError(22)
        top = POOL_SIZE if kind == "person" else self.months.top_id(kind)
        ids: dict[int, None] = {}
        day = start
        while day <= end:
            rng = sub_rng(self.seed, "changes", kind, day.isoformat())
            for _ in range(rng.randint(20, 120)):
                ids[rng.randint(1, top - 1)] = None
            day += timedelta(days=1)
        all_ids = list(ids)
        chunk = all_ids[(page - 1) * CHANGES_PAGE_SIZE : page * CHANGES_PAGE_SIZE]
        return {
            "results": [{"id": i, "adult": False, "softcore": False} for i in chunk],
            "page": page,
            "total_pages": max(1, math.ceil(len(all_ids) / CHANGES_PAGE_SIZE)),
            "total_results": len(all_ids),
        }

    @staticmethod
    def genres(kind: str) -> JsonDict:
        """``/genre/{kind}/list`` body with TMDb's real ids and names."""
        table = MOVIE_GENRES if kind == "movie" else TV_GENRES
        return {"genres": [{"id": g, "name": n} for g, n in table]}

    @staticmethod
    def kinds() -> tuple[str, ...]:
        """Title kinds the catalogue serves."""
        return KINDS
