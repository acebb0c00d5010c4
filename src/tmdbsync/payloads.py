"""Pydantic models of TMDb and OMDb responses: tolerant of anything but the fields we key on.

Real payloads carry nulls, empty strings for unknown dates and, now and then, a malformed item in a
long list. One bad cast entry must not cost the whole title, so scalar fields coerce or fall back
to None and list items that do not validate are dropped. Only a title's own `id` is strict: without
it nothing can be stored, and `BadPayload` says so.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from tmdbsync.errors import BadPayload

INT32 = 2**31 - 1
INT64 = 2**63 - 1


def clean_text(value: Any) -> str | None:
    """Text as given, minus what no database stores (NUL, lone surrogates).

    The one rule for missing text: TMDb writes "" where it knows nothing (homepage, tagline,
    a release note), so empty or blank text is None, exactly like null.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return None
    text: str = value.replace("\x00", "") if "\x00" in value else value
    if not text.strip():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _bounded_int(limit: int) -> Any:
    def convert(value: Any) -> int | None:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,19}", value.strip()):
            value = int(value.strip())
        if isinstance(value, int) and -limit <= value <= limit:
            return value
        return None

    return convert


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and abs(value) < 1e300:
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if abs(number) < 1e300 else None
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


Text = Annotated[str | None, BeforeValidator(clean_text)]
Int = Annotated[int | None, BeforeValidator(_bounded_int(INT32))]
BigInt = Annotated[int | None, BeforeValidator(_bounded_int(INT64))]
Float = Annotated[float | None, BeforeValidator(_float)]
Bool = Annotated[bool | None, BeforeValidator(_bool)]
Date = Annotated[date | None, BeforeValidator(_date)]
DateTime = Annotated[datetime | None, BeforeValidator(_datetime)]

T = TypeVar("T")
TmdbId = Annotated[int, Field(gt=0, le=INT32, strict=True)]
Code = Annotated[str, BeforeValidator(clean_text)]
"""A text that must be there (a country or language code, a name in a list): items without
one are dropped."""


