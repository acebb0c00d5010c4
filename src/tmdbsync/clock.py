"""The clock rows are stamped with: aware UTC. The default `now` wherever a time is written;
tests pass their own."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
