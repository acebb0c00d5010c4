"""A title's child rows from its appends: companies, releases, genres, images, …."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, ImageColumns, UtcDateTime, parent_fk


class _OrganisationColumns:
    """TMDb lists production companies and TV networks with the same fields."""

    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    logo_path: Mapped[str | None] = mapped_column(Text)
    origin_country: Mapped[str | None] = mapped_column(Text)


class Company(_OrganisationColumns, Base):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)


class ContentCompany(Base):
    __tablename__ = "content_company"
    __table_args__ = (UniqueConstraint("content_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    company_id: Mapped[int] = parent_fk("company")


class Network(_OrganisationColumns, Base):
    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)


class ContentNetwork(Base):
    __tablename__ = "content_network"
    __table_args__ = (UniqueConstraint("content_id", "network_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    network_id: Mapped[int] = parent_fk("network")


class ContentCreator(Base):
    """A show's `created_by`: creators are not in its crew."""

    __tablename__ = "content_creator"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    person_id: Mapped[int] = parent_fk("person")
    credit_id: Mapped[str | None] = mapped_column(Text)


class ContentCountry(Base):
    """`kind` is 'production' (production_countries) or 'origin' (origin_country)."""

    __tablename__ = "content_country"
    __table_args__ = (UniqueConstraint("content_id", "iso_3166_1", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    iso_3166_1: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))


class ContentLanguage(Base):
    """Movie `spoken_languages`, TV `languages`."""

    __tablename__ = "content_language"
    __table_args__ = (UniqueConstraint("content_id", "iso_639_1"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    iso_639_1: Mapped[str] = mapped_column(Text)


class ContentRelease(Base):
    """Movie `release_dates` (one row per entry) or TV `content_ratings` (one per country)."""

    __tablename__ = "content_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    iso_3166_1: Mapped[str] = mapped_column(Text)
    release_type: Mapped[int | None] = mapped_column(Integer)
    release_date: Mapped[datetime | None] = mapped_column(UtcDateTime())
    certification: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    iso_639_1: Mapped[str | None] = mapped_column(Text)


class ContentTranslation(Base):
    __tablename__ = "content_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
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
    content_id: Mapped[int] = parent_fk("content")
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
    content_id: Mapped[int] = parent_fk("content")
    provider_id: Mapped[int] = parent_fk("watch_provider")
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
    content_id: Mapped[int] = parent_fk("content")
    genre_id: Mapped[int] = parent_fk("genre")


class Keyword(Base):
    __tablename__ = "keyword"

    id: Mapped[int] = mapped_column(primary_key=True)
    tmdb_id: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str | None] = mapped_column(Text)


class ContentKeyword(Base):
    __tablename__ = "content_keyword"
    __table_args__ = (UniqueConstraint("content_id", "keyword_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    keyword_id: Mapped[int] = parent_fk("keyword")


class ContentImage(ImageColumns, Base):
    __tablename__ = "content_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
    image_type: Mapped[str] = mapped_column(Text)


class ContentVideo(Base):
    __tablename__ = "content_video"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
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