def _drop_invalid(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate a list; on failure keep the items that validate on their own."""
    if not isinstance(value, list):
        return []
    try:
        return handler(value)
    except ValidationError:
        kept = []
        for item in value:
            try:
                kept.extend(handler([item]))
            except ValidationError:
                continue
        return kept


def _object_or_default(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A nested object of the wrong type counts as absent."""
    if not isinstance(value, dict):
        return handler({})
    return handler(value)


def _none_if_invalid(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """An optional nested object that is not an object, or does not validate, counts as absent."""
    if not isinstance(value, dict):
        return None
    try:
        return handler(value)
    except ValidationError:
        return None


LooseList = Annotated[list[T], WrapValidator(_drop_invalid)]
Optional = WrapValidator(_none_if_invalid)


class Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


Nested = WrapValidator(_object_or_default)


class PersonRef(Loose):
    """The person fields every credit carries; `id` is required to link it."""

    id: TmdbId
    name: Text = None
    gender: Int = None
    known_for_department: Text = None
    profile_path: Text = None
    popularity: Float = None
    credit_id: Text = None
    original_name: Text = None


class Role(Loose):
    """One character of an `aggregate_credits` cast member, with its episode count."""

    credit_id: Text = None
    character: Text = None
    episode_count: Int = None


class Job(Loose):
    """One job of an `aggregate_credits` crew member, with its episode count."""

    credit_id: Text = None
    job: Text = None
    episode_count: Int = None


class CastCredit(PersonRef):
    character: Text = None
    order: Int = None
    roles: LooseList[Role] = []  # aggregate_credits only


class CrewCredit(PersonRef):
    department: Text = None
    job: Text = None
    jobs: LooseList[Job] = []  # aggregate_credits only


class Credits(Loose):
    cast: LooseList[CastCredit] = []
    crew: LooseList[CrewCredit] = []
    guest_stars: LooseList[CastCredit] = []

    @property
    def is_empty(self) -> bool:
        return not (self.cast or self.crew or self.guest_stars)


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
    posters: LooseList[Image] = []
    backdrops: LooseList[Image] = []
    logos: LooseList[Image] = []
    profiles: LooseList[Image] = []


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
    results: LooseList[Video] = []


class NamedId(Loose):
    id: TmdbId
    name: Text = None


class Keywords(Loose):
    """Movies list keywords under `keywords`, shows under `results`."""

    keywords: LooseList[NamedId] = []
    results: LooseList[NamedId] = []

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


class ReleaseDate(Loose):
    certification: Text = None
    iso_639_1: Text = None
    note: Text = None
    release_date: DateTime = None
    type: Int = None


class CountryReleases(Loose):
    iso_3166_1: Code
    release_dates: LooseList[ReleaseDate] = []


class ReleaseDates(Loose):
    results: LooseList[CountryReleases] = []


class CountryRating(Loose):
    iso_3166_1: Code
    rating: Text = None


class ContentRatings(Loose):
    results: LooseList[CountryRating] = []


class AlternativeTitle(Loose):
    iso_3166_1: Text = None
    title: Code
    type: Text = None


class AlternativeTitles(Loose):
    """Movies list them under `titles`, shows under `results`."""

    titles: LooseList[AlternativeTitle] = []
    results: LooseList[AlternativeTitle] = []

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
    data: Annotated[TranslationData, Nested] = TranslationData()


class Translations(Loose):
    translations: LooseList[Translation] = []


class Provider(Loose):
    provider_id: TmdbId
    provider_name: Text = None
    logo_path: Text = None
    display_priority: Int = None


OFFER_TYPES = ("flatrate", "free", "ads", "rent", "buy")


class CountryProviders(Loose):
    link: Text = None
    flatrate: LooseList[Provider] = []
    free: LooseList[Provider] = []
    ads: LooseList[Provider] = []
    rent: LooseList[Provider] = []
    buy: LooseList[Provider] = []


def _countries(value: Any) -> dict[str, Any]:
    """Watch providers by country code; an entry that is not an object counts as absent."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and k and isinstance(v, dict)}


class WatchProviders(Loose):
    results: Annotated[dict[str, CountryProviders], BeforeValidator(_countries)] = {}


class Title(Loose):
    """A movie's or show's details with its appended sub-resources."""

    id: TmdbId
    title: Text = None
    name: Text = None
    original_title: Text = None
    original_name: Text = None
    original_language: Text = None
    overview: Text = None
    tagline: Text = None
    status: Text = None
    release_date: Date = None
    first_air_date: Date = None
    last_air_date: Date = None
    runtime: Int = None
    budget: BigInt = None
    revenue: BigInt = None
    homepage: Text = None
    popularity: Float = None
    vote_average: Float = None
    vote_count: Int = None
    poster_path: Text = None
    backdrop_path: Text = None
    adult: Bool = None
    in_production: Bool = None
    number_of_seasons: Int = None
    number_of_episodes: Int = None
    episode_run_time: LooseList[Int] = []  # bounded like every integer we store
    imdb_id: Text = None
    type: Text = None  # TV: "Scripted", "Miniseries", "Documentary" …
    genres: LooseList[Genre] = []
    seasons: LooseList[SeasonSummary] = []
    belongs_to_collection: Annotated[Collection | None, Optional] = None
    production_companies: LooseList[Company] = []
    networks: LooseList[Company] = []
    production_countries: LooseList[Country] = []
    origin_country: LooseList[Code] = []
    spoken_languages: LooseList[Language] = []
    languages: LooseList[Code] = []  # TV: ISO 639-1 codes
    created_by: LooseList[PersonRef] = []
    last_episode_to_air: Annotated[EpisodeToAir | None, Optional] = None
    next_episode_to_air: Annotated[EpisodeToAir | None, Optional] = None
    credits: Annotated[Credits, Nested] = Credits()
    aggregate_credits: Annotated[Credits, Nested] = Credits()
    images: Annotated[Images, Nested] = Images()
    videos: Annotated[Videos, Nested] = Videos()
    keywords: Annotated[Keywords, Nested] = Keywords()
    external_ids: Annotated[ExternalIds, Nested] = ExternalIds()
    release_dates: Annotated[ReleaseDates, Nested] = ReleaseDates()
    content_ratings: Annotated[ContentRatings, Nested] = ContentRatings()
    alternative_titles: Annotated[AlternativeTitles, Nested] = AlternativeTitles()
    translations: Annotated[Translations, Nested] = Translations()
    watch_providers: Annotated[WatchProviders, Nested, Field(alias="watch/providers")] = (
        WatchProviders()
    )

    @property
    def title_credits(self) -> Credits:
        """A show's credits over all its seasons (`aggregate_credits`) when TMDb sent them;
        `credits` (a movie's, or only a show's latest season) otherwise."""
        return self.credits if self.aggregate_credits.is_empty else self.aggregate_credits


class Paged(Loose):
    page: Int = None
    total_pages: Int = None
    total_results: Int = None


class DiscoverItem(Loose):
    id: TmdbId
    original_language: Text = None


class DiscoverPage(Paged):
    results: LooseList[DiscoverItem] = []


class ChangeItem(Loose):
    id: TmdbId
    adult: Bool = None


class ChangesPage(Paged):
    results: LooseList[ChangeItem] = []


class PersonDetails(PersonRef):
    biography: Text = None
    birthday: Date = None
    deathday: Date = None
    place_of_birth: Text = None
    homepage: Text = None
    imdb_id: Text = None
    also_known_as: LooseList[Code] = []
    images: Annotated[Images, Nested] = Images()
    external_ids: Annotated[ExternalIds, Nested] = ExternalIds()


class OmdbRating(Loose):
    Source: Annotated[str, BeforeValidator(clean_text)]
    Value: Text = None


class OmdbTitle(Loose):
    imdbID: Text = None
    Awards: Text = None
    Ratings: LooseList[OmdbRating] = []
    Rated: Text = None
    Plot: Text = None
    Metascore: Text = None
    imdbVotes: Text = None
    BoxOffice: Text = None


def _distribution(value: Any) -> dict[str, int] | None:
    """Trakt's {"1": votes, …, "10": votes}; anything else counts as absent."""
    if not isinstance(value, dict):
        return None
    counts = {str(k): _bounded_int(INT32)(v) for k, v in value.items()}
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


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], raw: Any, what: str) -> M:
    """Validate `raw` as `model`, or raise BadPayload naming what it was and why."""
    if not isinstance(raw, dict):
        raise BadPayload(f"{what}: expected a JSON object, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise BadPayload(f"{what}: {where}: {first['msg']}") from None


def omdb_value(text: str | None) -> str | None:
    """OMDb writes "N/A" for unknown values."""
    if text is None or text.strip() in ("", "N/A"):
        return None
    return text


_AWARD_COUNT = re.compile(r"(\d+)\s+(wins?|nominations?)", re.IGNORECASE)
_HEADLINE = re.compile(r"(Won|Nominated for)\s+(\d+)\s+\w+", re.IGNORECASE)
_SCORE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?)|(%))\s*$")
_DIGITS = re.compile(r"^\s*\$?\s*(\d[\d,]*)\s*$")


