"""The sub-resources appended to a details request (images, videos, releases, …)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .common import (
    Bool,
    Code,
    DateTime,
    Float,
    Int,
    Loose,
    LooseList,
    NamedId,
    Nested,
    Text,
    TmdbId,
    clean_text,
)


class Image(Loose):
    file_path: Annotated[str, BeforeValidator(clean_text), Field(min_length=1)]  # no NUL either
    width: Int = None
    height: Int = None
    aspect_ratio: Float = None
    iso_639_1: Text = None
    iso_3166_1: Text = None
    vote_average: Float = None
    vote_count: Int = None


class Images(Loose):
    posters: LooseList[Image] = Field(default_factory=list)
    backdrops: LooseList[Image] = Field(default_factory=list)
    logos: LooseList[Image] = Field(default_factory=list)
    profiles: LooseList[Image] = Field(default_factory=list)


class Video(Loose):
    id: Text = None
    key: Text = None
    site: Text = None
    type: Text = None
    name: Text = None
    official: Bool = None
    published_at: DateTime = None
    iso_639_1: Text = None
    iso_3166_1: Text = None
    size: Int = None


class Videos(Loose):
    results: LooseList[Video] = Field(default_factory=list)


class Keywords(Loose):
    """Movies list keywords under `keywords`, shows under `results`."""

    keywords: LooseList[NamedId] = Field(default_factory=list)
    results: LooseList[NamedId] = Field(default_factory=list)

    @property
    def items(self) -> list[NamedId]:
        return [*self.keywords, *self.results]


class ExternalIds(Loose):
    imdb_id: Text = None
    facebook_id: Text = None
    instagram_id: Text = None
    twitter_id: Text = None
    wikidata_id: Text = None
    tiktok_id: Text = None
    youtube_id: Text = None
    tvdb_id: Int = None


class ReleaseDate(Loose):
    certification: Text = None
    iso_639_1: Text = None
    note: Text = None
    release_date: DateTime = None
    type: Int = None


class CountryReleases(Loose):
    iso_3166_1: Code
    release_dates: LooseList[ReleaseDate] = Field(default_factory=list)


class ReleaseDates(Loose):
    results: LooseList[CountryReleases] = Field(default_factory=list)


class CountryRating(Loose):
    iso_3166_1: Code
    rating: Text = None


class ContentRatings(Loose):
    results: LooseList[CountryRating] = Field(default_factory=list)


class AlternativeTitle(Loose):
    iso_3166_1: Text = None
    title: Code
    type: Text = None


class AlternativeTitles(Loose):
    """Movies list them under `titles`, shows under `results`."""

    titles: LooseList[AlternativeTitle] = Field(default_factory=list)
    results: LooseList[AlternativeTitle] = Field(default_factory=list)

    @property
    def items(self) -> list[AlternativeTitle]:
        return [*self.titles, *self.results]


class TranslationData(Loose):
    """Movies translate `title`, shows `name`."""

    title: Text = None
    name: Text = None
    overview: Text = None
    tagline: Text = None
    homepage: Text = None
    runtime: Int = None


class Translation(Loose):
    iso_639_1: Code
    iso_3166_1: Text = None
    data: Annotated[TranslationData, Nested] = Field(default_factory=TranslationData)


class Translations(Loose):
    translations: LooseList[Translation] = Field(default_factory=list)


class Provider(Loose):
    provider_id: TmdbId
    provider_name: Text = None
    logo_path: Text = None
    display_priority: Int = None


OFFER_TYPES = ("flatrate", "free", "ads", "rent", "buy")


class CountryProviders(Loose):
    link: Text = None
    flatrate: LooseList[Provider] = Field(default_factory=list)
    free: LooseList[Provider] = Field(default_factory=list)
    ads: LooseList[Provider] = Field(default_factory=list)
    rent: LooseList[Provider] = Field(default_factory=list)
    buy: LooseList[Provider] = Field(default_factory=list)


def _countries(value: Any) -> dict[str, Any]:
    """Watch providers by country code; an entry that is not an object counts as absent."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and k and isinstance(v, dict)}


class WatchProviders(Loose):
    results: Annotated[dict[str, CountryProviders], BeforeValidator(_countries)] = Field(
        default_factory=dict
    )
