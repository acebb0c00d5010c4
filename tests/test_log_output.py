"""Output that reads in a log: off a terminal a line per finished page, step and stop;
`--log-format json` the same events as JSON lines with the fields README documents."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.reliability_support import quiet_fake_server, run_cli, sync_env
from tests.sync_support import fake_settings, rows, run
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.faults import ScriptedResponse
from tmdbsync.sync.events import EventLog, EventProgress

PAGE_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d movie 2024-01 page 1: (\d+) stored, (\d+) skipped "
    r"in [\d.]+ s \[[\d.]+ s\]$",
    re.MULTILINE,
)
EVENT_FIELDS = {
    "run_started": {"run_id", "mode", "kinds"},
    "page_done": {"kind", "month", "page", "total_pages", "stored", "skipped", "seconds"},
    "title_skipped": {"kind", "tmdb_id", "reason", "skipped"},
    "quota_spent": {"kind", "reason"},
    "stopped": {"kind", "reason", "stored", "skipped"},
    "run_finished": {"run_id", "exit_code", "stop_reason", "titles_stored", "requests"},
    "request": {"provider", "status", "ms", "message"},
}


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet_fake_server(monkeypatch)


def test_off_a_terminal_each_finished_page_is_a_line_with_counts_and_time(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    env = sync_env(fake_api, f"sqlite:///{tmp_path / 'm.db'}", "2024-01", "2024-01", COLUMNS="80")
    result = run_cli(["sync", "--max-pages", "3"], env, tmp_path)

    assert result.returncode == 0, result.stderr
    [(stored, skipped)] = PAGE_LINE.findall(result.stderr)
    assert int(stored) + int(skipped) == 20
    assert "movie stopped: page limit of 3 reached" in result.stderr
    assert re.search(r"sync run 1 finished, exit 0: .*\d+ requests", result.stderr)
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout


def test_json_log_lines_parse_and_carry_the_documented_fields(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    """A title that 404s, a quota that runs out, `-v` request lines: every line is JSON."""
    fake_api.script(r"^/3/movie/\d+$", [ScriptedResponse(status=404)])
    env = sync_env(
        fake_api,
        f"sqlite:///{tmp_path / 'm.db'}",
        "2024-01",
        "2024-02",
        TMDBSYNC_TMDB_DAILY_QUOTA="60",
    )
    result = run_cli(["sync", "--log-format", "json", "-v"], env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert fake_api.tmdb_api_key not in result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    seen: dict[str, dict[str, object]] = {}
    for line in lines:
        assert {"ts", "event"} <= set(line), line
        seen.setdefault(str(line["event"]), line)
    for event, fields in EVENT_FIELDS.items():
        assert event in seen, sorted(seen)
        assert fields <= set(seen[event]), (event, seen[event])
    assert seen["page_done"]["skipped"] == 1
    assert seen["title_skipped"]["kind"] == "movie"
    assert seen["title_skipped"]["reason"] == "not_found"
    database = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    skipped = rows(database, "select tmdb_id from skipped_title")
    assert (seen["title_skipped"]["tmdb_id"],) in skipped
    assert seen["quota_spent"]["reason"] == "daily quota spent"
    assert str(seen["request"]["status"]).startswith("HTTP ")
    assert seen["run_finished"]["exit_code"] == 0


def test_a_page_limit_is_named_without_an_option_the_user_may_not_have_given(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    """`demo --pages 6` used to end with "--max-pages 6 reached"."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    upgrade(engine)
    summary = run(fake_settings(fake_api, url), engine, max_pages=1)

    assert summary.movie.stopped == summary.tv.stopped == "page limit of 1 reached"


def test_change_feed_pages_are_lines_of_their_own(
    fake_api: FakeApi, sqlite_database_url: str, sqlite_engine: Engine
) -> None:
    """Once every month is done a run reads the change feed: a `step_done` line per page."""
    settings = fake_settings(fake_api, sqlite_database_url, start="2024-01", end="2024-01")
    run(settings, sqlite_engine, kinds=("movie",), day=date(2026, 2, 1))
    stream = io.StringIO()
    progress = EventProgress(EventLog(stream, "json"))
    run(settings, sqlite_engine, kinds=("movie",), day=date(2026, 2, 3), progress=progress)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    steps = [e for e in lines if e["event"] == "step_done"]
    # the movie and the person feed in one window of both days, then the queued refreshes
    assert len(steps) >= 2, steps
    assert {(e["kind"], e["step"]) for e in steps} == {("movie", "change-feed page")}
