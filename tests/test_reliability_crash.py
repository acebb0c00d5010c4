"""Crash anywhere: SIGKILL `tmdbsync sync` at random moments, rerun, and end where an
uninterrupted run ends.

After every kill the sync log must not be ahead of the data (every title of every completed page
is stored or recorded as skipped, no title half stored); the finished database must equal an
uninterrupted run's row for row (natural keys, no timestamps), with no duplicates; and the quota
ledger must never under-count what the fake API served, nor over-count by more than what was on
the wire when the process died.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.reliability_support import (
    Dump,
    canonical_dump,
    diff_dumps,
    done_ids,
    duplicates,
    expected_ids,
    half_stored,
    log_ahead_of_data,
    quiet_fake_server,
    run_cli,
    spawn,
    sync_env,
)
from tmdbsync.db.engine import make_engine
from tmdbsync.db.models import ApiUsage, SyncLock
from tmdbsync.fakeapi import FakeApi
from tmdbsync.quota import lease_size
from tmdbsync.settings import Settings

# Two months of movies (1 + 2 discover pages, one title that 404s) and two shows with seasons: about
# 290 requests, most of them people. Small enough that 20+ kills, each paying a process start-up,
# stay quick; every phase (discover, details, page and month advance, OMDb, people) still gets hit.
START, END, SCALE = "2024-01", "2024-02", 0.35
SETTINGS = {"TMDBSYNC_PEOPLE": "principal", "TMDBSYNC_PRINCIPAL_CAST": "2"}
MIN_KILLS = 20
# the default TMDBSYNC_CONCURRENCY: requests that can be on the wire at once
CONCURRENCY: int = Settings.model_fields["concurrency"].default
# Above 20 requests/s the ledger reserves lease_size(CONCURRENCY) requests per commit per bucket
# and gives back the unused ones at the end of a run; a kill loses that give-back. So per kill the
# ledger may exceed what was sent by what was on the wire plus up to lease - 1 per bucket.
OVER_COUNT_PER_KILL = CONCURRENCY + 2 * (lease_size(CONCURRENCY) - 1)


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet_fake_server(monkeypatch)


def usage(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(ApiUsage.provider, func.sum(ApiUsage.requests)).group_by(ApiUsage.provider)
        )
        return {provider: int(total) for provider, total in rows.tuples()}


def served(fake: FakeApi) -> dict[str, int]:
    stats = fake.stats()
    return {"tmdb": int(stats["tmdb"]), "omdb": int(stats["omdb"])}


def wait_for_requests(
    fake: FakeApi, process: subprocess.Popen[str], total: int, limit: float = 10.0
) -> None:
    """Until the fake has served `total` requests in all or the process exited."""
    deadline = time.monotonic() + limit
    while fake.stats()["requests"] < total and process.poll() is None:
        if time.monotonic() > deadline:
            return
        time.sleep(0.002)


def kill_until_done(
    fake: FakeApi,
    env: dict[str, str],
    cwd: Path,
    engine: Engine,
    rng: random.Random,
    *,
    span: int,
    points: int = MIN_KILLS,
    after_each_kill: list[str],
) -> int:
    """Run the sync again and again, SIGKILLing it at random moments, until it exits 0.

    Every fifth kill lands within a random 0.05-1 s of the start (or at its first request), so
    some land in start-up and migration. The others fall at `points` random points spread over
    the `span` requests an uninterrupted run sends: when the fake's total reaches the next point
    (at least one request of this run), plus up to 50 ms, so kills land mid-request, mid-title and
    mid-page advance all along the run. Counting points in requests, not seconds, keeps the kills
    at `points` or more however fast the machine is and whatever each restart redoes. Returns
    the number of kills.
    """
    marks = sorted(rng.sample(range(1, span), points))
    kills = 0
    for attempt in range(300):
        process = spawn(["sync"], env, cwd)
        now = fake.stats()["requests"]
        # Once the kill points are spent, the rest of the run goes uninterrupted.
        kill = attempt % 5 == 0 or bool(marks)
        if attempt % 5 == 0:
            wait_for_requests(fake, process, now + 1, limit=rng.uniform(0.05, 1.0))
        elif marks:
            wait_for_requests(fake, process, max(marks.pop(0), now + 1), limit=60)
            time.sleep(rng.uniform(0.0, 0.05))
        if kill and process.poll() is None:
            process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate()
        if process.returncode == -signal.SIGKILL:
            kills += 1
            after_each_kill.extend(log_ahead_of_data(engine, fake.catalogue))
            if (broken := half_stored(engine)) != 0:
                after_each_kill.append(f"{broken} content rows without synced_at")
            continue
        assert process.returncode == 0, stderr
        return kills
    raise AssertionError("the sync never finished")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dump, int]]:
    """The canonical dump of an uninterrupted run on its own fake, and how many requests it sent."""
    directory = tmp_path_factory.mktemp("reference")
    url = f"sqlite:///{directory / 'reference.db'}"
    with FakeApi(seed=42, scale=SCALE) as fake:
        result = run_cli(["sync"], sync_env(fake, url, START, END, **SETTINGS), directory)
        assert result.returncode == 0, result.stderr
        engine = make_engine(url)
        try:
            ledger = usage(engine)
            assert ledger == served(fake), "an uninterrupted run counts exactly what was sent"
            yield canonical_dump(engine), fake.stats()["requests"]
        finally:
            engine.dispose()


@pytest.mark.slow
def test_sigkill_anywhere_ends_like_an_uninterrupted_run(
    reference: tuple[Dump, int], database_url: str, tmp_path: Path
) -> None:
    reference_dump, reference_requests = reference
    rng = random.Random(20240101)
    problems: list[str] = []
    with FakeApi(seed=42, scale=SCALE, latency=0.02) as fake:
        env = sync_env(fake, database_url, START, END, **SETTINGS)
        engine = make_engine(database_url)
        try:
            # The first process creates the schema; the checks after each kill need it.
            run_cli(["db", "upgrade"], env, tmp_path).check_returncode()
            kills = kill_until_done(
                fake, env, tmp_path, engine, rng, span=reference_requests, after_each_kill=problems
            )
            assert not problems, "state got ahead of data:\n" + "\n".join(problems[:10])
            assert kills >= MIN_KILLS, f"only {kills} kills before the sync finished"

            dump = canonical_dump(engine)
            # Only the copies the catalogue itself sends twice (none at this slice), none made
            # by a rerun.
            assert duplicates(dump) == duplicates(reference_dump)
            assert not (differences := diff_dumps(reference_dump, dump)), "\n".join(differences)
            for kind in ("movie", "tv"):
                assert expected_ids(fake.catalogue, kind, START, END) == done_ids(engine, kind)

            ledger, sent = usage(engine), served(fake)
            for provider in ("tmdb", "omdb"):
                # Reserved before sending: never below what the API saw; above it by at most
                # what each kill left reserved and unsent.
                assert sent[provider] <= ledger[provider], (provider, ledger, sent)
                assert ledger[provider] - sent[provider] <= kills * OVER_COUNT_PER_KILL
            with engine.connect() as connection:
                assert not connection.execute(select(SyncLock.holder)).all(), "lock left behind"
        finally:
            engine.dispose()


@pytest.mark.slow
def test_sigkill_never_spends_above_the_quota(tmp_path: Path) -> None:
    """Under a daily quota, killed and restarted runs together stay within it."""
    quota = 150
    url = f"sqlite:///{tmp_path / 'quota.db'}"
    rng = random.Random(7)
    problems: list[str] = []
    with FakeApi(seed=42, scale=SCALE, latency=0.02) as fake:
        env = sync_env(
            fake,
            url,
            START,
            END,
            TMDBSYNC_TMDB_DAILY_QUOTA=str(quota),
            TMDBSYNC_OMDB_DAILY_QUOTA=str(quota // 3),
            **SETTINGS,
        )
        engine = make_engine(url)
        try:
            run_cli(["db", "upgrade"], env, tmp_path).check_returncode()
            kill_until_done(
                fake, env, tmp_path, engine, rng, span=quota, points=8, after_each_kill=problems
            )
            assert not problems
            ledger, sent = usage(engine), served(fake)
            assert sent["tmdb"] <= ledger["tmdb"] <= quota
            assert sent["omdb"] <= ledger["omdb"] <= quota // 3
            # The quota ran out before the catalogue did: the last run said so and exited 0.
            again = run_cli(["sync"], env, tmp_path)
            assert again.returncode == 0, again.stderr
            assert "quota" in again.stdout
            assert served(fake)["tmdb"] == sent["tmdb"], "a spent quota sends nothing"
        finally:
            engine.dispose()
