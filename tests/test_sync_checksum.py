"""A re-fetch that brings nothing new writes no child rows and leaves changed_at alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine

from tests.sync_support import rows
from tmdbsync.fakeapi import FakeApi
from tmdbsync.payloads import PersonDetails
from tmdbsync.store import Store
from tmdbsync.sync.bundle import build_bundle

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
