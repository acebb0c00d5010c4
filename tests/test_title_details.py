"""Everything else TMDb says about a title: real recordings and the fake's payloads, stored whole.

Companies, networks, collection, countries, languages, releases, translations, alternative
titles, watch providers, creators and TV credits over all seasons, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, String, Text, or_, select

from tests.sync_support import endpoint_counts, fake_settings, rows, run, scalar
from tests.test_fakeapi_shapes import assert_shape
from tmdbsync.db.models import Base
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.payloads import LangOpts
from tmdbsync.kinds import Kind
from tmdbsync.payloads import PersonDetails, parse
from tmdbsync.quota import QuotaLedger
from tmdbsync.store import Store
from tmdbsync.sync.bundle import build_bundle
from tmdbsync.sync.fetch import MOVIE_APPENDS, TV_APPENDS, fetch_title, language_params
from tmdbsync.tmdb import TmdbClient

OFFERS = ("flatrate", "free", "ads", "rent", "buy")


def _example(samples: Path, path: str) -> dict[str, Any]:
    """The official OpenAPI example body of a TMDb GET endpoint."""
    spec = json.loads((samples / "tmdb-openapi.json").read_text())
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    value: dict[str, Any] = json.loads(content["examples"]["Result"]["value"])
    value.pop("id", None)  # appended blocks carry no id of their own
    return value


def _load(samples: Path, name: str) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((samples / name).read_text())
    return raw


def _fight_club(samples: Path) -> dict[str, Any]:
    """Movie 550 as recorded with credits, release_dates, external_ids, keywords and images,
    plus TMDb's own examples (also movie 550) for the three appends no recording has."""
    raw = _load(samples, "movie_details_append.json")
    raw["alternative_titles"] = _example(samples, "/3/movie/{movie_id}/alternative_titles")
    raw["translations"] = _example(samples, "/3/movie/{movie_id}/translations")
    raw["watch/providers"] = _example(samples, "/3/movie/{movie_id}/watch/providers")
    return raw


def _game_of_thrones(samples: Path) -> dict[str, Any]:
    """Show 1399 as recorded with aggregate_credits and content_ratings, plus the examples."""
    raw = _load(samples, "tv_details_append.json")
    raw["alternative_titles"] = _example(samples, "/3/tv/{series_id}/alternative_titles")
    raw["translations"] = _example(samples, "/3/tv/{series_id}/translations")
    raw["watch/providers"] = _example(samples, "/3/tv/{series_id}/watch/providers")
    return raw


def _rows_of(engine: Engine, columns: str, table: str, content_id: int) -> set[tuple[Any, ...]]:
    """The title's rows of `table`, as a set of tuples of `columns`."""
    sql = f"select {columns} from {table} where content_id = :c"
    return set(rows(engine, sql, c=content_id))


def _count(engine: Engine, table: str, content_id: int) -> int:
    return int(scalar(engine, f"select count(*) from {table} where content_id = :c", c=content_id))


def _providers(raw: dict[str, Any]) -> set[tuple[str, str, int]]:
    return {
        (country, offer, item["provider_id"])
        for country, entry in raw["watch/providers"]["results"].items()
        for offer in OFFERS
        for item in entry.get(offer, [])
    }


def _nulls(value: Any) -> Any:
    return value or None


def assert_countries(engine: Engine, content_id: int, raw: dict[str, Any]) -> None:
    """The stored production and origin countries are exactly those the payload names."""
    countries = {(c["iso_3166_1"], "production") for c in raw["production_countries"]}
    countries |= {(code, "origin") for code in raw.get("origin_country", [])}
    stored = rows(
        engine, "select iso_3166_1, kind from content_country where content_id = :c", c=content_id
    )
    assert set(stored) == countries


