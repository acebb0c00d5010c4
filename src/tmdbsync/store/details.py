"""The rest of what TMDb says about a title, as rows: companies, networks, collection, countries,
languages, releases and certifications, translations, alternative titles, watch providers and
creators.

Part of the title write in titles.py: the same transaction, one statement per table for the
whole batch, shared things (a company, a network, a provider) upserted by TMDb id and linked by
natural-key lookups, and a title's own rows replaced on a re-sync (`DETAIL_TABLES`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Connection

from tmdbsync.db.models import (
    Base,
    Collection,
    Company,
    ContentAlternativeTitle,
    ContentCompany,
    ContentCountry,
    ContentCreator,
    ContentLanguage,
    ContentNetwork,
    ContentRelease,
    ContentTranslation,
    ContentWatchProvider,
    Network,
    WatchProvider,
)
from tmdbsync.db.upsert import Lookup, insert_rows, upsert
from tmdbsync.payloads import OFFER_TYPES, Title
from tmdbsync.payloads import Company as CompanyPayload
from tmdbsync.store.credits import PERSON
from tmdbsync.store.rows import ContentIds, Row
from tmdbsync.sync.bundle import TitleBundle

COMPANY = Lookup(Company, ("tmdb_id",))
NETWORK = Lookup(Network, ("tmdb_id",))
PROVIDER = Lookup(WatchProvider, ("tmdb_id",))

DETAIL_TABLES: tuple[type[Base], ...] = (
    ContentCompany,
    ContentNetwork,
    ContentCountry,
    ContentLanguage,
    ContentRelease,
    ContentTranslation,
    ContentAlternativeTitle,
    ContentWatchProvider,
    ContentCreator,
)
"""A title's own detail rows, which a re-sync deletes before writing them again."""


def save_collections(connection: Connection, batch: Sequence[TitleBundle]) -> dict[int, int]:
    """Upsert the movies' collections first (content rows point at them); {TMDb id: id}."""
    found = {
        c.id: {
            "tmdb_id": c.id,
            "name": c.name,
            "poster_path": c.poster_path,
            "backdrop_path": c.backdrop_path,
        }
        for c in (b.title.belongs_to_collection for b in batch)
        if c is not None
    }
    rows = [found[k] for k in sorted(found)]
    ids = upsert(
        connection, Collection, rows, ["tmdb_id"], update=["name", "poster_path", "backdrop_path"]
    )
    return {key[0]: value for key, value in ids.items()}


def save_details(connection: Connection, batch: Sequence[TitleBundle], ids: ContentIds) -> None:
    """Write every detail table for the batch (children already deleted for re-synced titles)."""
    titles = [(ids[(b.kind, b.title.id)], b.title) for b in batch]
    _save_shared(connection, titles, Company, ContentCompany, "company_id", COMPANY, _companies)
    _save_shared(connection, titles, Network, ContentNetwork, "network_id", NETWORK, _networks)
    _save_providers(connection, titles)
    simple: list[tuple[type[Base], Callable[[int, Title], Iterable[Row]], dict[str, Lookup]]] = [
        (ContentCountry, _country_rows, {}),
        (ContentLanguage, _language_rows, {}),
        (ContentRelease, _release_rows, {}),
        (ContentTranslation, _translation_rows, {}),
        (ContentAlternativeTitle, _alternative_title_rows, {}),
        (ContentCreator, _creator_rows, {"person_id": PERSON}),
    ]
    for model, make_rows, lookups in simple:
        rows = [row for content_id, title in titles for row in make_rows(content_id, title)]
        insert_rows(connection, model, rows, lookups=lookups)


def _companies(title: Title) -> list[CompanyPayload]:
    return title.production_companies


def _networks(title: Title) -> list[CompanyPayload]:
    return title.networks


