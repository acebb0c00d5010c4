"""Retries cost quota, honestly, at the level of a whole sync.

tests/test_http_client.py covers one ApiClient.get; here the sync runs end to end and the ledger is
compared with what the fake API itself counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.reliability_support import (
    RecordingFake,
    done_ids,
    expected_ids,
    ledger_total,
    run_cli,
    settings_for,
    sync_env,
    sync_in_process,
)
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.db.models import ContentSyncLog
from tmdbsync.fakeapi import ScriptedResponse

MONTH = "2024-02"  # at scale 0.5: 30 movies on 2 pages, 2 shows
SCALE = 0.5


@pytest.fixture
def fake() -> Iterator[RecordingFake]:
    with RecordingFake(seed=42, scale=SCALE) as fake:
        yield fake


def sync_fresh(fake: RecordingFake, directory: Path, name: str, **overrides: object) -> int:
    """A complete sync of MONTH into a new SQLite file; returns the TMDb ledger total."""
    url = f"sqlite:///{directory / name}"
    engine = make_engine(url)
    upgrade(engine)
    settings = settings_for(fake, url, MONTH, MONTH, **({"people": "none"} | overrides))
    try:
        sync_in_process(settings, engine)
        for kind in ("movie", "tv"):
            assert done_ids(engine, kind) == expected_ids(fake.catalogue, kind, MONTH, MONTH)
        return ledger_total(engine)
    finally:
        engine.dispose()


def test_three_5xx_then_200_costs_four_requests(fake: RecordingFake, tmp_path: Path) -> None:
    baseline = sync_fresh(fake, tmp_path, "baseline.db")
    assert baseline == fake.stats()["tmdb"]

    fake.reset_stats()
    fake.requests.clear()
    first = fake.catalogue.month_ids("movie", 2024, 2)[0]
    fake.script(rf"^/3/movie/{first}$", [ScriptedResponse(status=503)] * 3)
    ledger = sync_fresh(fake, tmp_path, "retried.db")

    assert ledger == fake.stats()["tmdb"], "every attempt the API saw is in the ledger"
    assert ledger == baseline + 3, "the one request that failed three times cost four"
    assert fake.paths().count(f"/3/movie/{first}") == 4


def test_429_retry_after_holds_every_tmdb_request(fake: RecordingFake, tmp_path: Path) -> None:
    """Retry-After: 7 on the TV discover page: no TMDb request at all for 7 s, then the retry."""
    fake.script(r"^/3/discover/tv$", [ScriptedResponse(status=429, headers={"Retry-After": "7"})])
    ledger = sync_fresh(fake, tmp_path, "limited.db", people="principal")

    tmdb = [(at, path) for at, service, path, _ in fake.requests if service == "tmdb"]
    refused = next(at for at, path in tmdb if path == "/3/discover/tv")
    retried = [at for at, path in tmdb if path == "/3/discover/tv" and at > refused]
    assert retried[0] - refused >= 7.0
    # Requests already on the wire when the 429 came back may land just after it; nothing else.
    during = [path for at, path in tmdb if refused + 0.5 < at < refused + 7.0]
    assert not during, f"{len(during)} TMDb requests inside the Retry-After pause: {during[:3]}"
    assert ledger == fake.stats()["tmdb"]


def test_retry_after_beyond_the_maximum_stops_the_bucket(tmp_path: Path) -> None:
    """A Retry-After of an hour is not slept through: movies stop for the run, TV goes on."""
    url = f"sqlite:///{tmp_path / 'stopped.db'}"
    with RecordingFake(seed=42, scale=SCALE) as fake:
        fake.script(
            r"^/3/discover/movie$",
            [ScriptedResponse(status=429, headers={"Retry-After": "3600"})],
        )
        env = sync_env(fake, url, MONTH, MONTH, TMDBSYNC_MAX_RETRY_AFTER="5")
        result = run_cli(["sync"], env, tmp_path)  # its timeout is far below the hour asked for
        assert result.returncode == 0, result.stderr
        assert "rate limited for 3600 s" in result.stdout
        assert "every month up to TMDBSYNC_END is complete" in result.stdout  # TV
        assert fake.paths().count("/3/discover/movie") == 1, "the refused page was not retried"
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                rows = dict(
                    connection.execute(
                        select(ContentSyncLog.type, ContentSyncLog.last_completed_page)
                    )
                    .tuples()
                    .all()
                )
            assert rows.get("movie", 0) == 0
            assert done_ids(engine, "tv") == expected_ids(fake.catalogue, "tv", MONTH, MONTH)
            assert ledger_total(engine) == fake.stats()["tmdb"]
        finally:
            engine.dispose()
