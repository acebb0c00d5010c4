"""Fake payloads have the keys and JSON types of the recorded real responses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tmdbsync.fakeapi import Catalogue, FakeApi

# Fields real TMDb/OMDb also leave null, so a null in the fake is realistic.
NULLABLE = {
    "backdrop_path",
    "poster_path",
    "profile_path",
    "logo_path",
    "still_path",
    "belongs_to_collection",
    "imdb_id",
    "runtime",
    "homepage",
    "birthday",
    "deathday",
    "place_of_birth",
    "next_episode_to_air",
    "last_episode_to_air",
    "last_air_date",
    "iso_639_1",
    "iso_3166_1",
    "wikidata_id",
    "facebook_id",
    "instagram_id",
    "twitter_id",
    "tvdb_id",
    "tvrage_id",
    "freebase_mid",
    "freebase_id",
    "tiktok_id",
    "youtube_id",
    "air_date",
}
# Numbers TMDb serialises as 8 or 8.0 depending on the value.
FLOATY = (".vote_average", ".popularity", ".aspect_ratio")


def _merge(items: list[Any]) -> Any:
    """Union of the keys of list items (first non-null value wins)."""
    if not all(isinstance(i, dict) for i in items):
        return items[0]
    merged: dict[str, Any] = {}
    for item in items:
        for key, value in item.items():
            if merged.get(key) is None or merged[key] == []:
                merged[key] = value
    return merged


def assert_shape(sample: Any, fake: Any, path: str = "$") -> None:
    """Every sample key exists in the fake with the same JSON type (nested, lists merged)."""
    if isinstance(sample, dict):
        assert isinstance(fake, dict), f"{path}: expected object, got {fake!r:.80}"
        missing = set(sample) - set(fake)
        assert not missing, f"{path}: missing keys {sorted(missing)}"
        for key, value in sample.items():
            if value is None:
                continue
            if fake[key] is None:
                assert key in NULLABLE, f"{path}.{key}: null in fake, {value!r:.40} in sample"
                continue
            assert_shape(value, fake[key], f"{path}.{key}")
    elif isinstance(sample, list):
        assert isinstance(fake, list), f"{path}: expected array"
        if sample and fake:
            assert_shape(_merge(sample), _merge(fake), f"{path}[]")
    elif isinstance(sample, bool):
        assert isinstance(fake, bool), f"{path}: expected bool, got {fake!r}"
    elif isinstance(sample, int) and not path.endswith(FLOATY):
        assert isinstance(fake, int), f"{path}: expected int"
        assert not isinstance(fake, bool), f"{path}: expected int"
    elif isinstance(sample, int | float):
        assert isinstance(fake, int | float), f"{path}: number"
        assert not isinstance(fake, bool), f"{path}: number"
    else:
        assert isinstance(fake, type(sample)), f"{path}: expected {type(sample).__name__}"


def _rich(cat: Catalogue, kind: str) -> int:
    """A title whose sub-resources are all non-empty, so nested items get checked."""

    def full(core: Any) -> bool:
        if core.gone or core.poster_path is None or core.backdrop_path is None:
            return False
        if core.imdb_id is None or core.omdb != "ok" or not core.genre_ids:
            return False
        if kind == "movie":
            body = cat.movie(core.id, "credits,images,videos,keywords,release_dates")
        else:
            plan = cat.plan(core.id)
            if plan is None or plan.numbered < 2 or plan.seasons[0].number != 0:
                return False
            body = cat.tv(
                core.id,
                "credits,images,videos,keywords,content_ratings,aggregate_credits,season/1/credits",
            )
        assert body is not None
        if kind == "tv" and (body["last_episode_to_air"] is None or not body["created_by"]):
            return False
        if (
            body.get("belongs_to_collection", {}) is None
            or body["runtime" if kind == "movie" else "id"] is None
        ):
            return False
        if not body["production_companies"] or any(
            c["logo_path"] is None for c in body["production_companies"]
        ):
            return False
        lists = [
            body["credits"]["cast"],
            body["credits"]["crew"],
            body["videos"]["results"],
            *[v for k, v in body["images"].items()],
        ]
        lists.append(body["keywords"]["keywords" if kind == "movie" else "results"])
        if kind == "movie":
            lists.append(body["release_dates"]["results"])
        else:
            lists += [
                body["content_ratings"]["results"],
                body["aggregate_credits"]["crew"],
                body["season/1/credits"]["crew"],
            ]
        return all(lists) and all(p["profile_path"] for p in body["credits"]["cast"])

    return cat.find(kind, full, start=(2010, 1))


def _person(cat: Catalogue) -> int:
    for salt in range(2000):
        pid = cat.random_person_id(salt)
        body = cat.person(pid, "images,external_ids,combined_credits")
        assert body is not None
        credits = body["combined_credits"]
        kinds = {(i["media_type"], "job" in i) for i in credits["cast"] + credits["crew"]}
        if (
            len(kinds) == 4
            and body["images"]["profiles"]
            and body["birthday"]
            and body["place_of_birth"]
            and body["profile_path"]
            and body["imdb_id"]
        ):
            return pid
    raise LookupError("no rich person")


@pytest.fixture(scope="module")
def ids(fake_api_server: FakeApi) -> dict[str, int]:
    cat = fake_api_server.catalogue
    return {"movie": _rich(cat, "movie"), "tv": _rich(cat, "tv"), "person": _person(cat)}


Fetch = Callable[[httpx.Client, dict[str, int]], httpx.Response]
TV_DISCOVER = {
    "first_air_date.gte": "2012-01-01",
    "first_air_date.lte": "2012-12-31",
    "sort_by": "first_air_date.asc",
}
MOVIE_DISCOVER = {
    "primary_release_date.gte": "2012-01-01",
    "primary_release_date.lte": "2012-01-31",
    "sort_by": "primary_release_date.asc",
}

CASES: dict[str, Fetch] = {
    "discover_movie": lambda c, i: c.get("/discover/movie", params=MOVIE_DISCOVER),
    "discover_tv": lambda c, i: c.get("/discover/tv", params=TV_DISCOVER),
    "discover_movie_empty": lambda c, i: c.get(
        "/discover/movie", params={"primary_release_date.gte": "2040-01-01"}
    ),
    "movie_details": lambda c, i: c.get(f"/movie/{i['movie']}"),
    "movie_details_append": lambda c, i: c.get(
        f"/movie/{i['movie']}",
        params={"append_to_response": "credits,release_dates,external_ids,keywords,images"},
    ),
    "movie_details_append_2": lambda c, i: c.get(
        f"/movie/{i['movie']}", params={"append_to_response": "credits,images,keywords"}
    ),
    "movie_credits": lambda c, i: c.get(f"/movie/{i['movie']}/credits"),
    "movie_images": lambda c, i: c.get(f"/movie/{i['movie']}/images"),
    "movie_videos": lambda c, i: c.get(f"/movie/{i['movie']}/videos"),
    "movie_external_ids": lambda c, i: c.get(f"/movie/{i['movie']}/external_ids"),
    "movie_keywords": lambda c, i: c.get(f"/movie/{i['movie']}/keywords"),
    "movie_release_dates": lambda c, i: c.get(f"/movie/{i['movie']}/release_dates"),
    "movie_changes": lambda c, i: c.get("/movie/changes"),
    "tv_changes": lambda c, i: c.get("/tv/changes"),
    "tv_details": lambda c, i: c.get(f"/tv/{i['tv']}"),
    "tv_details_append": lambda c, i: c.get(
        f"/tv/{i['tv']}",
        params={
            "append_to_response": "aggregate_credits,content_ratings,credits,external_ids,keywords"
        },
    ),
    "tv_details_append_images": lambda c, i: c.get(
        f"/tv/{i['tv']}", params={"append_to_response": "images"}
    ),
    "tv_details_append_videos": lambda c, i: c.get(
        f"/tv/{i['tv']}", params={"append_to_response": "videos"}
    ),
    "tv_credits": lambda c, i: c.get(f"/tv/{i['tv']}/credits"),
    "tv_aggregate_credits": lambda c, i: c.get(f"/tv/{i['tv']}/aggregate_credits"),
    "tv_content_ratings": lambda c, i: c.get(f"/tv/{i['tv']}/content_ratings"),
    "tv_external_ids": lambda c, i: c.get(f"/tv/{i['tv']}/external_ids"),
    "tv_images": lambda c, i: c.get(f"/tv/{i['tv']}/images"),
    "tv_keywords": lambda c, i: c.get(f"/tv/{i['tv']}/keywords"),
    "tv_videos": lambda c, i: c.get(f"/tv/{i['tv']}/videos"),
    "tv_season": lambda c, i: c.get(f"/tv/{i['tv']}/season/1"),
    "tv_season_append": lambda c, i: c.get(
        f"/tv/{i['tv']}/season/1",
        params={"append_to_response": "aggregate_credits,credits,external_ids"},
    ),
    "tv_season_credits": lambda c, i: c.get(f"/tv/{i['tv']}/season/1/credits"),
    "tv_season_aggregate_credits": lambda c, i: c.get(f"/tv/{i['tv']}/season/1/aggregate_credits"),
    "tv_episode": lambda c, i: c.get(f"/tv/{i['tv']}/season/1/episode/1"),
    "tv_episode_credits": lambda c, i: c.get(f"/tv/{i['tv']}/season/1/episode/1/credits"),
    "person_details": lambda c, i: c.get(f"/person/{i['person']}"),
    "person_images": lambda c, i: c.get(f"/person/{i['person']}/images"),
    "person_external_ids": lambda c, i: c.get(f"/person/{i['person']}/external_ids"),
    "person_combined_credits": lambda c, i: c.get(f"/person/{i['person']}/combined_credits"),
    "genre_movie_list": lambda c, i: c.get("/genre/movie/list"),
    "genre_tv_list": lambda c, i: c.get("/genre/tv/list"),
    "configuration": lambda c, i: c.get("/configuration"),
    "error_404": lambda c, i: c.get("/movie/999999999"),
}
# sample files that show the same endpoint (numbered variants)
VARIANTS = {
    "discover_movie": ["discover_movie", "discover_movie_2", "discover_movie_3"],
    "discover_tv": ["discover_tv", "discover_tv_2", "discover_tv_3"],
    "movie_details": [
        "movie_details",
        "movie_details_2",
        "movie_details_3",
        "movie_details_latest",
    ],
    "movie_credits": ["movie_credits", "movie_credits_2"],
    "movie_images": ["movie_images", "movie_images_2"],
    "movie_videos": ["movie_videos", "movie_videos_2"],
    "movie_keywords": ["movie_keywords", "movie_keywords_2"],
    "movie_changes": ["movie_changes", "movie_changes_2"],
    "tv_changes": ["tv_changes", "tv_changes_2"],
    "tv_details": ["tv_details", "tv_details_2", "tv_details_3", "tv_details_latest"],
    "tv_external_ids": ["tv_external_ids", "tv_external_ids_2"],
    "tv_keywords": ["tv_keywords", "tv_keywords_2"],
    "tv_videos": ["tv_videos", "tv_videos_2"],
    "tv_season": ["tv_season", "tv_season_2"],
    "tv_episode": ["tv_episode", "tv_episode_2"],
    "tv_episode_credits": ["tv_episode_credits", "tv_episode_credits_2"],
    "person_details": ["person_details", "person_details_2", "person_details_latest"],
    "person_images": ["person_images", "person_images_2"],
}
PAIRS = [(case, sample) for case in CASES for sample in VARIANTS.get(case, [case])]


@pytest.mark.parametrize(("case", "sample"), PAIRS, ids=[s for _, s in PAIRS])
def test_payload_matches_real_sample_shape(
    case: str, sample: str, samples_dir: Path, tmdb: httpx.Client, ids: dict[str, int]
) -> None:
    path = samples_dir / f"{sample}.json"
    if not path.exists():
        pytest.skip(f"sample {path.name} missing")
    response = CASES[case](tmdb, ids)
    expected_status = 404 if case.startswith("error_") else 200
    assert response.status_code == expected_status
    assert_shape(json.loads(path.read_text()), response.json())


def test_genre_lists_equal_tmdb_real_ids(samples_dir: Path, tmdb: httpx.Client) -> None:
    for kind in ("movie", "tv"):
        real = json.loads((samples_dir / f"genre_{kind}_list.json").read_text())
        assert tmdb.get(f"/genre/{kind}/list").json() == real


@pytest.mark.parametrize("sample", ["omdb_movie", "omdb_movie_2", "omdb_movie_3"])
def test_omdb_movie_shape(
    sample: str, samples_dir: Path, fake_api: FakeApi, omdb: httpx.Client, ids: dict[str, int]
) -> None:
    core = fake_api.catalogue.core("movie", ids["movie"])
    assert core is not None
    assert core.imdb_id
    body = omdb.get("", params={"apikey": fake_api.omdb_api_key, "i": core.imdb_id}).json()
    assert_shape(json.loads((samples_dir / f"{sample}.json").read_text()), body)


@pytest.mark.parametrize("sample", ["omdb_series", "omdb_series_2", "omdb_series_3"])
def test_omdb_series_shape(
    sample: str, samples_dir: Path, fake_api: FakeApi, omdb: httpx.Client, ids: dict[str, int]
) -> None:
    core = fake_api.catalogue.core("tv", ids["tv"])
    assert core is not None
    assert core.imdb_id
    body = omdb.get("", params={"apikey": fake_api.omdb_api_key, "i": core.imdb_id}).json()
    assert_shape(json.loads((samples_dir / f"{sample}.json").read_text()), body)