def test_a_real_movie_stores_every_detail_it_carries(samples_dir: Path, engine: Engine) -> None:
    raw = _fight_club(samples_dir)
    content_id = Store(engine).titles.save(build_bundle("movie", raw))

    releases = [
        (
            country["iso_3166_1"],
            entry["type"],
            _nulls(entry["certification"]),
            _nulls(entry["note"]),
        )
        for country in raw["release_dates"]["results"]
        for entry in country["release_dates"]
    ]
    stored = rows(
        engine,
        "select iso_3166_1, release_type, certification, note from content_release"
        " where content_id = :c",
        c=content_id,
    )
    assert sorted(stored, key=repr) == sorted(releases, key=repr)
    assert any(r[2] for r in stored), "certifications are kept"

    companies = {c["id"] for c in raw["production_companies"]}
    assert (
        set(
            r[0]
            for r in rows(
                engine,
                "select company.tmdb_id from content_company join company"
                " on company.id = content_company.company_id where content_id = :c",
                c=content_id,
            )
        )
        == companies
    )
    assert_countries(engine, content_id, raw)
    assert {
        r[0]
        for r in rows(
            engine, "select iso_639_1 from content_language where content_id = :c", c=content_id
        )
    } == {s["iso_639_1"] for s in raw["spoken_languages"]}

    translations = raw["translations"]["translations"]
    assert _count(engine, "content_translation", content_id) == len(translations)
    english = rows(
        engine,
        "select title, overview, homepage from content_translation"
        " where content_id = :c and iso_639_1 = 'en'",
        c=content_id,
    )
    source = next(t for t in translations if t["iso_639_1"] == "en")["data"]
    assert english == [
        (_nulls(source["title"]), _nulls(source["overview"]), _nulls(source["homepage"]))
    ]

    titles = raw["alternative_titles"]["titles"]
    stored_titles = rows(
        engine,
        "select iso_3166_1, title, title_type from content_alternative_title where content_id = :c",
        c=content_id,
    )
    assert sorted(stored_titles) == sorted(
        (t["iso_3166_1"], t["title"], _nulls(t["type"])) for t in titles
    )

    watch = rows(
        engine,
        "select p.tmdb_id, w.iso_3166_1, w.offer_type, w.link from content_watch_provider w"
        " join watch_provider p on p.id = w.provider_id where w.content_id = :c",
        c=content_id,
    )
    assert {(country, offer, pid) for pid, country, offer, _ in watch} == _providers(raw)
    assert all(link and link.startswith("https://www.themoviedb.org/") for *_, link in watch)


def test_a_real_show_credits_every_season_and_its_creators(
    samples_dir: Path, engine: Engine
) -> None:
    raw = _game_of_thrones(samples_dir)
    content_id = Store(engine, principal_cast=10).titles.save(build_bundle("tv", raw))
    aggregate = raw["aggregate_credits"]

    assert _count(engine, "content_cast", content_id) == sum(
        len(c["roles"]) for c in aggregate["cast"]
    )
    assert _count(engine, "content_crew", content_id) == sum(
        len(c["jobs"]) for c in aggregate["crew"]
    )
    bean = next(c for c in aggregate["cast"] if c["name"] == "Sean Bean")
    assert bean["id"] not in {c["id"] for c in raw["credits"]["cast"]}, "only in aggregate_credits"
    stored = rows(
        engine,
        "select cc.character, cc.episode_count from content_cast cc join person p"
        " on p.id = cc.person_id where p.tmdb_id = :p and cc.content_id = :c",
        p=bean["id"],
        c=content_id,
    )
    assert stored == [(r["character"], r["episode_count"]) for r in bean["roles"]]

    principal = {r[0] for r in rows(engine, "select tmdb_id from person where is_principal = true")}
    top_billed = {c["id"] for c in aggregate["cast"][:10]}
    creators = {c["id"] for c in raw["created_by"]}
    assert top_billed | creators <= principal
    assert {
        r[0]
        for r in rows(
            engine,
            "select p.tmdb_id from content_creator cc join person p on p.id = cc.person_id"
            " where cc.content_id = :c",
            c=content_id,
        )
    } == creators

    ratings = rows(
        engine,
        "select iso_3166_1, certification, release_type from content_release where content_id = :c",
        c=content_id,
    )
    assert sorted(ratings) == sorted(
        (r["iso_3166_1"], r["rating"] or None, None) for r in raw["content_ratings"]["results"]
    )
    networks = rows(
        engine,
        "select n.tmdb_id, n.name from content_network cn join network n on n.id = cn.network_id"
        " where cn.content_id = :c",
        c=content_id,
    )
    assert networks == [(n["id"], n["name"]) for n in raw["networks"]]
    series_type, last_episode = rows(
        engine, "select series_type, last_episode_air_date from content where id = :c", c=content_id
    )[0]
    assert series_type == raw["type"]
    assert str(last_episode) == raw["last_episode_to_air"]["air_date"]
    assert _count(engine, "content_watch_provider", content_id) == len(_providers(raw))


