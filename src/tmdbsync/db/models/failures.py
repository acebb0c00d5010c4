"""What kept failing, kept apart so page replays and queues skip it until it is due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


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
