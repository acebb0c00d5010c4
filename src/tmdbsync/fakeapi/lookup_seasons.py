"""Season and episode lookups: ``/tv/{id}/season/{n}[/episode/{e}][/{part}]`` bodies."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from . import seasons as tvp
from .appends import add_appends, parse_appends
from .ground import Ground
from .months import MonthKey
from .payloads import NO_LANG, LangOpts
from .titles import TitleCore

JsonDict = dict[str, Any]
# External ids TMDb knows of no season or episode here.
_NO_EXTERNAL_IDS: JsonDict = {
    "freebase_mid": None,
    "freebase_id": None,
    "tvdb_id": None,
    "tvrage_id": None,
    "wikidata_id": None,
}
_EPISODE_KEYS = (
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


class SeasonLookups(Ground):
    """Season payloads (cached, the heavy part) and everything cut from them."""

    def __init__(
        self, seed: int = 42, scale: float = 1.0, huge_months: dict[MonthKey, int] | None = None
    ) -> None:
        super().__init__(seed, scale, huge_months)
        self._season_lru = lru_cache(maxsize=2_000)(self._make_season)

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

    def _season(self, tv_id: int, number: int) -> JsonDict | None:
        """Cached season payload; shows removed by drift still 404."""
        if self.live("tv", tv_id) is None:
            return None
        return self._season_lru(tv_id, number)

    def _episode(self, tv_id: int, number: int, episode: int) -> JsonDict | None:
        """The season payload's entry for an episode, or None."""
        season = self._season(tv_id, number)
        if season is None or not 1 <= episode <= len(season["episodes"]):
            return None
        ep: JsonDict = season["episodes"][episode - 1]
        return ep

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
        if body is None or not names:
            return body
        return add_appends(
            dict(body), names, lambda name: self.season_part(tv_id, number, name, opts)
        )

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
            return {"id": season.id, **_NO_EXTERNAL_IDS}
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
        ep = self._episode(tv_id, number, episode)
        if ep is None:
            return None
        body = {k: ep[k] for k in _EPISODE_KEYS}
        return add_appends(
            body, names, lambda name: self.episode_part(tv_id, number, episode, name)
        )

    def episode_part(self, tv_id: int, number: int, episode: int, part: str) -> JsonDict | None:
        """``/tv/{id}/season/{n}/episode/{e}/{part}`` (credits, external_ids, images, videos)."""
        ep = self._episode(tv_id, number, episode)
        if ep is None:
            return None
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
            return {"id": ep["id"], "imdb_id": None, **_NO_EXTERNAL_IDS}
        if part == "images":
            return {"id": ep["id"], "stills": []}
        if part == "videos":
            return {"id": ep["id"], "results": []}
        return None

    def episode_credits(self, tv_id: int, number: int, episode: int) -> JsonDict | None:
        """Episode credits: cast = season regulars; crew/guest_stars = the season's episode."""
        return self.episode_part(tv_id, number, episode, "credits")
