"""HTTP behaviour: auth, rate limit, faults, scripts, stats and the control routes."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tmdbsync.fakeapi import FakeApi, Faults, ScriptedResponse


def test_auth_by_api_key_or_bearer(fake_api: FakeApi) -> None:
    url = fake_api.tmdb_url + "/genre/movie/list"
    assert httpx.get(url, params={"api_key": fake_api.tmdb_api_key}).status_code == 200
    bearer = {"Authorization": f"Bearer {fake_api.tmdb_access_token}"}
    assert httpx.get(url, headers=bearer).status_code == 200
    refused: list[dict[str, Any]] = [
        {},
        {"params": {"api_key": "wrong"}},
        {"headers": {"Authorization": "Bearer wrong"}},
    ]
    for kwargs in refused:
        response = httpx.get(url, **kwargs)
        assert response.status_code == 401
        assert response.json() == {
            "success": False,
            "status_code": 7,
            "status_message": "Invalid API key: You must be granted a valid key.",
        }


def test_rate_limit_answers_429_with_retry_after(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    fake_api.set_rate_limit((5, 2.0))
    statuses = [tmdb.get("/genre/tv/list") for _ in range(8)]
    assert [r.status_code for r in statuses] == [200] * 5 + [429] * 3
    refused = statuses[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 2
    assert refused.json()["status_code"] == 25
    time.sleep(float(refused.headers["Retry-After"]))
    assert tmdb.get("/genre/tv/list").status_code == 200
    assert fake_api.stats()["by_status"] == {"200": 6, "429": 3}


@pytest.mark.parametrize("kind", ["error", "malformed", "reset"])
def test_faults_occur_at_configured_rate(fake_api: FakeApi, tmdb: httpx.Client, kind: str) -> None:
    fake_api.faults = Faults(**{f"{kind}_rate": 0.3}, seed=3)
    n, bad = 200, 0
    for _ in range(n):
        try:
            response = tmdb.get("/genre/movie/list")
            if kind == "error":
                bad += response.status_code in (500, 502, 503, 504)
            else:
                response.json()
        except (httpx.TransportError, ValueError):
            bad += 1
    assert 0.2 * n < bad < 0.4 * n
    stats = fake_api.stats()
    assert stats["requests"] == stats["tmdb"] == n


def test_timeout_fault_hangs(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    fake_api.faults = Faults(timeout_rate=1.0, timeout_seconds=2.0)
    with pytest.raises(httpx.ReadTimeout):
        tmdb.get("/configuration", timeout=0.3)
    assert fake_api.stats()["by_status"] == {"timeout": 1}


def test_error_fault_bodies_look_like_tmdb(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    fake_api.faults = Faults(error_rate=1.0, seed=1)
    seen = {}
    for _ in range(40):
        response = tmdb.get("/configuration")
        seen[response.status_code] = response
    assert set(seen) == {500, 502, 503, 504}
    assert seen[503].json()["status_code"] == 9
    assert httpx.get(fake_api.url + "/__stats").status_code == 200  # control never faulted


# A month, not the whole catalogue: an unfiltered discover ranks every title of the fake.
LAST_OF_JANUARY = {"first_air_date.lte": "2024-01-31"}
ONE_MONTH = {"primary_release_date.gte": "2024-01-01", "primary_release_date.lte": "2024-01-31"}


def test_scripted_responses_come_first_in_order(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    fake_api.script(
        r"/discover/movie$",
        [
            ScriptedResponse(status=503, headers={"Retry-After": "7"}),
            ScriptedResponse(status=200, body={"hello": "world"}),
            ScriptedResponse(kind="reset"),
        ],
    )
    first = tmdb.get("/discover/movie")
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "7"
    assert first.json()["status_code"] == 9
    assert tmdb.get("/genre/movie/list").status_code == 200  # other paths unaffected
    assert tmdb.get("/discover/movie").json() == {"hello": "world"}
    with pytest.raises(httpx.TransportError):
        tmdb.get("/discover/movie")
    assert tmdb.get("/discover/movie", params=ONE_MONTH).status_code == 200


def test_stats_count_every_request(
    fake_api: FakeApi, tmdb: httpx.Client, omdb: httpx.Client
) -> None:
    show = fake_api.catalogue.find_tv(min_seasons=1)
    tmdb.get("/discover/tv", params={"first_air_date.gte": "2024-01-01"} | LAST_OF_JANUARY)
    tmdb.get(f"/tv/{show}")
    tmdb.get(f"/tv/{show}/season/1")
    tmdb.get(f"/tv/{show}/season/1/episode/1/credits")
    tmdb.get("/movie/999999999")
    tmdb.get("/genre/movie/list")
    httpx.get(fake_api.tmdb_url + "/genre/movie/list")  # 401
    omdb.get("", params={"apikey": fake_api.omdb_api_key, "i": "tt0000001"})
    stats = httpx.get(fake_api.url + "/__stats").json()
    assert stats == fake_api.stats()
    assert stats["requests"] == 8
    assert stats["tmdb"] == 7
    assert stats["omdb"] == 1
    assert stats["by_endpoint"] == {
        "discover/tv": 1,
        "tv/{id}": 1,
        "tv/{id}/season/{n}": 1,
        "tv/{id}/season/{n}/episode/{e}/credits": 1,
        "movie/{id}": 1,
        "genre/movie/list": 2,
        "omdb": 1,
    }
    assert stats["by_status"] == {"200": 6, "404": 1, "401": 1}
    assert httpx.post(fake_api.url + "/__stats/reset").json()["requests"] == 0


def test_control_over_http(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    response = httpx.post(
        fake_api.url + "/__control",
        json={
            "faults": {"error_rate": 1.0},
            "rate_limit": [100, 10.0],
            "latency": 0.2,
            "omdb_daily_limit": 3,
            "drift": {"kind": "movie", "year": 2012, "month": 3, "add": 2, "remove": 0},
        },
    )
    assert response.status_code == 200
    assert fake_api.faults.error_rate == 1.0
    assert fake_api.latency == 0.2
    assert fake_api.omdb_daily_limit == 3
    started = time.monotonic()
    assert tmdb.get("/configuration").status_code >= 500
    assert time.monotonic() - started >= 0.2
    httpx.post(fake_api.url + "/__control", json={"faults": {}, "latency": 0, "rate_limit": None})
    assert tmdb.get("/configuration").status_code == 200
    bad = httpx.post(fake_api.url + "/__control", json={"faults": {"nope": 1}})
    assert bad.status_code == 400


def test_keep_alive_reuses_one_connection(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    for _ in range(5):
        response = tmdb.get("/genre/tv/list")
        assert response.http_version == "HTTP/1.1"
        assert int(response.headers["Content-Length"]) == len(response.content)
