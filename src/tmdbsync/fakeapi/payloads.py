"""JSON shapes of movie / TV show payloads, mirroring the recorded TMDb samples.

Every builder takes a :class:`TitleCore` (plus the people pool) and derives the rest
from its own sub-seeded stream, so each sub-resource can be built alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .people import People, draw_people
from .seeding import heavy_tail, hex_id, image_path, sub_rng
from .titles import TitleCore, make_title
from .vocab import (
    ALT_TITLE_TYPES,
    CERTS,
    CHARACTERS,
    COMPANIES,
    COUNTRY_NAMES,
    KEYWORDS,
    LANGUAGES,
    MOVIE_GENRES,
    OFFER_TYPES,
    TV_GENRES,
    TV_RATINGS,
    VIDEO_TYPES,
    WATCH_PROVIDERS,
)

JsonDict = dict[str, Any]
_GENRE_NAMES = dict(MOVIE_GENRES) | dict(TV_GENRES)
_LANG_INFO = {lang[0]: lang for lang in LANGUAGES}
_COUNTRY_LANG = {lang[3]: lang[0] for lang in LANGUAGES}
_IMAGE_LANGS = ("en", "fr", "de", "es", "ja", "ko", "ru", "pt", "it", "zh")
_KEYWORD_IDS = {name: 800 + i * 37 for i, name in enumerate(KEYWORDS)}


@dataclass(frozen=True, slots=True)
class LangOpts:
    """The language query params that filter images and videos."""

    language: str | None = None
    include_image_language: str | None = None
    include_video_language: str | None = None


NO_LANG = LangOpts()  # no language params: nothing filtered


def discover_item(core: TitleCore) -> JsonDict:
    """One ``results`` entry of /discover/movie or /discover/tv."""
    if core.kind == "movie":
        return {
            "adult": False,
            "backdrop_path": core.backdrop_path,
            "genre_ids": list(core.genre_ids),
            "id": core.id,
            "title": core.title,
            "original_language": core.original_language,
            "original_title": core.original_title,
            "overview": core.overview,
            "popularity": core.popularity,
            "poster_path": core.poster_path,
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
        "original_language": core.original_language,
        "original_name": core.original_title,
        "overview": core.overview,
        "popularity": core.popularity,
        "poster_path": core.poster_path,
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
    iso, english, native, _, _ = _LANG_INFO[core.original_language]
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
        "original_language": core.original_language,
        "original_title": core.original_title,
        "overview": core.overview,
        "popularity": core.popularity,
        "poster_path": core.poster_path,
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
                    "iso_3166_1": _LANG_INFO[lang][3] if lang in _LANG_INFO else None,
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
                "iso_3166_1": _LANG_INFO[lang][3],
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


def keywords(seed: int, core: TitleCore) -> JsonDict:
    """Movie keywords live under ``keywords``; TV keywords under ``results``."""
    rng = sub_rng(seed, core.kind, core.id, "keywords")
    names = rng.sample(KEYWORDS, heavy_tail(rng, 0.25, 1, 6, len(KEYWORDS)))
    if core.kind == "movie":
        return {"id": core.id, "keywords": [{"id": _KEYWORD_IDS[n], "name": n} for n in names]}
    return {"id": core.id, "results": [{"name": n, "id": _KEYWORD_IDS[n]} for n in names]}


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


def release_dates(seed: int, core: TitleCore) -> JsonDict:
    """Movie ``release_dates`` per country."""
    rng = sub_rng(seed, "movie", core.id, "release_dates")
    results = []
    for country in sorted(rng.sample(sorted(COUNTRY_NAMES), rng.randint(0, 6))):
        results.append(
            {
                "iso_3166_1": country,
                "release_dates": [
                    {
                        "certification": rng.choice(CERTS),
                        "descriptors": [],
                        "iso_639_1": "",
                        "note": "",
                        "release_date": f"{core.date}T00:00:00.000Z",
                        "type": release_type,
                    }
                    # a country lists each release type once (theatrical, digital, ...)
                    for release_type in sorted(rng.sample(range(1, 7), rng.randint(1, 2)))
                ],
            }
        )
    return {"id": core.id, "results": results}


def content_ratings(seed: int, core: TitleCore) -> JsonDict:
    """TV ``content_ratings`` per country."""
    rng = sub_rng(seed, "tv", core.id, "ratings")
    results = [
        {"descriptors": [], "iso_3166_1": c, "rating": rng.choice(TV_RATINGS)}
        for c in sorted(rng.sample(sorted(COUNTRY_NAMES), rng.randint(0, 5)))
    ]
    return {"results": results, "id": core.id}


def alternative_titles(seed: int, core: TitleCore) -> JsonDict:
    """``alternative_titles``: movies list ``titles``, shows ``results``; ``type`` is often ""."""
    rng = sub_rng(seed, core.kind, core.id, "alternative_titles")
    items = [
        {
            "iso_3166_1": country,
            "title": make_title(rng, _COUNTRY_LANG.get(country, "en")),
            "type": rng.choice(ALT_TITLE_TYPES),
        }
        for country in rng.sample(sorted(COUNTRY_NAMES), heavy_tail(rng, 0.3, 1, 4, 12))
    ]
    return {"id": core.id, "titles" if core.kind == "movie" else "results": items}


def translations(seed: int, core: TitleCore) -> JsonDict:
    """``translations``: the original language plus a few others; untranslated fields are ""."""
    rng = sub_rng(seed, core.kind, core.id, "translations")
    others = [lang[0] for lang in LANGUAGES if lang[0] != core.original_language]
    codes = [core.original_language, *rng.sample(others, heavy_tail(rng, 0.2, 1, 4, 9))]
    items = []
    for code in codes:
        iso, english, native, country, _ = _LANG_INFO[code]
        name = core.original_title if code == core.original_language else make_title(rng, code)
        data: JsonDict = {
            "title" if core.kind == "movie" else "name": name if rng.random() < 0.8 else "",
            "overview": f"{name}." if rng.random() < 0.7 else "",
            "homepage": f"https://example.com/{code}/{core.id}" if rng.random() < 0.2 else "",
            "tagline": "" if rng.random() < 0.6 else f"{name}!",
        }
        if core.kind == "movie":
            data["runtime"] = 0 if rng.random() < 0.7 else rng.randint(70, 180)
        items.append(
            {
                "iso_3166_1": country,
                "iso_639_1": iso,
                "name": native,
                "english_name": english,
                "data": data,
            }
        )
    return {"id": core.id, "translations": items}


def watch_providers(seed: int, core: TitleCore) -> JsonDict:
    """``watch/providers``: per country a TMDb link and providers per offer type (JustWatch)."""
    rng = sub_rng(seed, core.kind, core.id, "watch_providers")
    slug = "movie" if core.kind == "movie" else "tv"
    results: JsonDict = {}
    for country in sorted(rng.sample(sorted(COUNTRY_NAMES), heavy_tail(rng, 0.3, 1, 5, 14))):
        entry: JsonDict = {
            "link": f"https://www.themoviedb.org/{slug}/{core.id}/watch?locale={country}"
        }
        for offer in rng.sample(OFFER_TYPES, rng.randint(1, 3)):
            entry[offer] = [
                {
                    "logo_path": logo,
                    "provider_id": pid,
                    "provider_name": name,
                    "display_priority": rng.randint(0, 40),
                }
                for pid, name, logo in rng.sample(WATCH_PROVIDERS, rng.randint(1, 3))
            ]
        results[country] = entry
    return {"id": core.id, "results": results}


def empty_page() -> JsonDict:
    """A paged list with no results (recommendations, similar)."""
    return {"page": 1, "results": [], "total_pages": 1, "total_results": 0}
