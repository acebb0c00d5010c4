"""A re-fetch that brings nothing new writes no child rows and leaves changed_at alone."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import Engine

from tests.sync_support import rows
from tmdbsync.fakeapi import FakeApi
from tmdbsync.kinds import Kind
from tmdbsync.payloads import PersonDetails
from tmdbsync.store import Store
from tmdbsync.sync.bundle import TitleBundle, build_bundle, season_credits_key, season_key
from tmdbsync.sync.checksum import VOLATILE, bundle_digest, bundle_parts, digest
from tmdbsync.sync.fetch import TV_APPENDS, season_appends

APPENDS = "credits,images,videos,external_ids,keywords"
CHILDREN = ("content_cast", "content_crew", "content_image", "content_video", "content_genre")
T0 = datetime(2026, 2, 1, 12, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def movie_payloads(tmdb: httpx.Client, fake: FakeApi, count: int) -> list[dict[str, Any]]:
    ids = fake.catalogue.month_ids("movie", 2024, 3)
    payloads = []
    for movie_id in ids:
        response = tmdb.get(f"/movie/{movie_id}", params={"append_to_response": APPENDS})
        if response.status_code == 200:
            payloads.append(response.json())
        if len(payloads) == count:
            break
    return payloads


def child_rows(engine: Engine) -> dict[str, tuple[int, int]]:
    """Per child table: (rows, highest id), which any rewrite would move."""
    return {t: rows(engine, f"select count(*), coalesce(max(id), 0) from {t}")[0] for t in CHILDREN}


def test_an_unchanged_title_fetched_again_writes_no_child_rows(
    tmdb: httpx.Client, fake_api: FakeApi, engine: Engine
) -> None:
    clock = Clock()
    store = Store(engine, now=clock)
    payloads = movie_payloads(tmdb, fake_api, 5)
    store.titles.save_batch([build_bundle("movie", p) for p in payloads])
    before = child_rows(engine)
    assert before["content_cast"][0] > 0
    stamps = rows(engine, "select tmdb_id, changed_at, checksum from content order by tmdb_id")

    clock.now = T0 + timedelta(days=3)
    for payload in payloads:
        payload["popularity"] = (payload.get("popularity") or 0) + 1.5  # a daily counter moved
    store.titles.save_batch([build_bundle("movie", p) for p in payloads])

    assert child_rows(engine) == before
    assert (
        rows(engine, "select tmdb_id, changed_at, checksum from content order by tmdb_id") == stamps
    )
    synced = rows(engine, "select count(*) from content where synced_at >= :t", t=clock.now)
    assert synced == [(5,)]  # still a fresh fetch, and its popularity is kept
    popularity = rows(
        engine, "select popularity from content where tmdb_id = :i", i=payloads[0]["id"]
    )
    assert popularity == [(payloads[0]["popularity"],)]


def test_a_changed_title_moves_changed_at_and_rewrites_only_its_own_rows(
    tmdb: httpx.Client, fake_api: FakeApi, engine: Engine
) -> None:
    clock = Clock()
    store = Store(engine, now=clock)
    first, second = movie_payloads(tmdb, fake_api, 2)
    store.titles.save_batch([build_bundle("movie", first), build_bundle("movie", second)])

    clock.now = T0 + timedelta(days=2)
    first["overview"] = "A new synopsis."
    first["credits"]["cast"] = first["credits"]["cast"][1:]
    store.titles.save_batch([build_bundle("movie", first), build_bundle("movie", second)])

    changed = rows(engine, "select tmdb_id from content where changed_at >= :t", t=clock.now)
    assert changed == [(first["id"],)]
    since = rows(
        engine,
        "select count(*) from content_cast c join content t on t.id = c.content_id"
        " where t.tmdb_id = :i",
        i=first["id"],
    )
    assert since == [(len(first["credits"]["cast"]),)]


def test_a_person_fetched_again_unchanged_keeps_images_and_changed_at(
    tmdb: httpx.Client, fake_api: FakeApi, engine: Engine
) -> None:
    clock = Clock()
    store = Store(engine, now=clock)
    person_id = fake_api.catalogue.random_person_id()
    raw = tmdb.get(
        f"/person/{person_id}", params={"append_to_response": "images,external_ids"}
    ).json()
    store.people.save(PersonDetails.model_validate(raw), "movie")
    images = rows(engine, "select count(*), max(id) from person_image")
    clock.now = T0 + timedelta(days=1)
    store.people.save(PersonDetails.model_validate(raw), "movie")
    assert rows(engine, "select count(*), max(id) from person_image") == images
    assert rows(engine, "select count(*) from person where changed_at = enriched_at") == [(0,)]

    clock.now = T0 + timedelta(days=2)
    raw["biography"] = "Died yesterday."
    store.people.save(PersonDetails.model_validate(raw), "movie")
    assert rows(engine, "select count(*) from person where changed_at = enriched_at") == [(1,)]


def _walked(value: Any) -> Any:
    """The counters removed by walking the dumped dict: how every stored checksum was made."""
    if isinstance(value, dict):
        return {k: _walked(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_walked(v) for v in value]
    return value


def walked_digest(*parts: BaseModel | None) -> str:
    """The first checksum algorithm, kept here as the reference `digest` must still agree with."""
    data = [_walked(p.model_dump(mode="json")) if p is not None else None for p in parts]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def assert_same_digest(bundle: TitleBundle) -> None:
    assert bundle_digest(bundle) == walked_digest(*bundle_parts(bundle))


def sample(samples_dir: Path, name: str) -> Any:
    return json.loads((samples_dir / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("movie", "movie_details.json"),
        ("movie", "movie_details_2.json"),
        ("movie", "movie_details_append.json"),
        ("movie", "movie_details_append_2.json"),
        ("movie", "movie_details_append_images_de.json"),
        ("movie", "jdrouet_movie_details_550.json"),
        ("tv", "tv_details.json"),
        ("tv", "tv_details_append.json"),
        ("tv", "tv_details_append_images.json"),
        ("tv", "tv_details_append_videos.json"),
        ("tv", "jdrouet_tv_details_1399.json"),
    ],
)
def test_the_digest_of_a_real_title_is_the_one_stored_before(
    samples_dir: Path, kind: Kind, name: str
) -> None:
    raw = sample(samples_dir, name)
    if kind == "tv":  # real season and credits payloads as its appends, so seasons count too
        number = raw["seasons"][-1]["season_number"]
        raw[season_key(number)] = sample(samples_dir, "tv_season.json")
        raw[season_credits_key(number)] = sample(samples_dir, "tv_season_credits.json")
    bundle = build_bundle(kind, raw)
    assert bundle.seasons or kind == "movie"
    assert_same_digest(bundle)


def test_the_digest_of_a_real_person_is_the_one_stored_before(samples_dir: Path) -> None:
    for name in ("person_details.json", "person_details_append.json"):
        person = PersonDetails.model_validate(sample(samples_dir, name))
        assert digest(person) == walked_digest(person)


def test_the_digest_of_fake_titles_with_seasons_and_episode_credits_is_unchanged(
    tmdb: httpx.Client, fake_api: FakeApi
) -> None:
    for movie in movie_payloads(tmdb, fake_api, 5):
        assert_same_digest(build_bundle("movie", movie))
    tv_id = fake_api.catalogue.find_tv(min_seasons=2, max_seasons=4, start=(2020, 1))
    appends = [*TV_APPENDS, *season_appends(range(5), with_credits=True)]
    raw = tmdb.get(f"/tv/{tv_id}", params={"append_to_response": ",".join(appends)}).json()
    show = build_bundle("tv", raw)
    assert len(show.seasons) >= 2
    assert_same_digest(show)
    last = show.seasons[-1]
    assert last.payload is not None
    number = last.summary.season_number
    per_episode = {
        (number, e.episode_number): tmdb.get(
            f"/tv/{tv_id}/season/{number}/episode/{e.episode_number}/credits"
        ).json()
        for e in last.payload.episodes[:3]
    }
    assert per_episode
    with_credits = build_bundle("tv", raw, per_episode)
    assert len(with_credits.seasons[-1].episode_credits or {}) == len(per_episode)
    assert_same_digest(with_credits)


def test_a_counter_named_as_a_key_of_a_mapping_is_left_out_as_before(
    tmdb: httpx.Client, fake_api: FakeApi
) -> None:
    """Watch providers are keyed by country: whatever the key, the two agree (a key named like a
    counter is dropped by both), and the counters themselves still make no difference."""
    raw = movie_payloads(tmdb, fake_api, 1)[0]
    offers = {"link": "https://example.org", "flatrate": [{"provider_id": 8}]}
    raw["watch/providers"] = {"results": {"popularity": offers, "US": offers, "vote_count": {}}}
    bundle = build_bundle("movie", raw)
    assert "popularity" in bundle.title.watch_providers.results
    assert_same_digest(bundle)
    raw["popularity"] = 1.0
    raw["credits"]["cast"][0]["popularity"] = 99.0
    raw["images"]["posters"][0]["vote_count"] = 12345
    assert bundle_digest(build_bundle("movie", raw)) == bundle_digest(bundle)
    raw["credits"]["cast"][0]["character"] = "Someone else"
    assert bundle_digest(build_bundle("movie", raw)) != bundle_digest(bundle)
