"""`tmdbsync status` on a database decades into a backfill: the story in 80 columns."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, text, update
from typer.testing import CliRunner

from tmdbsync.__main__ import main as entry_point
from tmdbsync.cli import app
from tmdbsync.db import tables
from tmdbsync.db.engine import alembic_config, make_engine, script_revisions
from tmdbsync.db.models import (
    Base,
    ExportLog,
    Person,
    SkippedTitle,
    SyncLock,
    SyncRun,
    TitleQueue,
)
from tmdbsync.db.synthetic import fill
from tmdbsync.settings import YearMonth
from tmdbsync.sync.lock import RunLock

FIRST, LAST = YearMonth(1900, 1), YearMonth(2024, 12)  # 1,500 months a kind, 3,000 rows
NOW = datetime.now(UTC)
RANGE_ENV = {"TMDBSYNC_START": str(FIRST), "TMDBSYNC_END": str(LAST)}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No settings from the developer's shell or a .env file."""
    monkeypatch.chdir(tmp_path)
    for name in ("OMDB_API_KEY", "TRAKT_CLIENT_ID", "TMDBSYNC_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def status(database_url: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(
        app, ["status", "--database", database_url, *args], env=RANGE_ENV | (env or {})
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def lines_of(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def test_decades_done_fit_in_40_lines_of_80_columns(engine: Engine, database_url: str) -> None:
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST}, titles=20_000, people=3_000, now=NOW)
    text = status(database_url)
    lines = lines_of(text)
    assert len(lines) <= 40, text
    assert max(len(line) for line in lines) <= 80, text
    assert "movies  1,500 of 1,500 100.0 %     16,000 titles  complete" in text
    assert "TV      1,500 of 1,500 100.0 %      4,000 titles  complete" in text
    assert "1900–2024  every month done" in text
    assert "People:   3,000 (1,500 fetched)" in text
    assert "Sync log" not in text, "the month table only when asked for"


def test_a_backfill_under_way_shows_percentages_picture_and_time_to_go(
    engine: Engine, database_url: str
) -> None:
    done = {"movie": YearMonth(1987, 6), "tv": YearMonth(1962, 2)}
    fill(engine, FIRST, LAST, done, titles=500, now=NOW, recent=28)
    text = status(database_url)
    # movies: 1900-01..1987-06 = 1,050 months done; TV: 1900-01..1962-02 = 746
    assert "movies  1,050 of 1,500  70.0 %" in text
    assert "TV        746 of 1,500  49.7 %" in text
    # 28 months done over 14 days with requests: 2 a day; 450 and 754 months to go
    assert "at 1987-07  ≈ 225 days" in text
    assert "at 1962-03  ≈ 377 days" in text
    assert "  1960  ############ ############ ##mmmmmmmmmm mmmmmmmmmmmm mmmmmmmmmmmm" in text
    assert "1965–1984  movies done, TV not" in text
    assert "1990–2024  not started" in text
    report = json.loads(status(database_url, "--json"))
    movie = report["progress"]["movie"]
    assert (movie["months_done"], movie["months_in_range"], movie["percent_done"]) == (
        1050,
        1500,
        70.0,
    )
    assert (movie["months_per_request_day"], movie["days_to_finish"]) == (2.0, 225.0)
    assert report["completion"]["tv"]["1962"] == "##" + "." * 10


def test_json_is_bounded_and_lists_every_month_only_when_asked(
    engine: Engine, database_url: str
) -> None:
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": YearMonth(2024, 11)}, now=NOW)
    text = status(database_url, "--json")
    assert len(text) < 25_000, "no 3,000-month listing by default"
    report = json.loads(text)
    assert [(r["type"], r["year"], r["month"]) for r in report["sync_log"]] == [("tv", 2024, 12)]
    assert report["sync_log_omitted"] == 2_999
    every = json.loads(status(database_url, "--json", "--months"))
    assert len(every["sync_log"]) == 3_000
    assert every["sync_log_omitted"] == 0
    assert len(every["completion"]["movie"]) == 125


