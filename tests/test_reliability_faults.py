"""Faults: 5 % 5xx, 2 % hung requests, 1 % connection resets, 1 % malformed bodies.

One run completes anyway (max_retries 5), stores every title that exists, and no attempt outlives
its timeout by more than a second.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from tests.reliability_support import (
    done_ids,
    expected_ids,
    ledger_total,
    quiet_fake_server,
    settings_for,
    sync_in_process,
)
from tmdbsync.db.models import Content, ContentSyncLog, SkippedTitle
from tmdbsync.fakeapi import FakeApi, Faults
from tmdbsync.http import ApiClient

START, END, SCALE = "2024-02", "2024-02", 0.5
TIMEOUT = 1.0


def test_sync_completes_through_faults(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    quiet_fake_server(monkeypatch)
    durations: list[float] = []
    send = ApiClient._send

    async def timed(self: ApiClient, path: str, query: dict[str, str]) -> Any:
        started = time.monotonic()
        try:
            return await send(self, path, query)
        finally:
            durations.append(time.monotonic() - started)

    monkeypatch.setattr(ApiClient, "_send", timed)
    faults = Faults(
        error_rate=0.05,
        timeout_rate=0.02,
        reset_rate=0.01,
        malformed_rate=0.01,
        timeout_seconds=TIMEOUT + 3,
        seed=5,
    )
    with FakeApi(seed=42, scale=SCALE, faults=faults) as fake:
        url = engine.url.render_as_string(hide_password=False)
        settings = settings_for(
            fake,
            url,
            START,
            END,
            http_timeout=TIMEOUT,
            max_retries=5,
            principal_cast=2,
        )
        summary = sync_in_process(settings, engine)
        stats = fake.stats()

    by_status = stats["by_status"]
    assert by_status.get("timeout", 0) >= 1
    assert by_status.get("reset", 0) >= 1
    assert sum(by_status.get(str(code), 0) for code in (500, 502, 503, 504)) >= 5
    assert all("gave up" not in t.stopped for t in (summary.movie, summary.tv)), summary
    for kind in ("movie", "tv"):
        assert done_ids(engine, kind) == expected_ids(fake.catalogue, kind, START, END)
    with engine.connect() as connection:
        assert (
            connection.scalar(select(func.count()).where(ContentSyncLog.is_completed.is_(False)))
            == 0
        )
        # Only the titles the catalogue deletes were skipped, none for a transient fault.
        reasons = connection.scalars(select(SkippedTitle.reason)).all()
        assert all(reason.startswith("404") for reason in reasons), reasons
        pending = connection.scalar(
            select(func.count()).where(Content.omdb_status.is_(None), Content.imdb_id.is_not(None))
        )
        assert pending == 0, "OMDb got through its faults too"
    assert max(durations) <= TIMEOUT + 1.0, sorted(durations)[-5:]
    assert ledger_total(engine) + ledger_total(engine, "omdb") == stats["requests"]
