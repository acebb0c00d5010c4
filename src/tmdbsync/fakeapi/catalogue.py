"""The deterministic, lazily generated catalogue: the fake's ground truth.

Everything is a pure function of (seed, scale, huge_months, drift); tests call these
accessors to learn what the server must have answered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from . import payloads as pl
from . import seasons as tvp
from .errors import TmdbError
from .months import FIRST_YEAR, KINDS, LAST_YEAR, MonthIndex, MonthKey, month_index, month_of
from .omdb import GETTING_DATA, IMDB_ID, INCORRECT_ID, omdb_payload
from .payloads import LangOpts
from .people import POOL_SIZE, People, draw_person_id, valid_person
from .seeding import hex_id, sub_rng
from .titles import TitleCore, decode_imdb, make_core
from .trakt import trakt_known, trakt_ratings, trakt_stats
from .vocab import CHARACTERS, MOVIE_GENRES, TV_GENRES

JsonDict = dict[str, Any]
PAGE_SIZE = 20
MAX_PAGE = 500
MAX_APPENDS = 20
CHANGES_PAGE_SIZE = 100
NO_LANG = LangOpts()


def parse_appends(value: str | Iterable[str] | None) -> list[str]:
    """Split ``append_to_response``; more than 20 is TMDb error 27."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [i.strip() for i in items if i.strip()]
    if len(items) > MAX_APPENDS:
        raise TmdbError(27)
    return items


def _without_id(body: JsonDict) -> JsonDict:
    """Appended sub-objects lack their own ``id`` (see movie_details_append.json)."""
    return {k: v for k, v in body.items() if k != "id"}