def test_months_and_since_print_the_month_table(engine: Engine, database_url: str) -> None:
    fill(engine, YearMonth(2020, 1), LAST, {"movie": LAST, "tv": LAST}, now=NOW)
    env = {"TMDBSYNC_START": "2020-01"}
    since = status(database_url, "--since", "2024", env=env)
    assert "Sync log" in since
    assert "2024-01" in since
    assert "2023-12" not in since
    every = status(database_url, "--months", env=env)
    assert "2020-01" in every
    assert "2023-12" in every


def test_a_running_sync_and_the_last_run_are_named(engine: Engine, database_url: str) -> None:
    now = datetime.now(UTC)  # not the module's NOW: a heartbeat that old would read as dead
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST}, now=now)
    started = now - timedelta(minutes=42)
    with engine.begin() as connection:
        connection.execute(
            insert(SyncRun),
            [
                _run(now - timedelta(days=1), finished=True, host="cron-box", pid=7),
                _run(started, finished=False, host="cron-box", pid=4242),
            ],
        )
        connection.execute(
            insert(SyncLock).values(name="sync", holder="cron-box:4242", heartbeat_at=now)
        )
    text = status(database_url)
    assert f"Running:  yes, cron-box:4242 since {started:%Y-%m-%d %H:%M} UTC" in text
    yesterday = now - timedelta(days=1)
    assert f"Last run: {yesterday:%Y-%m-%d %H:%M} UTC for 41 min: exit 0, quota spent" in text
    assert "\n          812 titles stored, 3 skipped, 1,000 requests\n" in text
    report = json.loads(status(database_url, "--json"))
    assert report["last_run"]["pid"] == 7
    assert report["running"]["holder"] == "cron-box:4242"


def test_the_lock_of_a_real_sync_names_this_process(engine: Engine, database_url: str) -> None:
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST}, now=NOW)
    lock = RunLock(engine)
    lock.acquire()
    try:
        running = json.loads(status(database_url, "--json"))["running"]
        assert running["holder"] == lock.holder
        assert not running["stale"]
        assert f"Running:  yes, {lock.holder}" in status(database_url)
    finally:
        lock.release()
    assert "Running:  no" in status(database_url)


def test_a_run_that_died_is_shown_as_such(engine: Engine, database_url: str) -> None:
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST}, now=NOW)
    with engine.begin() as connection:
        connection.execute(insert(SyncRun), [_run(NOW, finished=False, host="box", pid=9)])
    text = status(database_url)
    assert "Running:  no" in text
    assert "died (no end recorded)" in text


def test_skipped_titles_are_grouped_by_reason_with_those_due(
    engine: Engine, database_url: str
) -> None:
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST}, now=NOW)
    old, fresh = NOW - timedelta(days=40), NOW - timedelta(days=1)
    rows = [
        _skip(1, "not_found", old),
        _skip(2, "not_found", fresh),
        _skip(3, "not_found", old),
        _skip(4, "unusable", fresh),
    ]
    with engine.begin() as connection:
        connection.execute(insert(SkippedTitle), rows)
    text = status(database_url)
    assert "Skipped:  4 titles (3 not_found, 1 unusable), 2 due for retry" in text


def test_quota_rows_only_for_configured_providers(engine: Engine, database_url: str) -> None:
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST}, now=NOW)
    plain = status(database_url)
    assert "TMDb   movies 500 of 500" in plain
    assert "OMDb" not in plain
    assert "Trakt" not in plain
    keys = {"OMDB_API_KEY": "omdb-canary-1", "TRAKT_CLIENT_ID": "trakt-canary-2"}
    keyed = status(database_url, env=keys)
    assert "OMDb   movies 0 of 500" in keyed
    assert "Trakt  movies 0 of 500" in keyed
    assert "canary" not in keyed + status(database_url, "--json", env=keys)


