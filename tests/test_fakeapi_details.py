"""Details endpoints: appends and their limit, TV seasons, episode-credit consistency."""

from __future__ import annotations

import httpx
import pytest

from tmdbsync.fakeapi import Catalogue, FakeApi
from tmdbsync.fakeapi.titles import TitleCore


@pytest.fixture(scope="module")
def movie_id(fake_api_server: FakeApi) -> int:
    return fake_api_server.catalogue.find("movie", lambda c: not c.gone, start=(2011, 1))


@pytest.fixture(scope="module")
def show_id(fake_api_server: FakeApi) -> int:
    return fake_api_server.catalogue.find_tv(min_seasons=3, max_seasons=6)


def test_movie_appends_lack_own_id_and_match_separate_endpoints(
    tmdb: httpx.Client, movie_id: int
) -> None:
    parts = ["credits", "images", "videos", "external_ids", "keywords", "release_dates"]
    body = tmdb.get(f"/movie/{movie_id}", params={"append_to_response": ",".join(parts)}).json()
    for part in parts:
        alone = tmdb.get(f"/movie/{movie_id}/{part}").json()
        assert alone.pop("id") == movie_id
        assert "id" not in body[part]
        assert body[part] == alone
    assert "keywords" in body["keywords"]


def test_more_than_20_appends_is_refused(tmdb: httpx.Client, movie_id: int) -> None:
    many = ",".join(["credits"] * 21)
    response = tmdb.get(f"/movie/{movie_id}", params={"append_to_response": many})
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "status_code": 27,
        "status_message": "Too many append to response objects: "
        "The maximum number of remote calls is 20.",
    }
    ok = tmdb.get(f"/movie/{movie_id}", params={"append_to_response": ",".join(["x"] * 20)})
    assert ok.status_code == 200


def test_tv_season_appends_use_literal_keys(tmdb: httpx.Client, show_id: int) -> None:
    appends = "season/1,season/2,season/1/credits,keywords,aggregate_credits,content_ratings"
    body = tmdb.get(f"/tv/{show_id}", params={"append_to_response": appends}).json()
    assert body["season/1"] == tmdb.get(f"/tv/{show_id}/season/1").json()
    assert body["season/2"]["season_number"] == 2
    credits = tmdb.get(f"/tv/{show_id}/season/1/credits").json()
    credits.pop("id")
    assert body["season/1/credits"] == credits
    assert "results" in body["keywords"]
    assert (
        "season/99"
        not in tmdb.get(f"/tv/{show_id}", params={"append_to_response": "season/99"}).json()
    )


def test_episode_credits_agree_with_season(tmdb: httpx.Client, show_id: int) -> None:
    season = tmdb.get(f"/tv/{show_id}/season/2").json()
    regulars = tmdb.get(f"/tv/{show_id}/season/2/credits").json()["cast"]
    for ep in season["episodes"]:
        credits = tmdb.get(f"/tv/{show_id}/season/2/episode/{ep['episode_number']}/credits").json()
        assert credits["id"] == ep["id"]
        assert credits["cast"] == regulars
        assert credits["crew"] == ep["crew"]
        assert credits["guest_stars"] == ep["guest_stars"]
        episode = tmdb.get(f"/tv/{show_id}/season/2/episode/{ep['episode_number']}").json()
        assert episode["guest_stars"] == ep["guest_stars"]