class Catalogue:
    """Deterministic TMDb/OMDb data for any month from 1874 to 2030.

    ``huge_months={("movie", 2001, 1): 10_500}`` makes a month exceed 500 pages.
    """

    def __init__(
        self, seed: int = 42, scale: float = 1.0, huge_months: dict[MonthKey, int] | None = None
    ) -> None:
        self.seed = seed
        self.months = MonthIndex(seed, scale, huge_months)
        self.people = People(seed)
        self._core = lru_cache(maxsize=100_000)(self._make_core)
        self._plan = lru_cache(maxsize=20_000)(self._make_plan)
        self._season_lru = lru_cache(maxsize=2_000)(self._make_season)

    # -- titles --------------------------------------------------------------
    def _make_core(self, kind: str, title_id: int, when: str) -> TitleCore:
        return make_core(self.seed, kind, title_id, when)

    def core(self, kind: str, title_id: int) -> TitleCore | None:
        """A title's core facts, or None if it does not exist (or drifted away)."""
        when = self.months.date_of(kind, title_id)
        return None if when is None else self._core(kind, title_id, when)

    def live(self, kind: str, title_id: int) -> TitleCore | None:
        """Like :meth:`core` but None for titles that 404 on details."""
        core = self.core(kind, title_id)
        return None if core is None or core.gone else core

    def is_gone(self, kind: str, title_id: int) -> bool:
        """True for discovered ids whose details answer 404."""
        core = self.core(kind, title_id)
        return core is not None and core.gone

    def drift(self, kind: str, year: int, month: int, add: int = 0, remove: int = 0) -> None:
        """Titles appear (``add``) or disappear (``remove``) in a month."""
        self.months.drift(kind, year, month, add, remove)

    # -- discover ------------------------------------------------------------
    def month_ids(self, kind: str, year: int, month: int) -> list[int]:
        """Ids of a month in discover order (date asc, then id)."""
        return [i for _, i in self.months.month_data(kind, year, month).ordered]

    def window_ids(self, kind: str, gte: date, lte: date) -> list[int]:
        """Ids dated within [gte, lte] in discover order."""
        return [i for _, i in self.months.window(kind, gte, lte)]

    def iter_ids(self, kind: str, start: tuple[int, int] = (1990, 1)) -> Iterator[int]:
        """All ids from a month onwards, in discover order (for test helpers)."""
        for idx in range(month_index(*start), month_index(LAST_YEAR, 12) + 1):
            yield from self.month_ids(kind, *month_of(idx))

    def find(
        self, kind: str, pred: Callable[[TitleCore], bool], start: tuple[int, int] = (1990, 1)
    ) -> int:
        """First id (from ``start``) whose core matches ``pred``."""
        for title_id in self.iter_ids(kind, start):
            core = self.core(kind, title_id)
            if core is not None and pred(core):
                return title_id
        raise LookupError(f"no {kind} matches")

    def find_tv(
        self,
        min_seasons: int = 0,
        max_seasons: int | None = None,
        specials: bool | None = None,
        start: tuple[int, int] = (1990, 1),
    ) -> int:
        """First live show from ``start`` with a season count in range (e.g. 0, 13, 25+)."""
        hi = min_seasons if max_seasons is None and min_seasons == 0 else max_seasons

        def ok(core: TitleCore) -> bool:
            if core.gone:
                return False
            plan = self._plan(core)
            n = plan.numbered
            has_specials = any(s.number == 0 for s in plan.seasons)
            return (
                n >= min_seasons
                and (hi is None or n <= hi)
                and (specials is None or specials == has_specials)
            )

        return self.find("tv", ok, start)

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

    # -- movies --------------------------------------------------------------
    def movie_part(self, title_id: int, part: str, opts: LangOpts = NO_LANG) -> JsonDict | None:
        """``/movie/{id}/{part}`` body (with ``id``), or None for 404."""
        core = self.live("movie", title_id)
        if core is None:
            return None
        return self._title_part(core, part, opts)

    def _title_part(self, core: TitleCore, part: str, opts: LangOpts) -> JsonDict | None:
        seed, people = self.seed, self.people
        if part == "credits":
            if core.kind == "tv":
                return tvp.show_credits(seed, people, core, self._plan(core))
            return pl.credits(seed, people, core)
        builders: dict[str, Callable[[], JsonDict]] = {
            "images": lambda: pl.images(seed, core, opts),
            "videos": lambda: pl.videos(seed, core, opts),
            "external_ids": lambda: pl.external_ids(seed, core),
            "keywords": lambda: pl.keywords(seed, core),
            "alternative_titles": lambda: pl.alternative_titles(seed, core),
            "translations": lambda: pl.translations(seed, core),
            "watch/providers": lambda: pl.watch_providers(seed, core),
            "recommendations": pl.empty_page,
            "similar": pl.empty_page,
        }
        if core.kind == "movie":
            builders["release_dates"] = lambda: pl.release_dates(seed, core)
        else:
            builders["content_ratings"] = lambda: pl.content_ratings(seed, core)
            builders["aggregate_credits"] = lambda: tvp.aggregate_credits(
                seed, people, core, self._plan(core)
            )
        build = builders.get(part)
        return build() if build else None

    def movie(
        self, title_id: int, appends: str | Iterable[str] | None = None, opts: LangOpts = NO_LANG
    ) -> JsonDict | None:
        """``/movie/{id}`` body with appends (unknown append names are ignored, as on TMDb)."""
        names = parse_appends(appends)
        core = self.live("movie", title_id)
        if core is None:
            return None
        body = pl.movie_details(self.seed, core)
        for name in names:
            part = self._title_part(core, name, opts)
            if part is not None:
                body[name] = _without_id(part)
        return body

    # -- tv ------------------------------------------------------------------
    def _make_plan(self, core: TitleCore) -> tvp.ShowPlan:
        return tvp.show_plan(self.seed, core)

    def plan(self, tv_id: int) -> tvp.ShowPlan | None:
        """A live show's season plan."""
        core = self.live("tv", tv_id)
        return None if core is None else self._plan(core)

    def tv_part(self, tv_id: int, part: str, opts: LangOpts = NO_LANG) -> JsonDict | None:
        """``/tv/{id}/{part}`` body (with ``id``), or None for 404."""
        core = self.live("tv", tv_id)
        return None if core is None else self._title_part(core, part, opts)

    def tv(
        self, tv_id: int, appends: str | Iterable[str] | None = None, opts: LangOpts = NO_LANG
    ) -> JsonDict | None:
        """``/tv/{id}`` body with appends, including ``season/N`` and ``season/N/credits``."""
        names = parse_appends(appends)
        core = self.live("tv", tv_id)
        if core is None:
            return None
        body = tvp.tv_details(self.seed, self.people, core, self._plan(core))
        for name in names:
            part: JsonDict | None
            if name.startswith("season/"):
                bits = name.split("/")
                if not bits[1].isdigit() or len(bits) > 3:
                    continue
                n = int(bits[1])
                part = (
                    self.season(tv_id, n)
                    if len(bits) == 2
                    else self.season_part(tv_id, n, bits[2], opts)
                )
                if part is not None and len(bits) == 3:
                    part = _without_id(part)
            else:
                part = self._title_part(core, name, opts)
                part = None if part is None else _without_id(part)
            if part is not None:
                body[name] = part
        return body

    def _season_plan(
        self, tv_id: int, number: int
    ) -> tuple[TitleCore, tvp.ShowPlan, tvp.SeasonPlan] | None:
        core = self.live("tv", tv_id)
        if core is None:
            return None
        plan = self._plan(core)
        for season in plan.seasons:
            if season.number == number:
                return core, plan, season
        return None

    def _make_season(self, tv_id: int, number: int) -> JsonDict | None:
        found = self._season_plan(tv_id, number)
        if found is None:
            return None
        return tvp.season_payload(self.seed, self.people, *found)

    def season(
        self,
        tv_id: int,
        number: int,
        appends: str | Iterable[str] | None = None,
        opts: LangOpts = NO_LANG,
    ) -> JsonDict | None:
        """``/tv/{id}/season/{n}`` body (episodes with crew and guest_stars)."""
        names = parse_appends(appends)
        body = self._season(tv_id, number)
        if body is None:
            return None
        if names:
            body = dict(body)
            for name in names:
                part = self.season_part(tv_id, number, name, opts)
                if part is not None:
                    body[name] = _without_id(part)
        return body

    def _season(self, tv_id: int, number: int) -> JsonDict | None:
        """Cached season payload; shows removed by drift still 404."""
        if self.live("tv", tv_id) is None:
            return None
        return self._season_lru(tv_id, number)

    def season_part(
        self, tv_id: int, number: int, part: str, opts: LangOpts = NO_LANG
    ) -> JsonDict | None:
        """``/tv/{id}/season/{n}/{part}`` (credits, aggregate_credits, external_ids, ...)."""
        found = self._season_plan(tv_id, number)
        if found is None:
            return None
        core, plan, season = found
        if part == "credits":
            return tvp.season_credits(self.seed, self.people, core, season)
        if part == "aggregate_credits":
            sub = tvp.ShowPlan((season,), (), plan.network)
            body = tvp.aggregate_credits(self.seed, self.people, core, sub)
            body["id"] = season.id
            return body
        if part == "external_ids":
            return {
                "id": season.id,
                "freebase_mid": None,
                "freebase_id": None,
                "tvdb_id": None,
                "tvrage_id": None,
                "wikidata_id": None,
            }
        if part == "images":
            return {"id": season.id, "posters": []}
        if part == "videos":
            return {"id": season.id, "results": []}
        return None

    def season_credits(self, tv_id: int, number: int) -> JsonDict | None:
        """``/tv/{id}/season/{n}/credits``: cast = the season's regulars."""
        return self.season_part(tv_id, number, "credits")

    def episode(
        self, tv_id: int, number: int, episode: int, appends: str | Iterable[str] | None = None
    ) -> JsonDict | None:
        """``/tv/{id}/season/{n}/episode/{e}`` body, cut from the season payload."""
        names = parse_appends(appends)
        season = self._season(tv_id, number)
        if season is None or not 1 <= episode <= len(season["episodes"]):
            return None
        ep = season["episodes"][episode - 1]
        keys = (
            "air_date",
            "crew",
            "episode_number",
            "episode_type",
            "guest_stars",
            "name",
            "overview",
            "id",
            "production_code",
            "runtime",
            "season_number",
            "still_path",
            "vote_average",
            "vote_count",
        )
        body = {k: ep[k] for k in keys}
        for name in names:
            part = self.episode_part(tv_id, number, episode, name)
            if part is not None:
                body[name] = _without_id(part)
        return body

    def episode_part(self, tv_id: int, number: int, episode: int, part: str) -> JsonDict | None:
        """``/tv/{id}/season/{n}/episode/{e}/{part}`` (credits, external_ids, images, videos)."""
        season = self._season(tv_id, number)
        if season is None or not 1 <= episode <= len(season["episodes"]):
            return None
        ep = season["episodes"][episode - 1]
        if part == "credits":
            regulars = self.season_part(tv_id, number, "credits")
            cast = regulars["cast"] if regulars else []
            return {
                "cast": cast,
                "crew": ep["crew"],
                "guest_stars": ep["guest_stars"],
                "id": ep["id"],
            }
        if part == "external_ids":
            return {
                "id": ep["id"],
                "imdb_id": None,
                "freebase_mid": None,
                "freebase_id": None,
                "tvdb_id": None,
                "tvrage_id": None,
                "wikidata_id": None,
            }
        if part == "images":
            return {"id": ep["id"], "stills": []}
        if part == "videos":
            return {"id": ep["id"], "results": []}
        return None

    def episode_credits(self, tv_id: int, number: int, episode: int) -> JsonDict | None:
        """Episode credits: cast = season regulars; crew/guest_stars = the season's episode."""
        return self.episode_part(tv_id, number, episode, "credits")

    # -- people --------------------------------------------------------------
    def person(self, pid: int, appends: str | Iterable[str] | None = None) -> JsonDict | None:
        """``/person/{id}`` body with appends (images, external_ids, combined_credits...)."""
        names = parse_appends(appends)
        if not valid_person(pid):
            return None
        body = self.people.details(pid)
        for name in names:
            part = self.person_part(pid, name)
            if part is not None:
                body[name] = _without_id(part)
        return body

    def person_part(self, pid: int, part: str) -> JsonDict | None:
        """``/person/{id}/{part}``."""
        if not valid_person(pid):
            return None
        if part == "images":
            return self.people.images(pid)
        if part == "external_ids":
            return self.people.external_ids(pid)
        if part in ("combined_credits", "movie_credits", "tv_credits"):
            return self._person_credits(pid, part)
        return None

    def _person_credits(self, pid: int, part: str) -> JsonDict:
        """A person's filmography, sampled from real catalogue titles (not a reverse index)."""
        rng = sub_rng(self.seed, "person-credits", pid)
        cast: list[JsonDict] = []
        crew: list[JsonDict] = []
        base = self.people.base(pid)
        for _ in range(rng.randint(0, 12)):
            kind = "movie" if rng.random() < 0.7 else "tv"
            if part != "combined_credits" and kind != part.split("_")[0]:
                continue
            year, month = rng.randint(1950, 2025), rng.randint(1, 12)
            ids = self.month_ids(kind, year, month)
            if not ids:
                continue
            core = self.core(kind, rng.choice(ids))
            if core is None:
                continue
            item = pl.discover_item(core)
            if base["known_for_department"] == "Acting" or rng.random() < 0.5:
                item["character"] = rng.choice(CHARACTERS)
                item["credit_id"] = hex_id(rng)
                if kind == "movie":
                    item["order"] = rng.randint(0, 30)
                else:
                    item["episode_count"] = rng.randint(1, 40)
                    item["first_credit_air_date"] = core.date
                target = cast
            else:
                credit = self.people.crew_entry(rng, pid)
                item["credit_id"] = credit["credit_id"]
                item["department"] = credit["department"]
                item["job"] = credit["job"]
                if kind == "tv":
                    item["episode_count"] = rng.randint(1, 40)
                    item["first_credit_air_date"] = core.date
                target = crew
            if part == "combined_credits":
                item["media_type"] = kind
            target.append(item)
        return {"cast": cast, "crew": crew, "id": pid}

    def random_person_id(self, salt: int = 0) -> int:
        """A person id drawn like credits draw them (for tests)."""
        return draw_person_id(sub_rng(self.seed, "any-person", salt))

    # -- lists ---------------------------------------------------------------
    @staticmethod
    def genres(kind: str) -> JsonDict:
        """``/genre/{kind}/list`` body with TMDb's real ids and names."""
        table = MOVIE_GENRES if kind == "movie" else TV_GENRES
        return {"genres": [{"id": g, "name": n} for g, n in table]}

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
        top = POOL_SIZE if kind == "person" else self.months._offsets[kind][-1]
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

    # -- omdb ----------------------------------------------------------------
    def trakt(self, kind: str, imdb_id: str, part: str) -> JsonDict | None:
        """Trakt ``/{movies|shows}/{imdb id}/{stats|ratings}`` body, or None for its 404."""
        match = IMDB_ID.match(imdb_id or "")
        if not match or part not in ("stats", "ratings"):
            return None
        found_kind, title_id = decode_imdb(int(match.group(1)))
        core = self.core(found_kind, title_id) if title_id > 0 else None
        if core is None or found_kind != kind or core.imdb_id != imdb_id:
            return None
        if not trakt_known(core):
            return None
        build = trakt_stats if part == "stats" else trakt_ratings
        return build(self.seed, core)

    def omdb(self, imdb_id: str) -> JsonDict:
        """OMDb ``?i=`` body: the title, or OMDb's not-found answers (HTTP 200 on OMDb)."""
        match = IMDB_ID.match(imdb_id or "")
        if not match:
            return INCORRECT_ID
        kind, title_id = decode_imdb(int(match.group(1)))
        core = self.core(kind, title_id) if title_id > 0 else None
        if core is None or core.imdb_id != imdb_id:
            return INCORRECT_ID
        if core.omdb != "ok":
            return GETTING_DATA if core.omdb == "error" else INCORRECT_ID
        if kind == "movie":
            details = pl.movie_details(self.seed, core)
            credit = pl.credits(self.seed, self.people, core)
            total_seasons = 0
        else:
            plan = self._plan(core)
            details = tvp.tv_details(self.seed, self.people, core, plan)
            credit = tvp.show_credits(self.seed, self.people, core, plan)
            total_seasons = plan.numbered
        cast = [c["name"] for c in credit["cast"]]
        directors = [c["name"] for c in credit["crew"] if c["job"] == "Director"][:2]
        writers = [c["name"] for c in credit["crew"] if c["department"] == "Writing"][:3]
        return omdb_payload(self.seed, core, details, cast, directors, writers, total_seasons)

    @staticmethod
    def kinds() -> tuple[str, ...]:
        """Title kinds the catalogue serves."""
        return KINDS
