"""Fetching one title's raw bundle in as few requests as TMDb allows.

A movie is one request: details with its nine sub-resources appended (`MOVIE_APPENDS`). A show is
details with its nine (`TV_APPENDS`: `aggregate_credits`, every season's cast and crew, in place
of `credits`, the latest season's) plus `season/N` and `season/N/credits` appends, 20 appends a
request. The first request cannot know how many seasons exist, so it fills its free slots with
seasons 0, 1, 2 … speculatively (TMDb leaves out appends that do not exist); later requests carry
only what is missing. That reaches the minimum ⌈(9 + 2·S) / 20⌉ requests for S seasons: the
specials (season 0) come in the first request without their credits, which join a later request
only when it has a free slot (9 + 2·S is odd, so one more append never costs a request).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Any

from tmdbsync.errors import NotFoundError, RequestRejected
from tmdbsync.kinds import Kind
from tmdbsync.sync.bundle import season_credits_key, season_key
from tmdbsync.tmdb import MAX_APPENDS, TmdbClient

COMMON_APPENDS = (
    "images",
    "videos",
    "external_ids",
    "keywords",
    "alternative_titles",
    "translations",
    "watch/providers",
)
MOVIE_APPENDS = ("credits", *COMMON_APPENDS, "release_dates")
TV_APPENDS = ("aggregate_credits", *COMMON_APPENDS, "content_ratings")
SPECIALS = 0


def language_params(original_language: str | None) -> dict[str, str]:
    """English text; images and videos in English, untagged, and the title's own language.

    Without `include_image_language` TMDb thins appended images down to `language` alone.
    """
    languages = ["en", "null"]
    if original_language and original_language not in languages:
        languages.append(original_language)
    joined = ",".join(languages)
    return {
        "language": "en-US",
        "include_image_language": joined,
        "include_video_language": joined,
    }


def season_appends(numbers: Sequence[int], with_credits: bool) -> list[str]:
    """`season/N` and, but for the specials, `season/N/credits` (see the module docstring)."""
    appends: list[str] = []
    for number in numbers:
        appends.append(season_key(number))
        if with_credits and number != SPECIALS:
            appends.append(season_credits_key(number))
    return appends


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def speculative_seasons(with_credits: bool) -> list[int]:
    """Seasons 0, 1, 2 … as many as fill the first request's free slots."""
    free = MAX_APPENDS - len(TV_APPENDS) - 1  # season 0 takes one slot
    return [SPECIALS, *range(1, 1 + free // (2 if with_credits else 1))]


def listed_seasons(raw: dict[str, Any]) -> list[int]:
    numbers = []
    for item in raw.get("seasons") or []:
        number = item.get("season_number") if isinstance(item, dict) else None
        if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
            numbers.append(number)
    return sorted(set(numbers))


async def fetch_title(
    tmdb: TmdbClient,
    kind: Kind,
    tmdb_id: int,
    original_language: str | None,
    *,
    episode_credits: bool,
) -> tuple[dict[str, Any], dict[tuple[int, int], Any] | None]:
    """The raw details (with appends merged) and, in `episode` mode, per-episode credits."""
    params = language_params(original_language)
    if kind == "movie":
        raw = await tmdb.details("movie", tmdb_id, MOVIE_APPENDS, params=params, bucket=kind)
        return raw, None
    with_credits = not episode_credits
    first = [*TV_APPENDS, *season_appends(speculative_seasons(with_credits), with_credits)]
    try:
        raw = await tmdb.details("tv", tmdb_id, first, params=params, bucket=kind)
    except (NotFoundError, RequestRejected):
        # Should TMDb ever refuse a speculative season outright, ask without them; a show
        # that is really gone answers 404 again.
        raw = await tmdb.details("tv", tmdb_id, TV_APPENDS, params=params, bucket=kind)
    listed = listed_seasons(raw)
    missing = [key for key in season_appends(listed, with_credits) if key not in raw]
    specials_credits = season_credits_key(SPECIALS)
    free_slot = len(missing) % MAX_APPENDS != 0  # in the last request
    if with_credits and free_slot and SPECIALS in listed and specials_credits not in raw:
        missing.append(specials_credits)
    chunks = list(_chunks(missing, MAX_APPENDS))
    # at once, not one after the other: a long show would hold its page a round trip per chunk
    extras = await asyncio.gather(
        *(tmdb.details("tv", tmdb_id, chunk, params=params, bucket=kind) for chunk in chunks)
    )
    for chunk, extra in zip(chunks, extras, strict=True):
        for key in chunk:
            if key in extra:
                raw[key] = extra[key]
    if not episode_credits:
        return raw, None
    return raw, await _episode_credits(tmdb, tmdb_id, raw)


async def _episode_credits(
    tmdb: TmdbClient, tmdb_id: int, raw: dict[str, Any]
) -> dict[tuple[int, int], Any]:
    """`episode` mode: one /episode/{e}/credits call per episode, as the seed lists it."""
    wanted: list[tuple[int, int]] = []
    for number in listed_seasons(raw):
        season = raw.get(season_key(number))
        episodes = season.get("episodes") if isinstance(season, dict) else None
        for episode in episodes or []:
            e = episode.get("episode_number") if isinstance(episode, dict) else None
            if isinstance(e, int) and not isinstance(e, bool):
                wanted.append((number, e))

    async def one(season_number: int, episode_number: int) -> Any:
        try:
            return await tmdb.episode_credits(tmdb_id, season_number, episode_number, bucket="tv")
        except NotFoundError:
            return None

    results = await asyncio.gather(*(one(s, e) for s, e in wanted))
    return {key: value for key, value in zip(wanted, results, strict=True) if value is not None}