def test_exports_mode_shows_titles_stored_of_the_ids_the_newest_export_lists(
    engine: Engine, database_url: str
) -> None:
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST}, titles=500, now=NOW)  # 400 movies
    with engine.begin() as connection:
        connection.execute(
            insert(ExportLog),
            [_export(date(2026, 2, 1), 450), _export(date(2026, 2, 2), 480)],  # the newer counts
        )
        connection.execute(
            insert(TitleQueue),
            [
                {
                    "type": "movie",
                    "tmdb_id": i,
                    "popularity": 1.0,
                    "reason": "new",
                    "queued_at": NOW,
                }
                for i in range(10_000_001, 10_000_081)
            ],
        )
    exports = {"TMDBSYNC_SOURCE": "exports"}
    report = json.loads(status(database_url, "--json", env=exports))
    assert report["source"] == "exports"
    assert report["exports"]["movie"] == {
        "export_day": "2026-02-02",
        "known": 480,
        "stored": 400,
        "stored_estimated": False,
        "queued": 80,
    }
    assert report["exports"]["tv"]["known"] is None
    assert report["exports"]["person"]["known"] is None
    text = status(database_url, env=exports)
    assert "movies        400 of        480  (2026-02-02)  80 queued" in text
    assert "TV     no export applied yet  0 queued" in text
    assert "held, the file lists" not in text, "no person file applied yet"

    with engine.begin() as connection:
        connection.execute(insert(ExportLog), [_export(date(2026, 2, 2), 3_000, "person")])
        connection.execute(insert(Person), [{"tmdb_id": i} for i in range(1, 6)])
        connection.execute(update(Person).where(Person.tmdb_id <= 3).values(deleted_at=NOW))
    person = json.loads(status(database_url, "--json", env=exports))["exports"]["person"]
    assert person == {
        "export_day": "2026-02-02",
        "known": 3_000,
        "stored": 5,
        "stored_estimated": False,
        "deleted": 3,
    }
    text = status(database_url, env=exports)
    assert "People          5 held, the file lists 3,000 (2026-02-02)  3 marked deleted" in text
    assert "Months done" not in text, "discover's months mean nothing in exports mode"
    assert "--months" not in text
    assert json.loads(status(database_url, "--json"))["exports"] is None  # discover mode


def _export(day: date, lines: int, kind: str = "movie") -> dict[str, object]:
    return {
        "type": kind,
        "day": day,
        "lines": lines,
        "queued": 0,
        "deleted": 0,
        "returned": 0,
        "applied_at": NOW,
    }


def _run(started: datetime, *, finished: bool, host: str, pid: int) -> dict[str, object]:
    return {
        "started_at": started,
        "finished_at": started + timedelta(minutes=41) if finished else None,
        "host": host,
        "pid": pid,
        "mode": "once",
        "exit_code": 0 if finished else None,
        "stop_reason": "quota spent" if finished else None,
        "titles_stored": 812,
        "titles_skipped": 3,
        "requests": 1000,
    }


def _skip(tmdb_id: int, code: str, tried: datetime) -> dict[str, object]:
    return {
        "type": "movie",
        "tmdb_id": tmdb_id,
        "reason": f"{code}: detail",
        "reason_code": code,
        "first_seen_at": tried,
        "attempts": 1,
        "last_tried_at": tried,
    }


def schema_of(engine: Engine) -> tuple[str | None, list[str]]:
    """The migration the database is at and its tables, to show status changed neither."""
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    return revision, sorted(inspect(engine).get_table_names())


