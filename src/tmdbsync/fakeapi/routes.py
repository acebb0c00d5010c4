"""Map TMDb v3 paths + query params onto catalogue calls (no HTTP here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .catalogue import Catalogue
from .errors import TmdbError
from .payloads import LangOpts

JsonDict = dict[str, Any]
Query = dict[str, str]
_ID_AFTER = {"movie": "{id}", "tv": "{id}", "person": "{id}", "season": "{n}", "episode": "{e}"}
_CONFIGURATION: JsonDict = {
    "change_keys": [
        "adult",
        "air_date",
        "also_known_as",
        "biography",
        "birthday",
        "budget",
        "cast",
        "crew",
        "deathday",
        "episode",
        "genres",
        "homepage",
        "images",
        "imdb_id",
        "name",
        "overview",
        "poster",
        "release_dates",
        "runtime",
        "season",
        "title",
        "videos",
    ],
    "images": {
        "base_url": "http://image.tmdb.org/t/p/",
        "secure_base_url": "https://image.tmdb.org/t/p/",
        "backdrop_sizes": ["w300", "w780", "w1280", "original"],
        "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
        "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
        "profile_sizes": ["w45", "w185", "h632", "original"],
        "still_sizes": ["w92", "w185", "w300", "original"],
    },
}


def endpoint_key(parts: list[str]) -> str:
    """``["tv", "12", "season", "3"]`` -> ``"tv/{id}/season/{n}"`` (for /__stats)."""
    out = []
    for i, part in enumerate(parts):
        prev = parts[i - 1] if i else ""
        out.append(_ID_AFTER[prev] if prev in _ID_AFTER and part.isdigit() else part)
    return "/".join(out)


def _page(query: Query) -> int:
    raw = query.get("page", "1")
    if not raw.isdigit():
        raise TmdbError(22)
    return int(raw)


def _date(query: Query, *names: str) -> date | None:
    for name in names:
        raw = query.get(name)
        if raw:
            try:
                return date.fromisoformat(raw[:10])
            except ValueError as exc:
                raise TmdbError(23) from exc
    return None


def _int(part: str) -> int | None:
    return int(part) if part.isdigit() else None


def _opts(query: Query) -> LangOpts:
    return LangOpts(
        query.get("language"),
        query.get("include_image_language"),
        query.get("include_video_language"),
    )


def route_tmdb(cat: Catalogue, parts: list[str], query: Query) -> JsonDict | None:
    """Answer one TMDb request; None means 404 (code 34); TmdbError for other errors."""
    n = len(parts)
    appends = query.get("append_to_response")
    if n == 2 and parts[0] == "discover" and parts[1] in ("movie", "tv"):
        if parts[1] == "movie":
            gte = _date(query, "primary_release_date.gte", "release_date.gte")
            lte = _date(query, "primary_release_date.lte", "release_date.lte")
        else:
            gte = _date(query, "first_air_date.gte", "air_date.gte")
            lte = _date(query, "first_air_date.lte", "air_date.lte")
        return cat.discover(parts[1], gte, lte, _page(query), query.get("sort_by"))
    if n == 3 and parts[0] == "genre" and parts[2] == "list" and parts[1] in ("movie", "tv"):
        return cat.genres(parts[1])
    if n == 1 and parts[0] == "configuration":
        return _CONFIGURATION
    if n == 2 and parts[0] in ("movie", "tv", "person") and parts[1] == "changes":
        return cat.changes(
            parts[0], _date(query, "start_date"), _date(query, "end_date"), _page(query)
        )
    if n < 2 or parts[0] not in ("movie", "tv", "person"):
        return None
    ident = _int(parts[1])
    if ident is None:
        return None
    kind = parts[0]
    if kind == "movie":
        if n == 2:
            return cat.movie(ident, appends, _opts(query))
        return cat.movie_part(ident, parts[2], _opts(query)) if n == 3 else None
    if kind == "person":
        if n == 2:
            return cat.person(ident, appends)
        return cat.person_part(ident, parts[2]) if n == 3 else None
    # tv
    if n == 2:
        return cat.tv(ident, appends, _opts(query))
    if n == 3:
        return cat.tv_part(ident, parts[2], _opts(query))
    if parts[2] != "season" or (season := _int(parts[3])) is None:
        return None
    if n == 4:
        return cat.season(ident, season, appends, _opts(query))
    if n == 5:
        return cat.season_part(ident, season, parts[4], _opts(query))
    if parts[4] != "episode" or (episode := _int(parts[5])) is None:
        return None
    if n == 6:
        return cat.episode(ident, season, episode, appends)
    return cat.episode_part(ident, season, episode, parts[6]) if n == 7 else None
