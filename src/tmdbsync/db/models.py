"""The schema of CONTRACT.md as SQLAlchemy 2 models (the Alembic migration mirrors this file).

Child rows (cast, crew, images, …) carry no natural unique key: a re-sync replaces a title's
children in one transaction, so duplicates cannot build up and odd payloads (a credit listed twice)
still store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC, read back timezone-aware on every backend.

    PostgreSQL keeps `timestamptz` (returned in the session's zone, so converted to UTC here);
    SQLite has no zones, so it stores the UTC wall time and the zone is put back on reading.
    A naive value given to it is taken as UTC. `status --json` and users' SQL then agree.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _content_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("content.id", ondelete="CASCADE"), index=True)


def _person_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)


def _episode_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)


class ContentSyncLog(Base):
    """Progress of one (type, year, month) batch: the seed design's ContentSyncLog.

    `audited_at` is when a completed month's listing was last probed for titles TMDb added
    since (see sync/audit.py); NULL when it never was.
    """

    __tablename__ = "content_sync_log"
    __table_args__ = (UniqueConstraint("type", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    is_completed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_completed_page: Mapped[int] = mapped_column(Integer, default=0)
    total_pages: Mapped[int | None] = mapped_column(Integer)
    total_results: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(String(500))
    last_synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    audited_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ContentSyncWindow(Base):
    """A date range of one log row, paged on its own: TMDb serves at most 500 discover pages.

    A month starts as one window; a window listing more than 500 pages is split in halves, down
    to single days. The log row's `last_completed_page` and `total_pages` are the sums over its
    windows, and it is completed when every window is. `passes`, `scan_run`, `spanned`,
    `found_new` and `shortfall` decide whether a finished scan is re-listed to catch titles that
    moved between pages while it ran or that its pages left out (see sync/log.py).
    """

    __tablename__ = "content_sync_window"
    __table_args__ = (UniqueConstraint("log_id", "gte"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(
        ForeignKey("content_sync_log.id", ondelete="CASCADE"), index=True
    )
    gte: Mapped[date] = mapped_column(Date)
    lte: Mapped[date] = mapped_column(Date)
    is_completed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_completed_page: Mapped[int] = mapped_column(Integer, default=0)
    total_pages: Mapped[int | None] = mapped_column(Integer)
    total_results: Mapped[int | None] = mapped_column(Integer)
    passes: Mapped[int] = mapped_column(Integer, default=0)
    scan_run: Mapped[str | None] = mapped_column(String(32))
    spanned: Mapped[bool] = mapped_column(Boolean, default=False)
    found_new: Mapped[bool] = mapped_column(Boolean, default=False)
    shortfall: Mapped[int] = mapped_column(Integer, default=0)
    """Titles this scan's pages listed fewer than `total_results` promised (sync/log.py)."""


