"""What OMDb and Trakt add to a title: ratings, awards, community numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime, parent_fk


class ContentRating(Base):
    __tablename__ = "content_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = parent_fk("content")
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
