"""Trakt's community numbers: ratings with their distribution, and watch stats."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from .common import INT32, Float, Int, Loose, bounded_int


def _distribution(value: Any) -> dict[str, int] | None:
    """Trakt's {"1": votes, …, "10": votes}; anything else counts as absent."""
    if not isinstance(value, dict):
        return None
    counts = {str(k): bounded_int(INT32)(v) for k, v in value.items()}
    return {k: v for k, v in counts.items() if v is not None} or None


class TraktRatings(Loose):
    rating: Float = None
    votes: Int = None
    distribution: Annotated[dict[str, int] | None, BeforeValidator(_distribution)] = None


class TraktStats(Loose):
    watchers: Int = None
    plays: Int = None
    collectors: Int = None
    comments: Int = None
    lists: Int = None
    favorited: Int = None
    recommended: Int = None
