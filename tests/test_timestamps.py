"""One timestamp format on both backends: stored in UTC, read back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Engine, select, update

from tmdbsync.db.models import Content
from tmdbsync.store import Store
from tmdbsync.sync.bundle import build_bundle


def test_a_moment_comes_back_aware_in_utc_whatever_zone_it_was_given_in(engine: Engine) -> None:
    paris = timezone(timedelta(hours=1))
    given = datetime(2024, 3, 1, 13, 30, tzinfo=paris)
    content_id = Store(engine, now=lambda: given).titles.save(
        build_bundle("movie", {"id": 5, "title": "x"})
    )
    with engine.begin() as connection:
        synced = connection.scalar(select(Content.synced_at).where(Content.id == content_id))
        assert synced == given
        assert synced.tzinfo is not None
        assert synced.utcoffset() == timedelta(0)
        assert synced.isoformat() == "2024-03-01T12:30:00+00:00"
        # a naive value is taken as UTC
        connection.execute(
            update(Content).where(Content.id == content_id).values(synced_at=datetime(2024, 1, 2))  # noqa: DTZ001 - a naive value on purpose
        )
        assert connection.scalar(select(Content.synced_at)) == datetime(2024, 1, 2, tzinfo=UTC)
