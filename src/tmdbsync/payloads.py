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


def _text(value: Any) -> str | None:
    """Text as given, minus what no database stores (NUL, lone surrogates)."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return None
    text: str = value.replace("\x00", "") if "\x00" in value else value
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


Text = Annotated[str | None, BeforeValidator(_text)]
Int = Annotated[int | None, BeforeValidator(_bounded_int(INT32))]
BigInt = Annotated[int | None, BeforeValidator(_bounded_int(INT64))]
Float = Annotated[float | None, BeforeValidator(_float)]
Bool = Annotated[bool | None, BeforeValidator(_bool)]
Date = Annotated[date | None, BeforeValidator(_date)]
DateTime = Annotated[datetime | None, BeforeValidator(_datetime)]

T = TypeVar("T")
TmdbId = Annotated[int, Field(gt=0, le=INT32, strict=True)]


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


LooseList = Annotated[list[T], WrapValidator(_drop_invalid)]


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


class CastCredit(PersonRef):
    character: Text = None
    order: Int = None


class CrewCredit(PersonRef):
    department: Text = None
    job: Text = None


class Credits(Loose):
    cast: LooseList[CastCredit] = []
    crew: LooseList[CrewCredit] = []
    guest_stars: LooseList[CastCredit] = []


class Image(Loose):
    file_path: Annotated[str, BeforeValidator(_text), Field(min_length=1)]  # no NUL either
    width: Int = None
    height: Int = None
    aspect_ratio: Float = None
    iso_639_1: Text = None
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
    genres: LooseList[Genre] = []
    seasons: LooseList[SeasonSummary] = []
    credits: Annotated[Credits, Nested] = Credits()
    images: Annotated[Images, Nested] = Images()
    videos: Annotated[Videos, Nested] = Videos()
    keywords: Annotated[Keywords, Nested] = Keywords()
    external_ids: Annotated[ExternalIds, Nested] = ExternalIds()


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
    images: Annotated[Images, Nested] = Images()
    external_ids: Annotated[ExternalIds, Nested] = ExternalIds()


class OmdbRating(Loose):
    Source: Annotated[str, BeforeValidator(_text)]
    Value: Text = None


class OmdbTitle(Loose):
    imdbID: Text = None
    Awards: Text = None
    Ratings: LooseList[OmdbRating] = []


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


def parse_awards(summary: str | None) -> tuple[int | None, int | None]:
    """Wins and nominations from OMDb's Awards sentence.

    "Won 2 Oscars. 31 wins & 59 nominations total" -> (31, 59): the "total" counts already include
    the headline awards. A headline alone ("Nominated for 1 Oscar.") counts on its own.
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
        if headline.group(1).lower() == "won":
            wins = count if wins is None else wins
        else:
            nominations = count if nominations is None else max(nominations, count)
    if wins is None and nominations is not None:
        wins = 0
    if nominations is None and wins is not None:
        nominations = 0
    return wins, nominations
