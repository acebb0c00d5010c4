"""The titles themselves: movies and shows, their collections, seasons and episodes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime, parent_fk, partial_index

_IMDB = "imdb_id IS NOT NULL"


class Content(Base):
    """A movie or a TV show; `synced_at` is set in the same transaction as its child rows."""

    __tablename__ = "content"
    __table_args__ = (
        UniqueConstraint("type", "tmdb_id"),
        # Partial (migration 0012): an update PostgreSQL cannot make in place writes to every
        # index, so these hold only the rows they are asked for; the queues read them in order.
        partial_index(
            "ix_content_omdb_pending", "type", "id", where=f"omdb_status IS NULL AND {_IMDB}"
        ),
        partial_index(
            "ix_content_trakt_pending", "type", "id", where=f"trakt_status IS NULL AND {_IMDB}"
        ),
        partial_index("ix_content_imdb_id", "imdb_id", where=_IMDB),
        partial_index(
            "ix_content_collection_id", "collection_id", where="collection_id IS NOT NULL"
        ),
        # what apps ask: by title, newest releases, most popular
        Index("ix_content_title", "title"),
        Index("ix_content_type_release_date", "type", "release_date"),
        Index("ix_content_type_popularity", "type", "popularity"),
        Index("ix_content_synced", "type", "synced_at"),
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
    imdb_id: Mapped[str | None] = mapped_column(Text)
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
        ForeignKey("collection.id", ondelete="SET NULL")
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


class ContentSeason(Base):
    __tablename__ = "content_season"
    __table_args__ = (UniqueConstraint("content_id", "season_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
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
    season_id: Mapped[int] = parent_fk("content_season")
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
