"""A show's seasons and their episodes, as listed and as fetched."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .common import INT32, Date, Float, Int, Loose, LooseList, Text
from .credits import CastCredit, CrewCredit


class EpisodePayload(Loose):
    id: Int = None
    episode_number: Annotated[int, Field(ge=0, le=INT32, strict=True)]
    episode_type: Text = None
    name: Text = None
    overview: Text = None
    air_date: Date = None
    runtime: Int = None
    production_code: Text = None
    still_path: Text = None
    vote_average: Float = None
    vote_count: Int = None
    crew: LooseList[CrewCredit] = []
    guest_stars: LooseList[CastCredit] = []


class SeasonSummary(Loose):
    id: Int = None
    season_number: Annotated[int, Field(ge=0, le=INT32, strict=True)]
    name: Text = None
    overview: Text = None
    air_date: Date = None
    episode_count: Int = None
    poster_path: Text = None
    vote_average: Float = None


class SeasonPayload(SeasonSummary):
    episodes: LooseList[EpisodePayload] = []
