"""Discover: date windows, paging, totals, the 500-page cap, huge months and drift."""

from __future__ import annotations

import math
from datetime import date, timedelta

import httpx

from tmdbsync.fakeapi import Catalogue, FakeApi

from .conftest import HUGE_MONTH


def _window(kind: str, gte: date, lte: date, page: int = 1) -> dict[str, str | int]:
    prefix = "primary_release_date" if kind == "movie" else "first_air_date"
    return {
        f"{prefix}.gte": gte.isoformat(),
        f"{prefix}.lte": lte.isoformat(),
        "sort_by": f"{prefix}.asc",
        "page": page,
        "language": "en-US",
        "region": "US",
        "with_release_type": "2|3",
        "include_adult": "false",
        "include_video": "false",
    }


def _all_pages(client: httpx.Client, kind: str, gte: date, lte: date) -> list[dict[str, object]]:
    first = client.get(f"/discover/{kind}", params=_window(kind, gte, lte)).json()
    items = list(first["results"])
    for page in range(2, first["total_pages"] + 1):
        items += client.get(f"/discover/{kind}", params=_window(kind, gte, lte, page)).json()[
            "results"
        ]
    assert len(items) == first["total_results"]
    return items


def test_month_pages_are_sorted_and_match_catalogue(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    cat = fake_api.catalogue
    year, month = next(
        (y, m)
        for y in range(2010, 2030)
        for m in range(1, 13)
        if len(cat.month_ids("movie", y, m)) > 45
    )
    gte, lte = date(year, month, 1), date(year, month + 1, 1) - timedelta(days=1)
    items = _all_pages(tmdb, "movie", gte, lte)
    assert [i["id"] for i in items] == cat.month_ids("movie", year, month)
    keys = [(i["release_date"], i["id"]) for i in items]
    assert keys == sorted(keys)
    assert all(gte.isoformat() <= str(i["release_date"]) <= lte.isoformat() for i in items)


def test_union_of_smaller_windows_equals_month(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    for kind in ("movie", "tv"):
        whole = _all_pages(tmdb, kind, date(2015, 3, 1), date(2015, 3, 31))
        parts = []
        for lo, hi in ((1, 7), (8, 8), (9, 20), (21, 31)):
            parts += _all_pages(tmdb, kind, date(2015, 3, lo), date(2015, 3, hi))
        assert [i["id"] for i in parts] == [i["id"] for i in whole]


def test_page_past_end_is_empty_with_totals(tmdb: httpx.Client) -> None:
    params = _window("movie", date(2015, 3, 1), date(2015, 3, 31))
    first = tmdb.get("/discover/movie", params=params).json()
    params["page"] = first["total_pages"] + 1
    body = tmdb.get("/discover/movie", params=params).json()
    assert body["results"] == []
    assert (body["total_pages"], body["total_results"]) == (
        first["total_pages"],
        first["total_results"],
    )


def test_empty_window_matches_real_empty_answer(tmdb: httpx.Client) -> None:
    body = tmdb.get(
        "/discover/tv", params=_window("tv", date(1875, 1, 1), date(1875, 1, 31))
    ).json()
    assert body == {"page": 1, "results": [], "total_pages": 1, "total_results": 0}


def test_huge_month_has_uncapped_totals_and_refuses_page_501(
    fake_api: FakeApi, tmdb: httpx.Client
) -> None:
    kind, year, month = HUGE_MONTH
    params = _window(kind, date(year, month, 1), date(year, month, 31))
    body = tmdb.get("/discover/movie", params=params).json()
    assert body["total_results"] == 10_500
    assert body["total_pages"] == math.ceil(10_500 / 20) > 500
    params["page"] = 500
    assert len(tmdb.get("/discover/movie", params=params).json()["results"]) == 20
    for bad in (501, 0, "x"):
        params["page"] = bad
        response = tmdb.get("/discover/movie", params=params)
        assert response.status_code == 400
        assert response.json()["status_code"] == 22
    # Splitting the month into days gets everything.
    total = sum(
        len(fake_api.catalogue.window_ids(kind, date(year, month, d), date(year, month, d)))
        for d in range(1, 32)
    )
    assert total == 10_500


def test_drift_adds_and_removes_titles(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    cat = fake_api.catalogue
    month = next(m for m in range(1, 13) if len(cat.month_ids("movie", 2016, m)) > 10)
    before = cat.month_ids("movie", 2016, month)
    fake_api.drift("movie", 2016, month, add=3, remove=2)
    last = date(2016, month + 1, 1) - timedelta(days=1) if month < 12 else date(2016, 12, 31)
    after = _all_pages(tmdb, "movie", date(2016, month, 1), last)
    ids = [i["id"] for i in after]
    assert len(ids) == len(before) + 1
    removed = set(before) - set(ids)
    assert len(removed) == 2
    assert tmdb.get(f"/movie/{removed.pop()}").status_code == 404
    added = set(ids) - set(before)
    assert len(added) == 3


def test_catalogue_knobs() -> None:
    small, big = Catalogue(seed=1), Catalogue(seed=1, scale=3.0)
    span = (date(2000, 1, 1), date(2009, 12, 31))
    assert len(big.window_ids("movie", *span)) > 2 * len(small.window_ids("movie", *span))
    counts = [len(small.month_ids("movie", y, m)) for y in range(1990, 2020) for m in range(1, 13)]
    assert 0 in counts
    assert max(counts) > 100
    old = sum(len(small.month_ids("movie", y, m)) for y in range(1880, 1890) for m in range(1, 13))
    assert old < sum(counts) / 30


def test_deleted_titles_are_discovered_but_404(fake_api: FakeApi, tmdb: httpx.Client) -> None:
    gone = fake_api.catalogue.find("movie", lambda c: c.gone)
    assert fake_api.catalogue.is_gone("movie", gone)
    assert tmdb.get(f"/movie/{gone}").status_code == 404
    ids = list(fake_api.catalogue.iter_ids("movie", (2010, 1)))[:3000]
    rate = sum(fake_api.catalogue.is_gone("movie", i) for i in ids) / len(ids)
    assert 0.002 < rate < 0.03