def test_a_re_sync_replaces_the_details_instead_of_adding_to_them(
    samples_dir: Path, engine: Engine
) -> None:
    store = Store(engine)
    bundle = build_bundle("movie", _fight_club(samples_dir))
    tables = ("content_release", "content_translation", "content_watch_provider", "content_company")
    content_id = store.titles.save(bundle)
    before = [_count(engine, table, content_id) for table in tables]
    assert store.titles.save(bundle) == content_id
    assert [_count(engine, table, content_id) for table in tables] == before
    assert all(before)


DETAIL_SAMPLES: list[tuple[Kind, str]] = [
    ("movie", "movie_details.json"),
    ("movie", "movie_details_2.json"),
    ("movie", "movie_details_3.json"),
    ("movie", "movie_details_de.json"),
    ("movie", "movie_details_it.json"),
    ("movie", "movie_details_latest.json"),
    ("movie", "movie_details_append.json"),
    ("movie", "movie_details_append_2.json"),
    ("movie", "movie_details_append_images_de.json"),
    ("movie", "jdrouet_movie_details_550.json"),
    ("movie", "flexget_movie_13515_alt_titles.json"),
    ("movie", "flexget_movie_8681_alt_titles.json"),
    ("tv", "tv_details.json"),
    ("tv", "tv_details_2.json"),
    ("tv", "tv_details_3.json"),
    ("tv", "tv_details_latest.json"),
    ("tv", "tv_details_append.json"),
    ("tv", "tv_details_append_images.json"),
    ("tv", "tv_details_append_videos.json"),
    ("tv", "jdrouet_tv_details_1399.json"),
    ("tv", "jdrouet_tv_details_2_clerks.json"),
    ("tv", "tmdblib_tv_1400_append_episode_groups.json"),
]


def _empty_text(engine: Engine) -> list[tuple[str, str]]:
    """(table, column) of every text column holding '' — one query per table, all columns."""
    found: list[tuple[str, str]] = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            query = select(*columns).where(or_(*(c == "" for c in columns)))
            for row in connection.execute(query):
                found.extend(
                    (table.name, c.name) for c, v in zip(columns, row, strict=True) if v == ""
                )
    return found


def test_every_real_details_sample_stores_without_an_empty_string(
    samples_dir: Path, engine: Engine
) -> None:
    store = Store(engine)
    for kind, name in DETAIL_SAMPLES:
        raw = _load(samples_dir, name)
        store.titles.save(build_bundle(kind, raw))
    assert scalar(engine, "select count(*) from content") == len(
        {(k, _load(samples_dir, n)["id"]) for k, n in DETAIL_SAMPLES}
    )
    assert _empty_text(engine) == []
    # the samples do carry '' (homepage, tagline, release notes …), so the rule was exercised
    assert any('""' in (samples_dir / n).read_text() for _, n in DETAIL_SAMPLES)
    alternative = scalar(engine, "select count(*) from content_alternative_title")
    assert alternative == sum(
        len(_load(samples_dir, n)["alternative_titles"]["titles"])
        for n in ("flexget_movie_13515_alt_titles.json", "flexget_movie_8681_alt_titles.json")
    )


