"""Two `tmdbsync sync` processes on one database: one syncs, the other says so and leaves.

No discover page is fetched twice, the quota is not overspent, and the data is what one run alone
would store.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from tests.reliability_support import (
    RecordingFake,
    canonical_dump,
    done_ids,
    duplicates,
    expected_ids,
    ledger_total,
    quiet_fake_server,
    run_cli,
    settings_for,
    spawn,
    sync_env,
)
from tmdbsync.db.engine import make_engine
from tmdbsync.db.models import SyncLock
from tmdbsync.errors import AlreadyRunning
from tmdbsync.settings import Settings
from tmdbsync.sync import orchestrator
from tmdbsync.sync.orchestrator import sync_contents

START, END, SCALE = "2024-02", "2024-02", 0.5
QUOTA = 400


@pytest.mark.slow
def test_two_syncs_started_together_on_a_new_database(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both migrate at once (the second waits for the first), then one gets the run lock."""
    two_syncs(database_url, tmp_path, monkeypatch, migrated=False)


def test_a_sync_started_during_another_leaves(
    sqlite_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_syncs(sqlite_database_url, tmp_path, monkeypatch, migrated=True)


def two_syncs(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, migrated: bool
) -> None:
    quiet_fake_server(monkeypatch)
    with RecordingFake(seed=42, scale=SCALE, latency=0.05) as fake:
        env = sync_env(fake, database_url, START, END, TMDBSYNC_TMDB_DAILY_QUOTA=str(QUOTA))
        if migrated:
            run_cli(["db", "upgrade"], env, tmp_path).check_returncode()
        first = spawn(["sync"], env, tmp_path)
        if migrated:  # the second starts once the first holds the lock and sends requests
            fake.wait_for(1, timeout=20)
        second = spawn(["sync"], env, tmp_path)
        outcomes = []
        for process in (first, second):
            stdout, stderr = process.communicate(timeout=120)
            outcomes.append((process.returncode, stdout, stderr))

        codes = sorted(code for code, _, _ in outcomes)
        assert codes[0] == 0, outcomes
        assert codes[1] != 0, outcomes
        # The other one said why, in one line, and left (a fresh database: after waiting for
        # the first to create the schema, not failing on it).
        _, _, stderr = next(o for o in outcomes if o[0] != 0)
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1, stderr
        assert "another tmdbsync sync" in lines[0], lines
        assert "is running" in lines[0], lines

        assert all(n == 1 for n in fake.discover_pages().values()), fake.discover_pages()
        engine = make_engine(database_url)
        try:
            assert fake.stats()["tmdb"] <= ledger_total(engine) <= QUOTA
            for kind in ("movie", "tv"):
                assert done_ids(engine, kind) == expected_ids(fake.catalogue, kind, START, END)
            assert not duplicates(canonical_dump(engine))
            with engine.connect() as connection:
                assert not connection.execute(select(SyncLock.holder)).all()
        finally:
            engine.dispose()


def test_a_sync_that_lost_its_lock_stops(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock beats in the background, however slow the work; taken over, the sync stops."""
    monkeypatch.setattr(orchestrator, "HEARTBEAT", timedelta(seconds=0.2))
    beats: list[object] = []
    taken: list[object] = []

    def read_lock() -> tuple[str, object] | None:
        with sqlite_engine.connect() as connection:
            row = connection.execute(select(SyncLock.holder, SyncLock.heartbeat_at)).first()
            return None if row is None else (row.holder, row.heartbeat_at)

    def take_over() -> object:
        """Another run takes the lock; its heartbeat is whatever the row held at that moment."""
        with sqlite_engine.begin() as connection:
            connection.execute(update(SyncLock).values(holder="elsewhere:1"))
            return connection.scalar(select(SyncLock.heartbeat_at))

    async def scenario(fake: RecordingFake, settings: Settings) -> int:
        """How many of the sync's requests were still unanswered when it stopped."""
        sync = asyncio.create_task(sync_contents(settings, sqlite_engine))
        for _ in range(10):  # a slow fake: one page takes longer than this
            await asyncio.sleep(0.1)
            beats.append(await asyncio.to_thread(read_lock))
        fake.latency = 3600  # from here on, nothing is answered before the test ends
        await asyncio.to_thread(fake.wait_for, len(fake.requests) + 1)  # one is on the wire
        taken.append(await asyncio.to_thread(take_over))
        with pytest.raises(AlreadyRunning, match="lost the run lock"):
            await sync
        return len(fake.requests) - int(fake.stats()["requests"])

    with RecordingFake(seed=42, scale=SCALE, latency=0.3) as fake:
        url = sqlite_engine.url.render_as_string(hide_password=False)
        unanswered = asyncio.run(scenario(fake, settings_for(fake, url, START, END)))
    assert unanswered > 0, "the sync stopped at the next beat, not once its requests came back"
    assert len({beat for beat in beats if beat is not None}) >= 3, "the heartbeat moved on"
    # the stopped sync wrote nothing after the takeover, not even one last beat (a beat between
    # the last read above and the takeover is fine: it was still ours then)
    assert read_lock() == ("elsewhere:1", taken[0]), "the new holder keeps its lock"