def test_a_database_never_migrated_is_named_in_one_line_and_left_as_it_is(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    with engine.connect():
        pass  # the SQLite file exists, with nothing in it
    before = schema_of(engine)

    [line] = lines_of(status(database_url))

    assert line.startswith("database ")
    assert line.endswith("has no tmdbsync tables yet: run `tmdbsync db upgrade`")
    assert schema_of(engine) == before == (None, [])


def test_an_older_schema_names_its_migration_and_is_not_upgraded(database_url: str) -> None:
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0005")
    before = schema_of(engine)

    report = json.loads(status(database_url, "--json"))

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert report["schema"].endswith(
        f"is at migration 0005, this tmdbsync needs {head}: run `tmdbsync db upgrade`"
    )
    assert schema_of(engine) == before
    assert before[0] == "0005"


def test_a_schema_newer_than_this_tmdbsync_says_so(engine: Engine, database_url: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))

    [line] = lines_of(status(database_url))

    assert "was migrated by a newer tmdbsync (revision 9999); upgrade tmdbsync" in line
    assert schema_of(engine)[0] == "9999"


def test_the_migrations_read_as_text_agree_with_alembic() -> None:
    """`status` reads the scripts' revision lines instead of loading them with Alembic."""
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    every = {revision.revision for revision in script.walk_revisions()}
    assert script_revisions() == (script.get_current_head(), every)
    assert len(every) > 10


def test_the_core_tables_status_reads_match_the_models() -> None:
    """db/tables.py names columns the models have, with their types (UtcDateTime, Boolean)."""
    for light in tables.ALL:
        model = Base.metadata.tables[light.name]
        for column in light.c:
            where = f"{light.name}.{column.name}"
            assert column.name in model.c, where
            assert type(column.type) is type(model.c[column.name].type), where


HEAVY = (
    "tmdbsync.db.models",
    "tmdbsync.sync.orchestrator",
    "tmdbsync.store",
    "tmdbsync.payloads",
    "tmdbsync.http",
    "sqlalchemy.orm",
    "alembic",
    "httpx",
)
"""What `status` used to import and must not again: most of a fresh process's second."""


def imported_by(*args: str) -> tuple[str, set[str]]:
    """The output of `python -m tmdbsync ARGS` (the real entry point, in a fresh process) and
    every module it imported, as `-X importtime` lists them."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tmdbsync", *args],
        capture_output=True,
        text=True,
        env=os.environ | RANGE_ENV,
        check=True,
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    return result.stdout, {line.rsplit("|", 1)[1].strip() for line in lines[1:]}


def test_status_runs_without_the_orm_alembic_or_the_sync_machinery(
    engine: Engine, database_url: str
) -> None:
    """Cron jobs and monitoring probes run `status` in a new process each time: every section
    of the report (a skipped title due, a run, the month table) is built by a process that
    never imports the heavy modules (a count of them, not a time: timed tests are flaky)."""
    fill(engine, FIRST, LAST, {"movie": LAST, "tv": LAST.previous()}, titles=50, now=NOW)
    with engine.begin() as connection:
        connection.execute(insert(SkippedTitle), [_skip(1, "not_found", NOW - timedelta(days=40))])
        connection.execute(insert(SyncRun), [_run(NOW, finished=True, host="box", pid=9)])
    for extra in ([], ["--json"], ["--since", "2024"]):
        output, loaded = imported_by("status", "--database", database_url, *extra)
        assert "tmdbsync.status" in loaded, "the listing is read right"
        assert ("1 due for retry" in output) or ('"skipped_due_for_retry": 1' in output)
        heavy = sorted(m for m in loaded if any(m == h or m.startswith(f"{h}.") for h in HEAVY))
        assert heavy == [], extra
    assert "Sync log" in output


def test_the_command_runs_with_the_collector_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry point imports with the cycle collector off (faster); the command runs with it."""
    seen: list[bool] = []
    monkeypatch.setattr("tmdbsync.cli.main", lambda: seen.append(gc.isenabled()))
    try:
        entry_point()
    finally:
        gc.unfreeze()  # the entry point froze this test process's objects
    assert seen == [True]
    assert gc.isenabled()