def _store_title(
    fake: FakeApi, database_url: str, engine: Engine, kind: Kind, tmdb_id: int, language: str
) -> int:
    async def go() -> int:
        settings = fake_settings(fake, database_url)
        client = TmdbClient.from_settings(settings, QuotaLedger(engine, "tmdb", 0, 0.5))
        try:
            raw, per_episode = await fetch_title(
                client, kind, tmdb_id, language, episode_credits=False
            )
        finally:
            await client.aclose()
        return Store(engine).titles.save(build_bundle(kind, raw, per_episode))

    return asyncio.run(go())


def _has_details(body: dict[str, Any] | None) -> bool:
    return bool(
        body
        and body["production_companies"]
        and body["watch/providers"]["results"]
        and body["alternative_titles"].get("titles", body["alternative_titles"].get("results"))
    )


@pytest.mark.parametrize("kind", ["movie", "tv"])
def test_each_detail_table_holds_what_the_fake_served_in_the_one_request(
    fake_api: FakeApi, database_url: str, engine: Engine, kind: Kind
) -> None:
    catalogue = fake_api.catalogue
    appends = list(MOVIE_APPENDS if kind == "movie" else TV_APPENDS)

    def served(core: Any) -> dict[str, Any] | None:
        opts = LangOpts(**language_params(core.original_language))
        body = (
            catalogue.movie(core.id, appends, opts)
            if kind == "movie"
            else catalogue.tv(core.id, appends, opts)
        )
        return body

    tmdb_id = catalogue.find(kind, lambda c: not c.gone and _has_details(served(c)), (2024, 1))
    core = catalogue.core(kind, tmdb_id)
    assert core is not None
    expected = served(core)
    assert expected is not None
    content_id = _store_title(fake_api, database_url, engine, kind, tmdb_id, core.original_language)

    counts = endpoint_counts(fake_api)
    plan = catalogue.plan(tmdb_id) if kind == "tv" else None
    wanted = 1 if plan is None else math.ceil((9 + 2 * plan.numbered) / 20)
    assert counts[f"{kind}/{{id}}"] == wanted
    assert counts.total() == wanted

    companies = rows(
        engine,
        "select c.tmdb_id, c.name, c.logo_path, c.origin_country from content_company cc"
        " join company c on c.id = cc.company_id where cc.content_id = :c order by c.tmdb_id",
        c=content_id,
    )
    assert companies == sorted(
        (c["id"], c["name"], c["logo_path"], c["origin_country"])
        for c in expected["production_companies"]
    )
    translations = rows(
        engine,
        "select iso_639_1, iso_3166_1, title, overview, tagline, homepage from content_translation"
        " where content_id = :c order by iso_639_1",
        c=content_id,
    )
    assert translations == sorted(
        (
            t["iso_639_1"],
            t["iso_3166_1"],
            _nulls(t["data"].get("title", t["data"].get("name"))),
            _nulls(t["data"]["overview"]),
            _nulls(t["data"]["tagline"]),
            _nulls(t["data"]["homepage"]),
        )
        for t in expected["translations"]["translations"]
    )
    alternative = expected["alternative_titles"]
    assert sorted(
        rows(
            engine,
            "select iso_3166_1, title, title_type from content_alternative_title"
            " where content_id = :c",
            c=content_id,
        )
    ) == sorted(
        (t["iso_3166_1"], t["title"], _nulls(t["type"]))
        for t in alternative.get("titles", alternative.get("results", []))
    )
    watch = rows(
        engine,
        "select w.iso_3166_1, w.offer_type, p.tmdb_id, p.name, w.display_priority"
        " from content_watch_provider w join watch_provider p on p.id = w.provider_id"
        " where w.content_id = :c",
        c=content_id,
    )
    assert sorted(watch) == sorted(
        (country, offer, p["provider_id"], p["provider_name"], p["display_priority"])
        for country, entry in expected["watch/providers"]["results"].items()
        for offer in OFFERS
        for p in entry.get(offer, [])
    )
    if kind == "movie":
        releases = [
            (c["iso_3166_1"], e["type"], _nulls(e["certification"]))
            for c in expected["release_dates"]["results"]
            for e in c["release_dates"]
        ]
        languages = {s["iso_639_1"] for s in expected["spoken_languages"]}
    else:
        releases = [
            (c["iso_3166_1"], None, _nulls(c["rating"]))
            for c in expected["content_ratings"]["results"]
        ]
        languages = set(expected["languages"])
        creators = rows(
            engine,
            "select p.tmdb_id, cc.credit_id from content_creator cc"
            " join person p on p.id = cc.person_id where cc.content_id = :c",
            c=content_id,
        )
        assert sorted(creators) == sorted((c["id"], c["credit_id"]) for c in expected["created_by"])
        networks = rows(
            engine,
            "select n.tmdb_id from content_network cn join network n on n.id = cn.network_id"
            " where cn.content_id = :c",
            c=content_id,
        )
        assert [n for (n,) in networks] == [n["id"] for n in expected["networks"]]
        cast = rows(
            engine,
            "select p.tmdb_id, cc.episode_count from content_cast cc"
            " join person p on p.id = cc.person_id where cc.content_id = :c",
            c=content_id,
        )
        assert sorted(cast) == sorted(
            (c["id"], r["episode_count"])
            for c in expected["aggregate_credits"]["cast"]
            for r in c["roles"]
        )
    stored_releases = rows(
        engine,
        "select iso_3166_1, release_type, certification from content_release where content_id = :c",
        c=content_id,
    )
    assert sorted(stored_releases, key=repr) == sorted(releases, key=repr)
    assert {
        r[0]
        for r in rows(
            engine, "select iso_639_1 from content_language where content_id = :c", c=content_id
        )
    } == languages
    assert_countries(engine, content_id, expected)


