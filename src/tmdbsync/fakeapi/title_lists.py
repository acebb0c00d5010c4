"""A title's lists: keywords, release dates, ratings, alternative titles, translations, providers.

Each is built alone from its own sub-seeded stream, like the payloads in ``payloads``.
"""

from __future__ import annotations

from typing import Any

from .payloads import LANG_INFO
from .seeding import heavy_tail, sub_rng
from .titles import TitleCore, make_title
from .vocab import (
    ALT_TITLE_TYPES,
    CERTS,
    COUNTRY_NAMES,
    KEYWORDS,
    LANGUAGES,
    OFFER_TYPES,
    TV_RATINGS,
    WATCH_PROVIDERS,
)

JsonDict = dict[str, Any]
_COUNTRY_LANG = {lang[3]: lang[0] for lang in LANGUAGES}
_KEYWORD_IDS = {name: 800 + i * 37 for i, name in enumerate(KEYWORDS)}


def keywords(seed: int, core: TitleCore) -> JsonDict:
    """Movie keywords live under ``keywords``; TV keywords under ``results``."""
    rng = sub_rng(seed, core.kind, core.id, "keywords")
    names = rng.sample(KEYWORDS, heavy_tail(rng, 0.25, 1, 6, len(KEYWORDS)))
    if core.kind == "movie":
        return {"id": core.id, "keywords": [{"id": _KEYWORD_IDS[n], "name": n} for n in names]}
    return {"id": core.id, "results": [{"name": n, "id": _KEYWORD_IDS[n]} for n in names]}


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
        iso, english, native, country, _ = LANG_INFO[code]
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
