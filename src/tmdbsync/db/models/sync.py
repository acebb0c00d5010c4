"""Bookkeeping of the sync itself: discover progress, the quota ledger, the lock, runs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime, parent_fk


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
    log_id: Mapped[int] = parent_fk("content_sync_log")
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


class ApiUsage(Base):
    """Requests reserved per provider, UTC day and bucket; incremented before each request."""

    __tablename__ = "api_usage"
    __table_args__ = (UniqueConstraint("provider", "day", "bucket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    bucket: Mapped[str] = mapped_column(String(8))
    requests: Mapped[int] = mapped_column(Integer, default=0)


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
