"""OMDb and Trakt lookups: a title's answers on the rating services, found by IMDb id."""

from __future__ import annotations

from typing import Any

from . import payloads as pl
from . import seasons as tvp
from .ground import Ground
from .omdb import GETTING_DATA, IMDB_ID, INCORRECT_ID, omdb_payload
from .titles import TitleCore, decode_imdb
from .trakt import trakt_known, trakt_ratings, trakt_stats

JsonDict = dict[str, Any]


class RatingLookups(Ground):
    """OMDb ``?i=`` and Trakt ``stats``/``ratings`` bodies for catalogue titles."""

    def _by_imdb(self, imdb_id: str) -> TitleCore | None:
        """The title an IMDb id names, or None (malformed, unknown, or not that title's)."""
        match = IMDB_ID.match(imdb_id or "")
        if not match:
            return None
        kind, title_id = decode_imdb(int(match.group(1)))
        core = self.core(kind, title_id) if title_id > 0 else None
        return None if core is None or core.imdb_id != imdb_id else core

    def trakt(self, kind: str, imdb_id: str, part: str) -> JsonDict | None:
        """Trakt ``/{movies|shows}/{imdb id}/{stats|ratings}`` body, or None for its 404."""
        if part not in ("stats", "ratings"):
            return None
        core = self._by_imdb(imdb_id)
        if core is None or core.kind != kind or not trakt_known(core):
            return None
        build = trakt_stats if part == "stats" else trakt_ratings
        return build(self.seed, core)

    def omdb(self, imdb_id: str) -> JsonDict:
        """OMDb ``?i=`` body: the title, or OMDb's not-found answers (HTTP 200 on OMDb)."""
        core = self._by_imdb(imdb_id)
        if core is None:
            return INCORRECT_ID
        if core.omdb != "ok":
            return GETTING_DATA if core.omdb == "error" else INCORRECT_ID
        if core.kind == "movie":
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