class Content(Base):
    """A movie or a TV show; `synced_at` is set in the same transaction as its child rows."""

    __tablename__ = "content"
    __table_args__ = (
        UniqueConstraint("type", "tmdb_id"),
        Index("ix_content_omdb_pending", "omdb_status"),
        # what apps ask: by title, newest releases, most popular
        Index("ix_content_title", "title"),
        Index("ix_content_type_release_date", "type", "release_date"),
        Index("ix_content_type_popularity", "type", "popularity"),
        Index("ix_content_synced", "type", "synced_at"),
        Index("ix_content_trakt_pending", "trakt_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    tmdb_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    original_title: Mapped[str | None] = mapped_column(Text)
    original_language: Mapped[str | None] = mapped_column(Text)
    overview: Mapped[str | None] = mapped_column(Text)
    tagline: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(Text)
    release_date: Mapped[date | None] = mapped_column(Date)
    last_air_date: Mapped[date | None] = mapped_column(Date)
    runtime: Mapped[int | None] = mapped_column(Integer)
    budget: Mapped[int | None] = mapped_column(BigInteger)
    revenue: Mapped[int | None] = mapped_column(BigInteger)
    homepage: Mapped[str | None] = mapped_column(Text)
    popularity: Mapped[float | None] = mapped_column(Float)
    vote_average: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)
    poster_path: Mapped[str | None] = mapped_column(Text)
    backdrop_path: Mapped[str | None] = mapped_column(Text)
    adult: Mapped[bool | None] = mapped_column(Boolean)
    in_production: Mapped[bool | None] = mapped_column(Boolean)
    number_of_seasons: Mapped[int | None] = mapped_column(Integer)
    number_of_episodes: Mapped[int | None] = mapped_column(Integer)
    episode_run_time: Mapped[int | None] = mapped_column(Integer)
    imdb_id: Mapped[str | None] = mapped_column(Text, index=True)
    facebook_id: Mapped[str | None] = mapped_column(Text)
    instagram_id: Mapped[str | None] = mapped_column(Text)
    twitter_id: Mapped[str | None] = mapped_column(Text)
    wikidata_id: Mapped[str | None] = mapped_column(Text)
    tvdb_id: Mapped[int | None] = mapped_column(Integer)
    tiktok_id: Mapped[str | None] = mapped_column(Text)
    youtube_id: Mapped[str | None] = mapped_column(Text)
    series_type: Mapped[str | None] = mapped_column(Text)
    """TV `type` ("Scripted", "Miniseries" …); `type` is already 'movie' or 'tv'."""
    last_episode_air_date: Mapped[date | None] = mapped_column(Date)
    next_episode_air_date: Mapped[date | None] = mapped_column(Date)
    next_episode_season: Mapped[int | None] = mapped_column(Integer)
    next_episode_number: Mapped[int | None] = mapped_column(Integer)
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection.id", ondelete="SET NULL"), index=True
    )
    synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    omdb_status: Mapped[str | None] = mapped_column(String(16))
    omdb_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # OMDb's title-level facts (its ratings are content_rating rows)
    rated: Mapped[str | None] = mapped_column(Text)
    metascore: Mapped[int | None] = mapped_column(Integer)
    imdb_votes: Mapped[int | None] = mapped_column(Integer)
    box_office: Mapped[int | None] = mapped_column(BigInteger)
    """US dollars, as OMDb's `BoxOffice` ("$173,837,933")."""
    plot: Mapped[str | None] = mapped_column(Text)
    """OMDb's short plot."""
    # Catalogue freshness (sync/checksum.py, sync/exports.py): the hash of the stored bundle,
    # when the stored data last really changed, when TMDb stopped knowing the title (its rows
    # stay), and how many exports in a row have not listed it.
    checksum: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    export_misses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    trakt_status: Mapped[str | None] = mapped_column(String(16))
    """content_trakt.status once Trakt was asked; NULL = pending (the queue's index)."""


class Collection(Base):
    """A movie collection (`belongs_to_collection`)."""

    __tablename__ = "collection"

    id: Mapped[int] = mapped_column(primary_key=True)
    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    poster_path: Mapped[str | None] = mapped_column(Text)
    backdrop_path: Mapped[str | None] = mapped_column(Text)


class Company(Base):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    logo_path: Mapped[str | None] = mapped_column(Text)
    origin_country: Mapped[str | None] = mapped_column(Text)