def _save_shared(
    connection: Connection,
    titles: list[tuple[int, Title]],
    model: type[Base],
    link: type[Base],
    link_column: str,
    lookup: Lookup,
    items: Callable[[Title], list[CompanyPayload]],
) -> None:
    """Companies or networks: upsert each once by TMDb id, then link it to its titles."""
    found = {
        item.id: {
            "tmdb_id": item.id,
            "name": item.name,
            "logo_path": item.logo_path,
            "origin_country": item.origin_country,
        }
        for _, title in titles
        for item in items(title)
    }
    upsert(
        connection,
        model,
        [found[k] for k in sorted(found)],
        ["tmdb_id"],
        update=["name", "logo_path", "origin_country"],
        returning=False,
    )
    links = sorted({(content_id, item.id) for content_id, title in titles for item in items(title)})
    insert_rows(
        connection,
        link,
        [{"content_id": c, link_column: i} for c, i in links],
        lookups={link_column: lookup},
    )


def _save_providers(connection: Connection, titles: list[tuple[int, Title]]) -> None:
    """Watch providers per country and offer type (TMDb's data comes from JustWatch)."""
    providers: dict[int, Row] = {}
    links: list[Row] = []
    for content_id, title in titles:
        for country, offers in sorted(title.watch_providers.results.items()):
            for offer_type in OFFER_TYPES:
                seen: set[int] = set()
                for provider in getattr(offers, offer_type):
                    if provider.provider_id in seen:
                        continue
                    seen.add(provider.provider_id)
                    providers[provider.provider_id] = {
                        "tmdb_id": provider.provider_id,
                        "name": provider.provider_name,
                        "logo_path": provider.logo_path,
                    }
                    links.append(
                        {
                            "content_id": content_id,
                            "provider_id": provider.provider_id,
                            "iso_3166_1": country,
                            "offer_type": offer_type,
                            "display_priority": provider.display_priority,
                            "link": offers.link,
                        }
                    )
    upsert(
        connection,
        WatchProvider,
        [providers[k] for k in sorted(providers)],
        ["tmdb_id"],
        update=["name", "logo_path"],
        returning=False,
    )
    insert_rows(connection, ContentWatchProvider, links, lookups={"provider_id": PROVIDER})


def _country_rows(content_id: int, title: Title) -> list[Row]:
    production = dict.fromkeys(c.iso_3166_1 for c in title.production_countries)
    origin = dict.fromkeys(title.origin_country)
    return [
        {"content_id": content_id, "iso_3166_1": code, "kind": kind}
        for kind, codes in (("production", production), ("origin", origin))
        for code in codes
    ]


def _language_rows(content_id: int, title: Title) -> list[Row]:
    codes = dict.fromkeys([*(s.iso_639_1 for s in title.spoken_languages), *title.languages])
    return [{"content_id": content_id, "iso_639_1": code} for code in codes]


def _release_rows(content_id: int, title: Title) -> list[Row]:
    """Movie `release_dates`, one row per entry; TV `content_ratings`, one row per country."""
    rows = [
        {
            "content_id": content_id,
            "iso_3166_1": country.iso_3166_1,
            "release_type": entry.type,
            "release_date": entry.release_date,
            "certification": entry.certification,
            "note": entry.note,
            "iso_639_1": entry.iso_639_1,
        }
        for country in title.release_dates.results
        for entry in country.release_dates
    ]
    rows.extend(
        {
            "content_id": content_id,
            "iso_3166_1": rating.iso_3166_1,
            "release_type": None,
            "release_date": None,
            "certification": rating.rating,
            "note": None,
            "iso_639_1": None,
        }
        for rating in title.content_ratings.results
    )
    return rows


def _translation_rows(content_id: int, title: Title) -> list[Row]:
    return [
        {
            "content_id": content_id,
            "iso_639_1": t.iso_639_1,
            "iso_3166_1": t.iso_3166_1,
            "title": t.data.title or t.data.name,
            "overview": t.data.overview,
            "tagline": t.data.tagline,
            "homepage": t.data.homepage,
            "runtime": t.data.runtime,
        }
        for t in title.translations.translations
    ]


def _alternative_title_rows(content_id: int, title: Title) -> list[Row]:
    return [
        {
            "content_id": content_id,
            "iso_3166_1": alt.iso_3166_1,
            "title": alt.title,
            "title_type": alt.type,
        }
        for alt in title.alternative_titles.items
    ]


def _creator_rows(content_id: int, title: Title) -> list[Row]:
    return [
        {"content_id": content_id, "person_id": creator.id, "credit_id": creator.credit_id}
        for creator in title.created_by
    ]
