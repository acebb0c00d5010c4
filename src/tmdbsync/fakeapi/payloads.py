"""Movie / TV payload shapes (details, credits, images, videos, ids), as TMDb records them.

Every builder takes a :class:`TitleCore` (plus the people pool) and derives the rest
from its own sub-seeded stream, so each sub-resource can be built alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .people import People, draw_people
from .seeding import heavy_tail, hex_id, image_path, sub_rng
from .titles import TitleCore
from .vocab import (
    CHARACTERS,
    COMPANIES,
    COUNTRY_NAMES,
    LANGUAGES,
    MOVIE_GENRES,
    TV_GENRES,
    VIDEO_TYPES,
)

JsonDict = dict[str, Any]
_GENRE_NAMES = dict(MOVIE_GENRES) | dict(TV_GENRES)
LANG_INFO = {
    lang[0]: lang for lang in LANGUAGES
}  # code -> (code, English, native, country, weight)
_IMAGE_LANGS = ("en", "fr", "de", "es", "ja", "ko", "ru", "pt", "it", "zh")


@dataclass(frozen=True, slots=True)
class LangOpts:
    """The language query params that filter images and videos."""

    language: str | None = None
    include_image_language: str | None = None
    include_video_language: str | None = None


NO_LANG = LangOpts()  # no language params: nothing filtered


def core_facts(core: TitleCore) -> JsonDict:
    """The run of keys every title payload lists in this order (discover items and details)."""
    return {
        "original_language": core.original_language,
        "original_title" if core.kind == "movie" else "original_name": core.original_title,
        "overview": core.overview,
        "popularity": core.popularity,
        "poster_path": core.poster_path,
    }


def discover_item(core: TitleCore) -> JsonDict:
    """One ``results`` entry of /discover/movie or /discover/tv."""
    if core.kind == "movie":
        return {
            "adult": False,
            "backdrop_path": core.backdrop_path,
            "genre_ids": list(core.genre_ids),
            "id": core.id,
            "title": core.title,
            **core_facts(core),
            "release_date": core.date,
            "softcore": False,
            "video": False,
            "vote_average": core.vote_average,
            "vote_count": core.vote_count,
        }
    return {
        "adult": False,
        "backdrop_path": core.backdrop_path,
        "genre_ids": list(core.genre_ids),
        "id": core.id,
        "origin_country": [core.origin_country],
        **core_facts(core),
        "first_air_date": core.date,
        "softcore": False,
        "name": core.title,
        "vote_average": core.vote_average,
        "vote_count": core.vote_count,
    }


def genres(core: TitleCore) -> list[JsonDict]:
    """``genres`` objects for a title's genre ids."""
    return [{"id": g, "name": _GENRE_NAMES[g]} for g in core.genre_ids]


def spoken_languages(core: TitleCore) -> list[JsonDict]:
    """``spoken_languages`` (the original language)."""
    iso, english, native, _, _ = LANG_INFO[core.original_language]
    return [{"english_name": english, "iso_639_1": iso, "name": native}]


def companies(rng: random.Random) -> list[JsonDict]:
    """``production_companies`` (sometimes empty, some logos null)."""
    picks = rng.sample(COMPANIES, heavy_tail(rng, 0.15, 1, 3, 8))
    return [
        {"id": cid, "logo_path": _company_logo(cid), "name": name, "origin_country": country}
        for cid, name, country in picks
    ]


def _company_logo(company_id: int) -> str | None:
    """One logo per company, as TMDb has: every title naming a company shows the same one (the
    big studios listed here nearly all have one)."""
    rng = sub_rng(0, "company", company_id)
    return image_path(rng) if rng.random() < 0.85 else None


def countries(core: TitleCore, has_any: bool) -> list[JsonDict]:
    """``production_countries``."""
    if not has_any:
        return []
    return [{"iso_3166_1": core.origin_country, "name": COUNTRY_NAMES[core.origin_country]}]


def movie_details(seed: int, core: TitleCore) -> JsonDict:
    """``GET /movie/{id}`` body without appends (shape of movie_details.json)."""
    rng = sub_rng(seed, "movie-details", core.id)
    prod = companies(rng)
    budget = 0 if rng.random() < 0.6 else rng.randint(1, 300) * 500_000
    collection = None
    if rng.random() < 0.1:
        collection = {
            # One collection per movie, so no two titles describe the same collection differently.
            "id": 1_000_000 + core.id,
            "name": f"{core.title} Collection",
            "poster_path": image_path(rng),
            "backdrop_path": image_path(rng),
        }
    return {
        "adult": False,
        "backdrop_path": core.backdrop_path,
        "belongs_to_collection": collection,
        "budget": budget,
        "genres": genres(core),
        "homepage": "" if rng.random() < 0.6 else f"https://example.com/movie/{core.id}",
        "id": core.id,
        "imdb_id": core.imdb_id,
        "origin_country": [core.origin_country],
        **core_facts(core),
        "production_companies": prod,
        "production_countries": countries(core, bool(prod)),
        "release_date": core.date,
        "revenue": 0 if not budget or rng.random() < 0.3 else int(budget * rng.uniform(0.2, 6)),
        "runtime": None if rng.random() < 0.05 else rng.choice((0, *range(70, 181, 7))),
        "softcore": False,
        "spoken_languages": spoken_languages(core),
        "status": "Released" if core.year < 2026 else rng.choice(("Post Production", "Planned")),
        "tagline": "" if rng.random() < 0.5 else f"{core.title}.",
        "title": core.title,
        "video": False,
        "vote_average": core.vote_average,
        "vote_count": core.vote_count,
    }


