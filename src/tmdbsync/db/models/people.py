"""People and the credits that link them to titles and episodes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, ImageColumns, UtcDateTime, parent_fk, partial_index


class Person(Base):
    """A person seen in any credit; `enriched_at` is set once `/person/{id}` was fetched."""

    __tablename__ = "person"
    # Partial indexes keep the queue flat at millions of people: the waiting ones in queue
    # order, the enriched ones by when (today's people share), and the few marked deleted.
    __table_args__ = (
        partial_index("ix_person_pending", "is_principal", "id", where="enriched_at IS NULL"),
        partial_index(
            "ix_person_enriched", "enriched_at", "enriched_bucket", where="enriched_at IS NOT NULL"
        ),
        Index("ix_person_name", "name"),
        partial_index("ix_person_deleted", "deleted_at", where="deleted_at IS NOT NULL"),
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
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """When TMDb stopped knowing them (two person exports without them, or a 404); rows stay."""
    export_misses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PersonAlias(Base):
    """A person's `also_known_as` names."""

    __tablename__ = "person_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = parent_fk("person")
    name: Mapped[str] = mapped_column(Text)


class PersonImage(ImageColumns, Base):
    __tablename__ = "person_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = parent_fk("person")


class _CastColumns:
    """A role, the same on a title and on an episode; the table puts its parent's key before
    these and its own extras after them (`sort_order`), keeping the column order of 0001."""

    person_id: Mapped[int] = parent_fk("person")
    credit_id: Mapped[str | None] = mapped_column(Text)
    character: Mapped[str | None] = mapped_column(Text)
    cast_order: Mapped[int | None] = mapped_column(Integer)


class _CrewColumns:
    """A job, the same on a title and on an episode (placed like `_CastColumns`)."""

    person_id: Mapped[int] = parent_fk("person")
    credit_id: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    job: Mapped[str | None] = mapped_column(Text)


class ContentCast(_CastColumns, Base):
    __tablename__ = "content_cast"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    episode_count: Mapped[int | None] = mapped_column(Integer, sort_order=1)
    """TV: episodes of this role over all seasons (`aggregate_credits`); NULL for movies."""


class ContentCrew(_CrewColumns, Base):
    __tablename__ = "content_crew"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    episode_count: Mapped[int | None] = mapped_column(Integer, sort_order=1)


class EpisodeCast(_CastColumns, Base):
    __tablename__ = "episode_cast"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = parent_fk("episode")
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False, sort_order=1)


class EpisodeCrew(_CrewColumns, Base):
    __tablename__ = "episode_crew"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = parent_fk("episode")
