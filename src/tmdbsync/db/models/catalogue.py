"""Keeping the catalogue current: the change feed, daily exports and the title queue."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


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