def test_tv_details_list_seasons_that_exist(tmdb: httpx.Client, fake_api: FakeApi) -> None:
    cat = fake_api.catalogue
    for seasons in (0, 1, 13):
        tv_id = cat.find_tv(min_seasons=seasons, max_seasons=seasons)
        body = tmdb.get(f"/tv/{tv_id}").json()
        assert body["number_of_seasons"] == seasons
        numbered = [s["season_number"] for s in body["seasons"] if s["season_number"]]
        assert numbered == list(range(1, seasons + 1))
        for s in body["seasons"]:
            season = tmdb.get(f"/tv/{tv_id}/season/{s['season_number']}").json()
            assert len(season["episodes"]) == s["episode_count"]
        assert tmdb.get(f"/tv/{tv_id}/season/{seasons + 1}").status_code == 404
    long_show = cat.find_tv(min_seasons=25)
    body = tmdb.get(f"/tv/{long_show}").json()
    assert body["number_of_seasons"] >= 25
    appends = ",".join(f"season/{n}" for n in range(1, 21))
    assert (
        sum(
            k.startswith("season/")
            for k in tmdb.get(f"/tv/{long_show}", params={"append_to_response": appends}).json()
        )
        == 20
    )
    specials = cat.find_tv(min_seasons=1, specials=True)
    assert tmdb.get(f"/tv/{specials}/season/0").json()["name"] == "Specials"


def test_people_are_shared_and_consistent(tmdb: httpx.Client, fake_api: FakeApi) -> None:
    cat = fake_api.catalogue
    seen: dict[int, int] = {}
    for title_id in cat.month_ids("movie", 2014, 3)[:40]:
        body = cat.movie(title_id, "credits")
        if body is None:
            continue
        for person in body["credits"]["cast"] + body["credits"]["crew"]:
            seen[person["id"]] = seen.get(person["id"], 0) + 1
    assert max(seen.values()) >= 3  # popular people recur across titles
    pid = max(seen, key=lambda p: seen[p])
    person = tmdb.get(
        f"/person/{pid}", params={"append_to_response": "images,external_ids,combined_credits"}
    )
    assert person.status_code == 200
    body = person.json()
    assert body["id"] == pid
    assert "id" not in body["images"]
    assert tmdb.get("/person/0").status_code == 404


def test_images_and_videos_follow_language_params(tmdb: httpx.Client, fake_api: FakeApi) -> None:
    def has_mixed(core: TitleCore) -> bool:
        images = fake_api.catalogue.movie_part(core.id, "images")
        return images is not None and len({i["iso_639_1"] for i in images["backdrops"]}) > 2

    movie = fake_api.catalogue.find("movie", has_mixed, start=(2012, 1))
    every = tmdb.get(f"/movie/{movie}/images").json()
    langs = {i["iso_639_1"] for i in every["backdrops"]}
    lang = next(code for code in langs if code)
    only = tmdb.get(f"/movie/{movie}/images", params={"language": lang}).json()
    assert {i["iso_639_1"] for i in only["backdrops"]} == {lang}
    with_null = tmdb.get(
        f"/movie/{movie}",
        params={
            "append_to_response": "images",
            "language": f"{lang}-XX",
            "include_image_language": "null",
        },
    ).json()["images"]
    assert {i["iso_639_1"] for i in with_null["backdrops"]} <= {lang, None}
    assert len(with_null["backdrops"]) == sum(
        1 for i in every["backdrops"] if i["iso_639_1"] in (lang, None)
    )
    videos = tmdb.get(f"/movie/{movie}/videos").json()["results"]
    assert all(v["iso_639_1"] == "en" for v in videos)


def test_data_is_deterministic_across_instances() -> None:
    one, two = Catalogue(seed=7), Catalogue(seed=7)
    ids = one.month_ids("tv", 2005, 6)
    assert ids == two.month_ids("tv", 2005, 6)
    for tv_id in ids[:5]:
        assert one.tv(tv_id, "credits,season/1") == two.tv(tv_id, "credits,season/1")
    other = Catalogue(seed=8)
    assert other.discover("movie") != one.discover("movie")


def test_unknown_routes_and_ids_404(tmdb: httpx.Client) -> None:
    for path in ("/movie/abc", "/tv/999999999/season/1/episode/1", "/nope", "/person/1/x"):
        response = tmdb.get(path)
        assert response.status_code == 404
        assert response.json()["status_code"] == 34