class ContentCompany(Base):
    __tablename__ = "content_company"
    __table_args__ = (UniqueConstraint("content_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    company_id: Mapped[int] = mapped_column(
        ForeignKey("company.id", ondelete="CASCADE"), index=True
    )


class Network(Base):
    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    logo_path: Mapped[str | None] = mapped_column(Text)
    origin_country: Mapped[str | None] = mapped_column(Text)


class ContentNetwork(Base):
    __tablename__ = "content_network"
    __table_args__ = (UniqueConstraint("content_id", "network_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )


class ContentCreator(Base):
    """A show's `created_by`: creators are not in its crew."""

    __tablename__ = "content_creator"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    person_id: Mapped[int] = _person_fk()
    credit_id: Mapped[str | None] = mapped_column(Text)


class ContentCountry(Base):
    """`kind` is 'production' (production_countries) or 'origin' (origin_country)."""

    __tablename__ = "content_country"
    __table_args__ = (UniqueConstraint("content_id", "iso_3166_1", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    iso_3166_1: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))


class ContentLanguage(Base):
    """Movie `spoken_languages`, TV `languages`."""

    __tablename__ = "content_language"
    __table_args__ = (UniqueConstraint("content_id", "iso_639_1"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    iso_639_1: Mapped[str] = mapped_column(Text)


class ContentRelease(Base):
    """Movie `release_dates` (one row per entry) or TV `content_ratings` (one per country)."""

    __tablename__ = "content_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    iso_3166_1: Mapped[str] = mapped_column(Text)
    release_type: Mapped[int | None] = mapped_column(Integer)
    release_date: Mapped[datetime | None] = mapped_column(UtcDateTime())
    certification: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    iso_639_1: Mapped[str | None] = mapped_column(Text)


class ContentTranslation(Base):
    __tablename__ = "content_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    iso_639_1: Mapped[str] = mapped_column(Text)
    iso_3166_1: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    overview: Mapped[str | None] = mapped_column(Text)
    tagline: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(Text)
    runtime: Mapped[int | None] = mapped_column(Integer)


class ContentAlternativeTitle(Base):
    __tablename__ = "content_alternative_title"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    iso_3166_1: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    title_type: Mapped[str | None] = mapped_column(Text)


class WatchProvider(Base):
    __tablename__ = "watch_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    logo_path: Mapped[str | None] = mapped_column(Text)


class ContentWatchProvider(Base):
    """Where a title can be watched, per country and offer type (data by JustWatch).

    `link` is TMDb's watch page for that country, which the attribution should point to.
    """

    __tablename__ = "content_watch_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("watch_provider.id", ondelete="CASCADE"), index=True
    )
    iso_3166_1: Mapped[str] = mapped_column(Text)
    offer_type: Mapped[str] = mapped_column(String(16))
    display_priority: Mapped[int | None] = mapped_column(Integer)
    link: Mapped[str | None] = mapped_column(Text)


class Genre(Base):
    __tablename__ = "genre"
    __table_args__ = (UniqueConstraint("type", "tmdb_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    tmdb_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)


class ContentGenre(Base):
    __tablename__ = "content_genre"
    __table_args__ = (UniqueConstraint("content_id", "genre_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    genre_id: Mapped[int] = mapped_column(ForeignKey("genre.id", ondelete="CASCADE"), index=True)


class Keyword(Base):
    __tablename__ = "keyword"

    id: Mapped[int] = mapped_column(primary_key=True)
    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)


class ContentKeyword(Base):
    __tablename__ = "content_keyword"
    __table_args__ = (UniqueConstraint("content_id", "keyword_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    keyword_id: Mapped[int] = mapped_column(
        ForeignKey("keyword.id", ondelete="CASCADE"), index=True
    )


class Person(Base):
    """A person seen in any credit; `enriched_at` is set once `/person/{id}` was fetched."""

    __tablename__ = "person"
    # Two partial indexes keep the queue flat at millions of people: the waiting ones in queue
    # order, and the enriched ones by when (today's people share).
    __table_args__ = (
        Index(
            "ix_person_pending",
            "is_principal",
            "id",
            sqlite_where=text("enriched_at IS NULL"),
            postgresql_where=text("enriched_at IS NULL"),
        ),
        Index(
            "ix_person_enriched",
            "enriched_at",
            "enriched_bucket",
            sqlite_where=text("enriched_at IS NOT NULL"),
            postgresql_where=text("enriched_at IS NOT NULL"),
        ),
        Index("ix_person_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    original_name: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[int | None] = mapped_column(Integer)
    known_for_department: Mapped[str | None] = mapped_column(Text)
    profile_path: Mapped[str | None] = mapped_column(Text)
    popularity: Mapped[float | None] = mapped_column(Float)
    biography: Mapped[str | None] = mapped_column(Text)
    birthday: Mapped[date | None] = mapped_column(Date)
    deathday: Mapped[date | None] = mapped_column(Date)
    place_of_birth: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(Text)
    imdb_id: Mapped[str | None] = mapped_column(Text)
    facebook_id: Mapped[str | None] = mapped_column(Text)
    instagram_id: Mapped[str | None] = mapped_column(Text)
    twitter_id: Mapped[str | None] = mapped_column(Text)
    wikidata_id: Mapped[str | None] = mapped_column(Text)
    tiktok_id: Mapped[str | None] = mapped_column(Text)
    youtube_id: Mapped[str | None] = mapped_column(Text)
    is_principal: Mapped[bool] = mapped_column(Boolean, default=False)
    enriched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    enrich_error: Mapped[str | None] = mapped_column(String(200))
    enriched_bucket: Mapped[str | None] = mapped_column(String(8))
    checksum: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PersonAlias(Base):
    """A person's `also_known_as` names."""

    __tablename__ = "person_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    name: Mapped[str] = mapped_column(Text)


class PersonImage(Base):
    __tablename__ = "person_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    file_path: Mapped[str] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    aspect_ratio: Mapped[float | None] = mapped_column(Float)
    iso_639_1: Mapped[str | None] = mapped_column(Text)
    iso_3166_1: Mapped[str | None] = mapped_column(Text)
    vote_average: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)


class ContentCast(Base):
    __tablename__ = "content_cast"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    person_id: Mapped[int] = _person_fk()
    credit_id: Mapped[str | None] = mapped_column(Text)
    character: Mapped[str | None] = mapped_column(Text)
    cast_order: Mapped[int | None] = mapped_column(Integer)
    episode_count: Mapped[int | None] = mapped_column(Integer)
    """TV: episodes of this role over all seasons (`aggregate_credits`); NULL for movies."""


class ContentCrew(Base):
    __tablename__ = "content_crew"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    person_id: Mapped[int] = _person_fk()
    credit_id: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    job: Mapped[str | None] = mapped_column(Text)
    episode_count: Mapped[int | None] = mapped_column(Integer)


class ContentImage(Base):
    __tablename__ = "content_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    image_type: Mapped[str] = mapped_column(Text)
    file_path: Mapped[str] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    aspect_ratio: Mapped[float | None] = mapped_column(Float)
    iso_639_1: Mapped[str | None] = mapped_column(Text)
    iso_3166_1: Mapped[str | None] = mapped_column(Text)
    vote_average: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)


class ContentVideo(Base):
    __tablename__ = "content_video"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    tmdb_video_id: Mapped[str | None] = mapped_column(Text)
    video_key: Mapped[str | None] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(Text)
    video_type: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    official: Mapped[bool | None] = mapped_column(Boolean)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    iso_639_1: Mapped[str | None] = mapped_column(Text)
    iso_3166_1: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)


class ContentRating(Base):
    __tablename__ = "content_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    source: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int | None] = mapped_column(Integer)
    """`value` as a number from 0 to 100 ("7.8/10" -> 78, "96%" -> 96, "58/100" -> 58)."""


class ContentAward(Base):
    __tablename__ = "content_award"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(
        ForeignKey("content.id", ondelete="CASCADE"), unique=True
    )
    summary: Mapped[str | None] = mapped_column(Text)
    wins: Mapped[int | None] = mapped_column(Integer)
    nominations: Mapped[int | None] = mapped_column(Integer)


class ContentTrakt(Base):
    """Trakt's community numbers for a title: ratings and how much it is watched."""

    __tablename__ = "content_trakt"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(
        ForeignKey("content.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16))
    rating: Mapped[float | None] = mapped_column(Float)
    votes: Mapped[int | None] = mapped_column(Integer)
    distribution: Mapped[str | None] = mapped_column(Text)
    watchers: Mapped[int | None] = mapped_column(Integer)
    plays: Mapped[int | None] = mapped_column(Integer)
    collectors: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[int | None] = mapped_column(Integer)
    lists: Mapped[int | None] = mapped_column(Integer)
    favorited: Mapped[int | None] = mapped_column(Integer)
    recommended: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ContentSeason(Base):
    __tablename__ = "content_season"
    __table_args__ = (UniqueConstraint("content_id", "season_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = _content_fk()
    tmdb_id: Mapped[int | None] = mapped_column(Integer)
    season_number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    overview: Mapped[str | None] = mapped_column(Text)
    air_date: Mapped[date | None] = mapped_column(Date)
    episode_count: Mapped[int | None] = mapped_column(Integer)
    poster_path: Mapped[str | None] = mapped_column(Text)
    vote_average: Mapped[float | None] = mapped_column(Float)


class Episode(Base):
    __tablename__ = "episode"
    __table_args__ = (UniqueConstraint("season_id", "episode_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(
        ForeignKey("content_season.id", ondelete="CASCADE"), index=True
    )
    tmdb_id: Mapped[int | None] = mapped_column(Integer)
    episode_number: Mapped[int] = mapped_column(Integer)
    episode_type: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    overview: Mapped[str | None] = mapped_column(Text)
    air_date: Mapped[date | None] = mapped_column(Date)
    runtime: Mapped[int | None] = mapped_column(Integer)
    production_code: Mapped[str | None] = mapped_column(Text)
    still_path: Mapped[str | None] = mapped_column(Text)
    vote_average: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)


class EpisodeCast(Base):
    __tablename__ = "episode_cast"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = _episode_fk()
    person_id: Mapped[int] = _person_fk()
    credit_id: Mapped[str | None] = mapped_column(Text)
    character: Mapped[str | None] = mapped_column(Text)
    cast_order: Mapped[int | None] = mapped_column(Integer)
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)


class EpisodeCrew(Base):
    __tablename__ = "episode_crew"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = _episode_fk()
    person_id: Mapped[int] = _person_fk()
    credit_id: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    job: Mapped[str | None] = mapped_column(Text)


class ContentChangeLog(Base):
    """Progress through TMDb's daily change feed, once base sync of a kind is complete."""

    __tablename__ = "content_change_log"
    __table_args__ = (UniqueConstraint("type", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    is_completed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_completed_page: Mapped[int] = mapped_column(Integer, default=0)
    total_pages: Mapped[int | None] = mapped_column(Integer)
    refreshed: Mapped[int] = mapped_column(Integer, default=0)
    last_synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    end_day: Mapped[date | None] = mapped_column(Date)
    """The window's last day (up to 13 days after `day`); NULL on rows of one day."""
    notes: Mapped[str | None] = mapped_column(String(500))


class TitleQueue(Base):
    """Titles waiting for one details request, most popular first: ids an export listed that we
    do not hold (`new`), held ids the change feed named (`changed`), ids an export lists again
    after we marked them deleted (`returned`), and changed people (type `person`)."""

    __tablename__ = "title_queue"
    __table_args__ = (
        UniqueConstraint("type", "tmdb_id"),
        Index("ix_title_queue_order", "type", "popularity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    tmdb_id: Mapped[int] = mapped_column(Integer)
    popularity: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ExportLine(Base):
    """One line of the export file being applied (a staging area, empty between runs): the whole
    file is read in here first, so a file that breaks off changes nothing. UNLOGGED on
    PostgreSQL (migration 0011): its rows never outlive their transaction."""

    __tablename__ = "export_line"
    __table_args__ = (Index("ix_export_line_key", "type", "tmdb_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    tmdb_id: Mapped[int] = mapped_column(Integer)
    popularity: Mapped[float | None] = mapped_column(Float)
    adult: Mapped[bool] = mapped_column(Boolean, default=False)


class ExportLog(Base):
    """A daily ID export applied: one row per (type, day), so each file counts once."""

    __tablename__ = "export_log"
    __table_args__ = (UniqueConstraint("type", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    lines: Mapped[int] = mapped_column(Integer)
    queued: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[int] = mapped_column(Integer)
    returned: Mapped[int] = mapped_column(Integer)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiUsage(Base):
    """Requests reserved per provider, UTC day and bucket; incremented before each request."""

    __tablename__ = "api_usage"
    __table_args__ = (UniqueConstraint("provider", "day", "bucket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    bucket: Mapped[str] = mapped_column(String(8))
    requests: Mapped[int] = mapped_column(Integer, default=0)


class SkippedTitle(Base):
    """A discovered title we could not store (404, bad payload, a value the database refused).

    Page replays skip it; the retry step (sync/retry.py) asks again once `last_tried_at` is old
    enough, waiting longer after each of its `attempts`, and a title stored deletes its row.
    """

    __tablename__ = "skipped_title"
    __table_args__ = (UniqueConstraint("type", "tmdb_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    tmdb_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_tried_at: Mapped[datetime] = mapped_column(UtcDateTime())
    original_language: Mapped[str | None] = mapped_column(Text)
    """As discover listed it: a retry asks for images in that language too."""
    reason_code: Mapped[str] = mapped_column(String(16), default="unusable")
    """What kind of failure, for grouping (sync/deadletter.py: `not_found`, `server_error`,
    `timeout`, `unusable`, `id_mismatch`, `too_large`, `db_refused`); `reason` has the detail."""


class DeadLetter(Base):
    """A person, OMDb or Trakt item that kept failing: skipped_title's twin for the queues that
    are not titles, with the same reason codes and backoff (sync/deadletter.py).

    `type` is `'person'` (`tmdb_id` is the person's) or the title's kind for OMDb and Trakt
    (`tmdb_id` is the title's). The item's queue leaves it out until it is due again; a success
    deletes the row.
    """

    __tablename__ = "dead_letter"
    __table_args__ = (UniqueConstraint("provider", "type", "tmdb_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(8))
    type: Mapped[str] = mapped_column(String(8))
    tmdb_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    reason_code: Mapped[str] = mapped_column(String(16))
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_tried_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SyncLock(Base):
    """At most one running sync per database: a row per holder with a heartbeat."""

    __tablename__ = "sync_lock"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    holder: Mapped[str] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SyncRun(Base):
    """One `sync` run: written when it starts, finished when it ends.

    A row whose `finished_at` is NULL belongs to a run still going, or to one that died (SIGKILL,
    power cut): `status` tells the two apart with the run lock. `summary` holds the JSON document
    `sync --json` prints.
    """

    __tablename__ = "sync_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))
    exit_code: Mapped[int | None] = mapped_column(Integer)
    stop_reason: Mapped[str | None] = mapped_column(Text)
    titles_stored: Mapped[int] = mapped_column(Integer, default=0)
    titles_skipped: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(Text)
