"""OMDb route: found titles, not-found answers, key errors and the daily limit."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.titles import TitleCore


def _omdb_answers(wanted: str) -> Callable[[TitleCore], bool]:
    """Matches a title with an IMDb id whose OMDb answer is `wanted`."""
    return lambda core: core.imdb_id is not None and core.omdb == wanted


def _get(omdb: httpx.Client, fake: FakeApi, imdb_id: str) -> httpx.Response:
    return omdb.get(
        "", params={"apikey": fake.omdb_api_key, "i": imdb_id, "plot": "short", "r": "json"}
    )


def test_found_title_has_ratings_and_matches_catalogue(
    fake_api: FakeApi, omdb: httpx.Client
) -> None:
    cat = fake_api.catalogue
    movie = cat.find("movie", lambda c: c.imdb_id is not None and c.omdb == "ok" and not c.gone)
    core = cat.core("movie", movie)
    assert core is not None
    assert core.imdb_id is not None
    response = _get(omdb, fake_api, core.imdb_id)
    assert response.status_code == 200
    body = response.json()
    assert body == cat.omdb(core.imdb_id)
    assert body["Response"] == "True"
    assert body["imdbID"] == core.imdb_id
    assert body["Type"] == "movie"
    assert len(body["Ratings"]) <= 3


def test_na_values_are_realistic(fake_api: FakeApi) -> None:
    cat = fake_api.catalogue
    bodies = []
    for kind in ("movie", "tv"):
        for title_id in list(cat.iter_ids(kind, (2005, 1)))[:300]:
            core = cat.core(kind, title_id)
            if core and core.imdb_id and core.omdb == "ok":
                bodies.append(cat.omdb(core.imdb_id))
    assert any(b["Metascore"] == "N/A" for b in bodies)
    assert any(b["Metascore"] != "N/A" for b in bodies)
    assert any(b["Awards"] == "N/A" for b in bodies)
    assert {len(b["Ratings"]) for b in bodies} >= {0, 1, 2, 3}
    assert any(b["Type"] == "series" and "totalSeasons" in b for b in bodies)


def test_not_found_answers_are_200(fake_api: FakeApi, omdb: httpx.Client) -> None:
    cat = fake_api.catalogue
    for wanted, error in (("error", "Error getting data."), ("incorrect", "Incorrect IMDb ID.")):
        title = cat.find("movie", _omdb_answers(wanted))
        core = cat.core("movie", title)
        assert core is not None
        assert core.imdb_id is not None
        response = _get(omdb, fake_api, core.imdb_id)
        assert response.status_code == 200
        assert response.json() == {"Response": "False", "Error": error}
    assert _get(omdb, fake_api, "tt596799").json()["Error"] == "Incorrect IMDb ID."


def test_bad_key_and_daily_limit_are_401(fake_api: FakeApi, omdb: httpx.Client) -> None:
    bad = omdb.get("", params={"apikey": "nope", "i": "tt0000001"})
    assert bad.status_code == 401
    assert bad.json() == {"Response": "False", "Error": "Invalid API key!"}
    fake_api.set_omdb_daily_limit(2)
    assert _get(omdb, fake_api, "tt0000001").status_code == 200
    assert _get(omdb, fake_api, "tt0000001").status_code == 200
    limited = _get(omdb, fake_api, "tt0000001")
    assert limited.status_code == 401
    assert limited.json() == {"Response": "False", "Error": "Request limit reached!"}
    assert fake_api.stats()["omdb"] == 4