def credits(seed: int, people: People, core: TitleCore) -> JsonDict:
    """Movie/TV ``credits``: heavy-tailed cast and crew sizes, people from the shared pool."""
    rng = sub_rng(seed, core.kind, core.id, "credits")
    n_cast = heavy_tail(rng, 0.03, 5, 30, 250)
    n_crew = heavy_tail(rng, 0.04, 3, 25, 200)
    movie = core.kind == "movie"
    cast = [
        people.cast_entry(rng, pid, order, rng.choice(CHARACTERS), movie)
        for order, pid in enumerate(draw_people(rng, n_cast))
    ]
    crew = [people.crew_entry(rng, pid) for pid in draw_people(rng, n_crew)]
    return {"id": core.id, "cast": cast, "crew": crew}


def images(seed: int, core: TitleCore, opts: LangOpts) -> JsonDict:
    """``images`` with backdrops/logos/posters, filtered the way TMDb filters them."""
    rng = sub_rng(seed, core.kind, core.id, "images")
    out: JsonDict = {"id": core.id}
    specs = (
        ("backdrops", 1.778, 1080, 0.7),
        ("logos", 3.2, 400, 0.0),
        ("posters", 0.667, 1500, 0.1),
    )
    for key, ratio, height, untagged in specs:
        items = []
        for _ in range(heavy_tail(rng, 0.1, 1, 8, 60)):
            r = rng.random()
            lang = (
                None
                if r < untagged
                else core.original_language
                if r < 0.6
                else rng.choice(_IMAGE_LANGS)
            )
            items.append(
                {
                    "aspect_ratio": ratio,
                    "height": height,
                    "iso_3166_1": LANG_INFO[lang][3] if lang in LANG_INFO else None,
                    "iso_639_1": lang,
                    "file_path": image_path(rng),
                    "vote_average": round(rng.uniform(0, 10), 3),
                    "vote_count": rng.randint(0, 40),
                    "width": int(height * ratio),
                }
            )
        out[key] = filter_by_language(items, opts.language, opts.include_image_language, False)
    return out


def _lang_set(
    language: str | None, include: str | None, default_en: bool
) -> set[str | None] | None:
    """Languages to keep, or None for "everything" (no language given at all)."""
    wanted: set[str | None] = set()
    if language:
        wanted.add(language.split("-")[0].lower())
    elif default_en:
        wanted.add("en")
    for part in (include or "").split(","):
        part = part.strip().lower()
        if part:
            wanted.add(None if part == "null" else part.split("-")[0])
    return wanted or None


def filter_by_language(
    items: list[JsonDict], language: str | None, include: str | None, default_en: bool
) -> list[JsonDict]:
    """TMDb's rule: keep ``language`` + ``include_*_language`` (``null`` = untagged)."""
    wanted = _lang_set(language, include, default_en)
    if wanted is None:
        return items
    return [item for item in items if item["iso_639_1"] in wanted]


def videos(seed: int, core: TitleCore, opts: LangOpts) -> JsonDict:
    """``videos``: 0..n YouTube clips; TMDb defaults the language filter to en-US."""
    rng = sub_rng(seed, core.kind, core.id, "videos")
    items = []
    for _ in range(heavy_tail(rng, 0.35, 1, 5, 30)):
        lang = "en" if rng.random() < 0.7 else core.original_language
        items.append(
            {
                "iso_639_1": lang,
                "iso_3166_1": LANG_INFO[lang][3],
                "name": f"{core.title} {rng.choice(VIDEO_TYPES)}",
                "key": "".join(rng.choices("abcdefghijkABCDEFGHIJK0123456789_-", k=11)),
                "site": "YouTube",
                "size": rng.choice((480, 720, 1080, 2160)),
                "type": rng.choice(VIDEO_TYPES),
                "official": rng.random() < 0.7,
                "id": hex_id(rng),
                "published_at": f"{core.date}T{rng.randint(0, 23):02d}:00:00.000Z",
            }
        )
    results = filter_by_language(items, opts.language, opts.include_video_language, True)
    return {"id": core.id, "results": results}


def external_ids(seed: int, core: TitleCore) -> JsonDict:
    """``external_ids``; ``imdb_id`` is null for titles without one."""
    rng = sub_rng(seed, core.kind, core.id, "external")
    wikidata = f"Q{rng.randint(10_000, 99_999_999)}" if rng.random() < 0.6 else None
    social = core.original_title.replace(" ", "") if rng.random() < 0.2 else None
    if core.kind == "movie":
        return {
            "id": core.id,
            "imdb_id": core.imdb_id,
            "wikidata_id": wikidata,
            "facebook_id": social,
            "instagram_id": None,
            "twitter_id": None,
        }
    return {
        "id": core.id,
        "imdb_id": core.imdb_id,
        "freebase_mid": None,
        "freebase_id": None,
        "tvdb_id": rng.randint(70_000, 450_000) if rng.random() < 0.7 else None,
        "tvrage_id": rng.randint(1, 50_000) if rng.random() < 0.2 else None,
        "wikidata_id": wikidata,
        "facebook_id": social,
        "instagram_id": None,
        "twitter_id": social,
    }