def omdb_score(value: str | None) -> int | None:
    """An OMDb rating as a number from 0 to 100: "7.8/10" -> 78, "96%" -> 96, "58/100" -> 58."""
    match = _SCORE.match(value or "")
    if match is None:
        return None
    number = float(match.group(1))
    scale = 100.0 if match.group(3) else float(match.group(2))
    if scale <= 0 or number > scale:
        return None
    return int(number * 100 / scale + 0.5)  # half up: "7.25/10" -> 73


def omdb_count(value: str | None, limit: int = INT32) -> int | None:
    """OMDb's numbers written as text: "321,557" votes, "77" Metascore, "$173,837,933"."""
    match = _DIGITS.match(value or "")
    if match is None:
        return None
    number = int(match.group(1).replace(",", ""))
    return number if number <= limit else None


def parse_awards(summary: str | None) -> tuple[int | None, int | None]:
    """Wins and nominations from OMDb's Awards sentence, in both of its forms.

    "Won 2 Oscars. 31 wins & 59 nominations total" -> (31, 59): the "total" counts already include
    the headline awards. The older "Won 1 Oscar. Another 4 wins & 19 nominations." counts the
    headline apart -> (5, 19). A headline alone ("Nominated for 1 Oscar.") counts on its own.
    """
    if not summary:
        return None, None
    wins = nominations = None
    for count, word in _AWARD_COUNT.findall(summary):
        if word.lower().startswith("win"):
            wins = int(count)
        else:
            nominations = int(count)
    headline = _HEADLINE.search(summary)
    if headline:
        count = int(headline.group(2))
        won = headline.group(1).lower() == "won"
        if "total" not in summary.lower():
            # the headline is not part of the other counts ("Another …", or nothing else)
            if won:
                wins = count + (wins or 0)
            else:
                nominations = count + (nominations or 0)
        elif won:
            wins = count if wins is None else wins
        else:
            nominations = count if nominations is None else max(nominations, count)
    if wins is None and nominations is not None:
        wins = 0
    if nominations is None and wins is not None:
        nominations = 0
    return wins, nominations