def _sync_a_month(fake_api: FakeApi, database_url: str, engine: Engine) -> None:
    """Three pages of 2024-03 with the principal people: every detail table gets rows."""
    settings = fake_settings(
        fake_api, database_url, people="principal", start="2024-03", end="2024-03"
    )
    run(settings, engine, max_pages=3)


def test_a_sync_leaves_no_empty_string_in_any_text_column(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    _sync_a_month(fake_api, database_url, engine)
    assert scalar(engine, "select count(*) from content") > 0
    assert scalar(engine, "select count(*) from person where enriched_at is not null") > 0
    assert _empty_text(engine) == []


def test_every_contract_detail_table_is_filled_by_a_sync(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    _sync_a_month(fake_api, database_url, engine)
    tables = (
        "content_creator",
        "company",
        "content_company",
        "network",
        "content_network",
        "collection",
        "content_country",
        "content_language",
        "content_release",
        "content_translation",
        "content_alternative_title",
        "watch_provider",
        "content_watch_provider",
        "person_alias",
    )
    empty = [t for t in tables if not scalar(engine, f"select count(*) from {t}")]
    assert empty == []
    assert scalar(engine, "select count(*) from content where collection_id is not null")
    assert scalar(engine, "select count(*) from content_cast where episode_count is not null")
    assert scalar(engine, "select count(*) from content_rating where score is not null")


SHAPED_APPENDS = {
    "movie": {
        "alternative_titles": "/3/movie/{movie_id}/alternative_titles",
        "translations": "/3/movie/{movie_id}/translations",
        "release_dates": "/3/movie/{movie_id}/release_dates",
    },
    "tv": {
        "alternative_titles": "/3/tv/{series_id}/alternative_titles",
        "translations": "/3/tv/{series_id}/translations",
        "content_ratings": "/3/tv/{series_id}/content_ratings",
        "aggregate_credits": "/3/tv/{series_id}/aggregate_credits",
    },
}


@pytest.mark.parametrize("kind", ["movie", "tv"])
def test_the_fake_serves_each_new_append_shaped_like_tmdb_s_own_example(
    samples_dir: Path, fake_api: FakeApi, kind: Kind
) -> None:
    catalogue = fake_api.catalogue
    appends = list(MOVIE_APPENDS if kind == "movie" else TV_APPENDS)

    def served(core: Any) -> dict[str, Any] | None:
        return (
            catalogue.movie(core.id, appends) if kind == "movie" else catalogue.tv(core.id, appends)
        )

    tmdb_id = catalogue.find(kind, lambda c: not c.gone and _has_details(served(c)), (2024, 1))
    core = catalogue.core(kind, tmdb_id)
    body = served(core)
    assert body is not None
    for append, path in SHAPED_APPENDS[kind].items():
        assert_shape(_example(samples_dir, path), body[append])
    example = _example(
        samples_dir, f"/3/{kind}/{{{'movie' if kind == 'movie' else 'series'}_id}}/watch/providers"
    )
    real_entries = list(example["results"].values())
    fake_entries = list(body["watch/providers"]["results"].values())
    assert fake_entries
    for offer in OFFERS:
        real = [p for e in real_entries for p in e.get(offer, [])]
        fake = [p for e in fake_entries for p in e.get(offer, [])]
        if real and fake:
            assert_shape(real, fake)
    assert all(set(e) - {"link"} <= set(OFFERS) and e["link"] for e in fake_entries)


PERSON_SAMPLES = [
    "person_details.json",
    "person_details_2.json",
    "person_details_append.json",
    "person_details_latest.json",
    "jdrouet_person_details_287.json",
    "tmdblib_person_append_external_ids.json",
    "tmdblib_person_append_images.json",
    "tmdblib_person_da.json",
]


@pytest.mark.parametrize("name", PERSON_SAMPLES)
def test_a_real_person_keeps_aliases_and_new_external_ids(
    samples_dir: Path, engine: Engine, name: str
) -> None:
    raw = _load(samples_dir, name)
    if "external_ids" not in raw:
        raw["external_ids"] = _load(samples_dir, "person_external_ids.json")
    Store(engine).people.save(parse(PersonDetails, raw, name), "movie")
    aliases = {r[0] for r in rows(engine, "select name from person_alias")}
    assert aliases == {a for a in raw["also_known_as"] if a.strip()}
    external = raw["external_ids"]
    stored = rows(engine, "select tiktok_id, youtube_id, imdb_id from person")
    assert stored == [
        (
            _nulls(external.get("tiktok_id")),
            _nulls(external.get("youtube_id")),
            _nulls(external.get("imdb_id") or raw.get("imdb_id")),
        )
    ]
    assert _empty_text(engine) == []


def test_real_seasons_store_with_their_credits(samples_dir: Path, engine: Engine) -> None:
    """Breaking Bad (1396) with its recorded season 1 and that season's credits appended."""
    raw = _load(samples_dir, "tv_details.json")
    raw["season/1"] = _load(samples_dir, "tv_season.json")
    raw["season/1/credits"] = _load(samples_dir, "tv_season_credits.json")
    content_id = Store(engine).titles.save(build_bundle("tv", raw))
    episodes = raw["season/1"]["episodes"]
    assert scalar(
        engine,
        "select count(*) from episode e join content_season s on s.id = e.season_id"
        " where s.content_id = :c and s.season_number = 1",
        c=content_id,
    ) == len(episodes)
    regulars = len(raw["season/1/credits"]["cast"])
    guests = sum(len(e["guest_stars"]) for e in episodes)
    assert scalar(engine, "select count(*) from episode_cast") == regulars * len(episodes) + guests
    assert _empty_text(engine) == []
