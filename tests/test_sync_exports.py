"""TMDBSYNC_SOURCE=exports: titles found through the daily ID export files, deletions seen."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.sync_support import endpoint_counts, fake_settings, rows, run
from tmdbsync.fakeapi import FakeApi
from tmdbsync.settings import Settings
from tmdbsync.sync import export_apply
from tmdbsync.sync.context import Progress
from tmdbsync.sync.export_apply import ExportUnreadable, apply_export, read_blocks
from tmdbsync.sync.title_queue import take

DAY = date(2026, 2, 1)


def exports_settings(fake: FakeApi, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"people": "none", "follow_changes": False, "omdb_api_key": None}
    values.update(overrides)
    return fake_settings(
        fake, database_url, source="exports", tmdb_exports_url=fake.exports_url, **values
    )


def export_ids(fake: FakeApi, kind: str) -> list[tuple[int, bool]]:
    return [
        (line["id"], line.get("adult") is True)
        for line in map(json.loads, fake.exports.lines(kind))
    ]


def held(engine: Engine, kind: str = "movie") -> set[int]:
    return {r[0] for r in rows(engine, f"select tmdb_id from content where type = '{kind}'")}


def test_an_exports_sync_stores_every_title_of_the_export_and_skips_adult_ones(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = exports_settings(fake_api, database_url)
    summary = run(settings, engine, day=DAY)

    for kind in ("movie", "tv"):
        listed = export_ids(fake_api, kind)
        assert listed, kind
        assert held(engine, kind) == {i for i, adult in listed if not adult}
    assert any(adult for _, adult in export_ids(fake_api, "movie"))
    counts = endpoint_counts(fake_api)
    assert counts["discover/movie"] == counts["discover/tv"] == 0
    assert counts["exports/movie"] == counts["exports/tv_series"] == 1
    assert summary.movie.titles == len(held(engine, "movie"))
    assert rows(engine, "select count(*) from title_queue") == [(0,)]
    assert rows(engine, "select count(*) from export_line") == [(0,)]

    # the same day again: the file is applied once, nothing is asked again
    fake_api.reset_stats()
    run(settings, engine, day=DAY)
    counts = endpoint_counts(fake_api)
    assert counts["movie/{id}"] == counts["exports/movie"] == 0


def test_titles_gone_from_two_exports_are_marked_deleted_and_cleared_when_back(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = exports_settings(fake_api, database_url)
    run(settings, engine, kinds=("movie",), day=DAY)
    before = held(engine)
    fake_api.drift("movie", 2024, 1, remove=3)
    gone = before - {i for i, _ in export_ids(fake_api, "movie")}
    assert len(gone) == 3

    run(settings, engine, kinds=("movie",), day=date(2026, 2, 2))  # first miss
    assert rows(engine, "select count(*) from content where deleted_at is not null") == [(0,)]
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 3))  # second miss in a row
    marked = {
        r[0] for r in rows(engine, "select tmdb_id from content where deleted_at is not null")
    }
    assert marked == gone
    assert held(engine) == before  # the rows stay

    fake_api.reset()  # the titles come back
    fake_api.reset_stats()
    run(settings, engine, kinds=("movie",), day=date(2026, 2, 4))
    assert rows(engine, "select count(*) from content where deleted_at is not null") == [(0,)]
    assert endpoint_counts(fake_api)["movie/{id}"] == 3  # fetched again when back
    log = rows(
        engine, "select day, deleted, returned from export_log where type = 'movie' order by day"
    )
    assert [(str(d), n, r) for d, n, r in log][-2:] == [("2026-02-03", 3, 0), ("2026-02-04", 0, 3)]


def test_a_truncated_export_is_an_error_that_changes_nothing(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = exports_settings(fake_api, database_url)
    fake_api.exports.truncate = True
    messages: list[str] = []

    class Messages(Progress):
        def message(self, text: str) -> None:
            messages.append(text)

    run(settings, engine, kinds=("movie",), day=DAY, progress=Messages())
    assert any("incomplete or corrupt" in m and "nothing applied" in m for m in messages)
    for table in ("content", "title_queue", "export_line", "export_log"):
        assert rows(engine, f"select count(*) from {table}") == [(0,)], table


def write_export(path: Path, count: int) -> None:
    with gzip.open(path, "wb") as out:
        for i in range(1, count + 1):
            out.write(
                b'{"adult":false,"id":%d,"original_title":"T %d","popularity":%d.5,"video":false}\n'
                % (i, i, i % 97)
            )


def test_reading_an_export_takes_flat_memory_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_apply, "CHUNK", 1_000)
    monkeypatch.setattr(export_apply, "BLOCK", 1 << 16)
    peaks = []
    for count in (5_000, 50_000):  # both many chunks and blocks long
        path = tmp_path / f"{count}.json.gz"
        write_export(path, count)
        tracemalloc.start()
        seen = sum(len(block) for block in read_blocks(path))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert seen == count
    assert peaks[1] < peaks[0] * 1.5 + 64_000  # ten times the lines, about the same peak


def test_applying_a_large_export_queues_new_ids_in_popularity_order(
    tmp_path: Path, engine: Engine
) -> None:
    path = tmp_path / "movie_ids.json.gz"
    write_export(path, 30_000)
    result = apply_export(engine, "movie", DAY, path, now=datetime(2026, 2, 1, 9, tzinfo=UTC))
    assert (result.lines, result.queued, result.deleted) == (30_000, 30_000, 0)
    top = rows(engine, "select popularity from title_queue order by popularity desc limit 1")
    assert top == [(96.5,)]


def test_an_export_cut_short_leaves_the_database_as_it_was(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "movie_ids.json.gz"
    write_export(path, 30_000)
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ExportUnreadable):
        apply_export(engine, "movie", DAY, path)
    for table in ("title_queue", "export_line", "export_log"):
        assert rows(engine, f"select count(*) from {table}") == [(0,)], table


def write_popularity(path: Path, popularity: dict[int, float]) -> None:
    with gzip.open(path, "wt") as out:
        for tmdb_id, value in popularity.items():
            out.write(json.dumps({"adult": False, "id": tmdb_id, "popularity": value}) + "\n")


def test_the_next_export_reorders_the_queue_by_its_popularity(
    tmp_path: Path, engine: Engine
) -> None:
    """Ids still queued from an earlier file take the new file's popularity: the queue is drained
    most popular first, so yesterday's order would fetch the wrong titles under a small quota."""
    now = datetime(2026, 2, 1, 9, tzinfo=UTC)
    first, second = tmp_path / "first.json.gz", tmp_path / "second.json.gz"
    write_popularity(first, {1: 5.0, 2: 1.0, 3: 3.0})
    write_popularity(second, {1: 0.5, 2: 9.0, 3: 3.0, 4: 7.0})
    apply_export(engine, "movie", DAY, first, now=now)
    assert [item.id for item in take(engine, "movie", 10)] == [1, 3, 2]

    result = apply_export(engine, "movie", DAY + timedelta(days=1), second, now=now)
    assert result.queued == 1  # only 4 is new
    assert [item.id for item in take(engine, "movie", 10)] == [2, 4, 3, 1]
    queued = rows(engine, "select tmdb_id, popularity from title_queue order by tmdb_id")
    assert queued == [(1, 0.5), (2, 9.0), (3, 3.0), (4, 7.0)]
