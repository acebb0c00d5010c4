"""Trakt (``/movies/{imdb id}/stats|ratings``, ``/shows/…``) bodies for catalogue titles.

Trakt accepts an IMDb id wherever it takes a Trakt id; about one title in twelve is unknown to it
(HTTP 404, empty body), as with titles nobody has logged there yet.
"""

from __future__ import annotations

from typing import Any

from .seeding import sub_rng
from .titles import TitleCore

JsonDict = dict[str, Any]


def trakt_known(core: TitleCore) -> bool:
    return sub_rng(0, "trakt-known", core.kind, core.id).random() >= 1 / 12


def trakt_stats(seed: int, core: TitleCore) -> JsonDict:
    """Shape of Trakt's stats: watchers, plays, collectors, comments, lists, votes, …"""
    rng = sub_rng(seed, "trakt-stats", core.kind, core.id)
    watchers = int(core.vote_count * rng.uniform(0.5, 40))
    return {
        "watchers": watchers,
        "plays": int(watchers * rng.uniform(1.0, 3.5)),
        "collectors": int(watchers * rng.uniform(0.1, 0.6)),
        "comments": rng.randint(0, 200),
        "lists": rng.randint(0, 5000),
        "votes": int(watchers * rng.uniform(0.05, 0.4)),
        "favorited": rng.randint(0, 800),
        "recommended": rng.randint(0, 400),
    }


def trakt_ratings(seed: int, core: TitleCore) -> JsonDict:
    """Shape of Trakt's ratings: the mean, the votes, and the 1–10 distribution."""
    rng = sub_rng(seed, "trakt-ratings", core.kind, core.id)
    votes = int(core.vote_count * rng.uniform(0.05, 2.0))
    centre = max(1.0, min(10.0, core.vote_average + rng.uniform(-1.0, 1.0)))
    weights = [max(0.0, 1.0 - abs(score - centre) / 4) for score in range(1, 11)]
    total = sum(weights) or 1.0
    distribution = {
        str(score): int(votes * weight / total) for score, weight in enumerate(weights, start=1)
    }
    counted = sum(distribution.values())
    mean = sum(int(s) * n for s, n in distribution.items()) / counted if counted else 0.0
    return {"rating": round(mean, 5), "votes": counted, "distribution": distribution}
