"""Deleted and missing: a title gone between discover and details, a rejected key, OMDb's limit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.reliability_support import (
    RecordingFake,
    done_ids,
    expected_ids,
    run_cli,
    settings_for,
    sync_env,
    sync_in_process,
)
from tmdbsync.db.engine import make_engine
from tmdbsync.db.models import Content, ContentSyncLog, DeadLetter, SkippedTitle
from tmdbsync.fakeapi import ScriptedResponse
from tmdbsync.settings import Settings

SCALE = 0.5
MONTH = "2024-01"  # 24 movies at scale 0.5, one of them (16000) answers 404 on details
GONE = 16000
CONCURRENCY: int = Settings.model_fields["concurrency"].default  # requests on the wire at once


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_title_deleted_after_discover_is_recorded_and_not_asked_again(engine: Engine) -> None:
    with RecordingFake(seed=42, scale=SCALE) as fake:
        assert fake.catalogue.is_gone("movie", GONE)
        listed = fake.catalogue.month_ids("movie", 2024, 1)
        also_gone = listed[3]  # another one, deleted by the script below
        fake.script(rf"^/3/movie/{also_gone}$", [ScriptedResponse(status=404)])
        settings = settings_for(
            fake, url_of(engine), MONTH, MONTH, people="none", follow_changes=False
        )

        # "Today" is 2024-02-10: January is recent, so the next day's run lists it again.
        day = datetime(2024, 2, 10, 12, tzinfo=UTC)
        sync_in_process(settings, engine, kinds=("movie",), now=lambda: day)
        with engine.connect() as connection:
            skipped = dict(
                connection.execute(select(SkippedTitle.tmdb_id, SkippedTitle.reason)).tuples().all()
            )
        assert set(skipped) == {GONE, also_gone}
        assert all("404" in reason for reason in skipped.values())
        assert done_ids(engine, "movie") == set(listed)

        fake.requests.clear()
        next_day = datetime(2024, 2, 11, 12, tzinfo=UTC)
        sync_in_process(settings, engine, kinds=("movie",), now=lambda: next_day)
        paths = fake.paths()
        assert "/3/discover/movie" in paths, "the recent month was listed again"
        assert f"/3/movie/{GONE}" not in paths
        assert f"/3/movie/{also_gone}" not in paths
        assert not [p for p in paths if p.startswith("/3/movie/")], (
            "stored titles are not re-fetched"
        )


def test_rejected_key_stops_at_once_with_one_line_and_nothing_advanced(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'key.db'}"
    with RecordingFake(seed=42, scale=SCALE) as fake:
        env = sync_env(fake, url, MONTH, "2024-02", tmdb_key="wrong-key-0123456789")
        result = run_cli(["sync"], env, tmp_path)
        assert result.returncode == 2
        lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        assert "HTTP 401" in lines[0]
        assert "Invalid API key" in lines[0]
        assert "wrong-key-0123456789" not in result.stderr + result.stdout
        assert len(fake.paths()) == 1, "the first 401 ends the run"
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                advanced = connection.scalar(
                    select(func.coalesce(func.sum(ContentSyncLog.last_completed_page), 0))
                )
                stored = connection.scalar(select(func.count()).select_from(Content))
            assert (advanced, stored) == (0, 0)
        finally:
            engine.dispose()


def test_key_revoked_mid_page_stops_without_advancing_the_page(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'revoked.db'}"
    with RecordingFake(seed=42, scale=SCALE) as fake:
        victim = fake.catalogue.month_ids("movie", 2024, 1)[5]
        fake.script(rf"^/3/movie/{victim}$", [ScriptedResponse(status=401)])
        result = run_cli(["sync"], sync_env(fake, url, MONTH, MONTH), tmp_path)
        assert result.returncode == 2
        assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1
        assert "Traceback" not in result.stderr
        assert "HTTP 401" in result.stderr
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                pages = connection.scalars(select(ContentSyncLog.last_completed_page)).all()
            # the TV turn overlapping the movie page may have opened its month: none advanced
            assert set(pages) == {0}, "the page with the refused title is not advanced"
            assert victim not in done_ids(engine, "movie")
        finally:
            engine.dispose()


@pytest.mark.parametrize("limit", [5])
def test_omdb_limit_pauses_omdb_only(engine: Engine, limit: int) -> None:
    with RecordingFake(seed=42, scale=SCALE) as fake:
        fake.set_omdb_daily_limit(limit)
        settings = settings_for(
            fake, url_of(engine), MONTH, "2024-02", people="none", follow_changes=False
        )
        summary = sync_in_process(settings, engine)
        assert all(
            t.stopped == "every month up to TMDBSYNC_END is complete"
            for t in (summary.movie, summary.tv)
        ), summary
        for kind in ("movie", "tv"):
            assert done_ids(engine, kind) == expected_ids(fake.catalogue, kind, MONTH, "2024-02")

        def pending() -> int:
            with engine.connect() as connection:
                return int(
                    connection.scalar(
                        select(func.count()).where(
                            Content.omdb_status.is_(None), Content.imdb_id.is_not(None)
                        )
                    )
                    or 0
                )

        waiting = pending()
        assert waiting > 0, "titles wait for OMDb"
        omdb_sent = fake.stats()["omdb"]
        # Stopped at the first "Request limit reached!" (plus what was on the wire then).
        assert omdb_sent <= limit + 1 + CONCURRENCY, omdb_sent

        # A later run (OMDb's day rolled over) picks them up and asks TMDb for nothing new.
        fake.set_omdb_daily_limit(None)
        fake.requests.clear()
        sync_in_process(settings, engine)
        assert pending() == 0
        assert not [p for p in fake.paths() if p.startswith(("/3/movie/", "/3/tv/"))]
        assert len(fake.paths("omdb")) >= waiting


def test_omdb_refusing_one_title_marks_it_and_goes_on(engine: Engine) -> None:
    """An OMDb answer about one title that we cannot use (an error we have no name for, a 400)
    marks that title; it must not stop the run, nor head the queue and stall OMDb every day."""
    with RecordingFake(seed=42, scale=SCALE) as fake:
        fake.script(
            r"^/omdb/$",
            [
                ScriptedResponse(
                    status=200, body={"Response": "False", "Error": "Something went wrong."}
                ),
                ScriptedResponse(status=400),
            ],
        )
        settings = settings_for(
            fake, url_of(engine), MONTH, MONTH, people="none", follow_changes=False
        )
        summary = sync_in_process(settings, engine, kinds=("movie",))
        assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete", summary
        with engine.connect() as connection:
            statuses = dict(
                connection.execute(
                    select(Content.omdb_status, func.count()).group_by(Content.omdb_status)
                )
                .tuples()
                .all()
            )
            dead = (
                connection.execute(
                    select(DeadLetter.provider, DeadLetter.reason_code, DeadLetter.attempts)
                )
                .tuples()
                .all()
            )
        assert dead == [("omdb", "rejected", 1)] * 2, dead
        assert statuses.get(None) == 2, "every other title got its OMDb answer"

        fake.requests.clear()
        sync_in_process(settings, engine, kinds=("movie",))
        assert not fake.paths("omdb"), "marked titles are not asked again every day"
