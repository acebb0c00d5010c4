"""Faults: 5 % 5xx, 2 % hung requests, 1 % connection resets, 1 % malformed bodies.

One run completes anyway (max_retries 5), stores every title that exists, and every request the
fake held back was ended by the client's own deadline.
"""

from __future__ import annotations

import logging

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

START, END, SCALE = "2024-02", "2024-02", 0.5
TIMEOUT = 1.0


def test_sync_completes_through_faults(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_fake_server(monkeypatch)
    caplog.set_level(logging.DEBUG, logger="tmdbsync.http")  # one `request` record an attempt
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
    assert not summary.movie.failing, summary
    assert not summary.tv.failing, summary
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
    # The fake holds a hung request for TIMEOUT + 3 s, then hangs up: only a deadline cuts it
    # (ours, "no complete response within", or httpx's read timeout).
    answers = [
        str(getattr(record, "status", ""))
        for record in caplog.records
        if getattr(record, "event", None) == "request"
    ]
    cut = [answer for answer in answers if "within" in answer or "Timeout" in answer]
    assert len(cut) >= by_status["timeout"], (cut, by_status)
    assert ledger_total(engine) + ledger_total(engine, "omdb") == stats["requests"]
