"""A movie's or show's details: the one payload a stored title is built from."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .appends import (
    AlternativeTitles,
    ContentRatings,
    ExternalIds,
    Images,
    Keywords,
    ReleaseDates,
    TranslationData,
    Translations,
    Videos,
    WatchProviders,
)
from .common import (
    BigInt,
    Bool,
    Code,
    Date,
    Float,
    Int,
    Loose,
    LooseList,
    NamedId,
    Nested,
    Optional,
    Text,
    TmdbId,
)
from .credits import Credits, PersonRef
from .seasons import SeasonSummary


class Genre(NamedId):
    pass


class Company(NamedId):
    """A production company or a TV network."""

    logo_path: Text = None
    origin_country: Text = None


class Collection(NamedId):
    poster_path: Text = None
    backdrop_path: Text = None


class Country(Loose):
    iso_3166_1: Code


class Language(Loose):
    iso_639_1: Code


class EpisodeToAir(Loose):
    """`last_episode_to_air` / `next_episode_to_air`: which episode, and when."""

    air_date: Date = None
    season_number: Int = None
    episode_number: Int = None


class Title(TranslationData):
    """A movie's or show's details with its appended sub-resources; its translatable fields
    (`title`, `name`, `overview`, …) are those its `translations` carry."""

    id: TmdbId
    original_title: Text = None
    original_name: Text = None
    original_language: Text = None
    status: Text = None
    release_date: Date = None
    first_air_date: Date = None
    last_air_date: Date = None
    budget: BigInt = None
    revenue: BigInt = None
    popularity: Float = None
    vote_average: Float = None
    vote_count: Int = None
    poster_path: Text = None
    backdrop_path: Text = None
    adult: Bool = None
    in_production: Bool = None
    number_of_seasons: Int = None
    number_of_episodes: Int = None
    episode_run_time: LooseList[Int] = Field(
        default_factory=list
    )  # bounded like every integer we store
    imdb_id: Text = None
    type: Text = None  # TV: "Scripted", "Miniseries", "Documentary" …
    genres: LooseList[Genre] = Field(default_factory=list)
    seasons: LooseList[SeasonSummary] = Field(default_factory=list)
    belongs_to_collection: Annotated[Collection | None, Optional] = None
    production_companies: LooseList[Company] = Field(default_factory=list)
    networks: LooseList[Company] = Field(default_factory=list)
    production_countries: LooseList[Country] = Field(default_factory=list)
    origin_country: LooseList[Code] = Field(default_factory=list)
    spoken_languages: LooseList[Language] = Field(default_factory=list)
    languages: LooseList[Code] = Field(default_factory=list)  # TV: ISO 639-1 codes
    created_by: LooseList[PersonRef] = Field(default_factory=list)
    last_episode_to_air: Annotated[EpisodeToAir | None, Optional] = None
    next_episode_to_air: Annotated[EpisodeToAir | None, Optional] = None
    credits: Annotated[Credits, Nested] = Field(default_factory=Credits)
    aggregate_credits: Annotated[Credits, Nested] = Field(default_factory=Credits)
    images: Annotated[Images, Nested] = Field(default_factory=Images)
    videos: Annotated[Videos, Nested] = Field(default_factory=Videos)
    keywords: Annotated[Keywords, Nested] = Field(default_factory=Keywords)
    external_ids: Annotated[ExternalIds, Nested] = Field(default_factory=ExternalIds)
    release_dates: Annotated[ReleaseDates, Nested] = Field(default_factory=ReleaseDates)
    content_ratings: Annotated[ContentRatings, Nested] = Field(default_factory=ContentRatings)
    alternative_titles: Annotated[AlternativeTitles, Nested] = Field(
        default_factory=AlternativeTitles
    )
    translations: Annotated[Translations, Nested] = Field(default_factory=Translations)
    watch_providers: Annotated[WatchProviders, Nested, Field(alias="watch/providers")] = Field(
        default_factory=WatchProviders
    )

    @property
    def title_credits(self) -> Credits:
        """A show's credits over all its seasons (`aggregate_credits`) when TMDb sent them;
        `credits` (a movie's, or only a show's latest season) otherwise."""
        return self.credits if self.aggregate_credits.is_empty else self.aggregate_credits
