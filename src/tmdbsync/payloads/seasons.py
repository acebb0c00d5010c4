"""A show's seasons and their episodes, as listed and as fetched."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .common import INT32, Date, Float, Int, Loose, LooseList, Text
from .credits import CastCredit, CrewCredit

Number = Annotated[int, Field(ge=0, le=INT32, strict=True)]


class ShowPart(Loose):
    """What a season and an episode both carry: the part of the show as TMDb lists it."""

    id: Int = None
    name: Text = None
    overview: Text = None
    air_date: Date = None
    vote_average: Float = None


class EpisodePayload(ShowPart):
    episode_number: Number
    episode_type: Text = None
    runtime: Int = None
    production_code: Text = None
    still_path: Text = None
    vote_count: Int = None
    crew: LooseList[CrewCredit] = Field(default_factory=list)
    guest_stars: LooseList[CastCredit] = Field(default_factory=list)


class SeasonSummary(ShowPart):
    season_number: Number
    episode_count: Int = None
    poster_path: Text = None


class SeasonPayload(SeasonSummary):
    episodes: LooseList[EpisodePayload] = Field(default_factory=list)
