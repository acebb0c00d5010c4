"""The daily person export, applied to the people we hold: popularity, deletions, returns; and
a person answering 404 marked deleted. Over real HTTP against the fake, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, update

from tests.sync_support import endpoint_counts, fake_settings, rows, run
from tests.test_sync_exports import exports_settings, write_popularity
from tmdbsync.db.models import Person
from tmdbsync.fakeapi import FakeApi, LangOpts
from tmdbsync.store.people import People
from tmdbsync.sync import export_apply
from tmdbsync.sync.deadletter import Backoff
from tmdbsync.sync.export_apply import ExportUnreadable
from tmdbsync.sync.fetch import MOVIE_APPENDS, language_params
from tmdbsync.sync.person_export import apply_person_export

DAY = date(2026, 2, 1)
ENRICHED = datetime(2026, 1, 15, tzinfo=UTC)


def person_ids(engine: Engine, where: str = "1 = 1") -> set[int]:
    return {r[0] for r in rows(engine, f"select tmdb_id from person where {where}")}


def person_log(engine: Engine) -> list[tuple[str, int, int, int]]:
    found = rows(
        engine,
        "select day, queued, deleted, returned from export_log where type = 'person' order by day",
    )
    return [(str(day), queued, deleted, returned) for day, queued, deleted, returned in found]


def pending(engine: Engine, on: date = DAY) -> set[int]:
    """Whom the people queue would ask next under the `all` policy at noon of `on`, dead letters
    waiting a day."""
    noon = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    return set(People(engine, lambda: noon).queue("all", 100_000, Backoff(timedelta(days=1))))


def test_people_gone_from_two_person_exports_are_marked_deleted_and_cleared_when_back(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    settings = exports_settings(fake_api, database_url)  # people: none, so no person requests
    run(settings, engine, kinds=("movie",), day=DAY)
    # nobody was held when the movie file was applied: the person file was not worth fetching
    assert endpoint_counts(fake_api)["exports/person"] == 0
    held = person_ids(engine)
    assert len(held) > 10
    gone = set(sorted(held)[:3])
    enriched = min(gone)  # enriched before: it goes back to the people queue when it returns
    fake_api.delete_people(gone)
    with engine.begin() as connection:
        connection.execute(update(Person).values(popularity=-1.0))
        connection.execute(
            update(Person).where(Person.tmdb_id == enriched).values(enriched_at=ENRICHED)
        )

    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=1))  # first miss
    assert person_ids(engine) == held, "nobody is added from the file"
    assert person_log(engine) == [("2026-02-02", 0, 0, 0)]
    refreshed = dict(rows(engine, "select tmdb_id, popularity from person"))
    people = fake_api.catalogue.people
    assert refreshed == {
        pid: -1.0 if pid in gone else people.base(pid)["popularity"] for pid in held
    }
    assert person_ids(engine, "deleted_at is not null") == set()
    assert person_ids(engine, "export_misses = 1") == gone

    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=2))  # second miss in a row
    assert person_ids(engine, "deleted_at is not null") == gone
    assert person_ids(engine) == held, "the rows stay"
    assert person_log(engine)[-1] == ("2026-02-03", 0, 3, 0)
    # never enriched and marked deleted: not asked (it would answer 404)
    assert not pending(engine) & gone

    fake_api.reset()  # TMDb knows them again
    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=3))
    assert person_ids(engine, "deleted_at is not null") == set()
    assert person_ids(engine, "export_misses <> 0") == set()
    assert person_log(engine)[-1] == ("2026-02-04", 0, 0, 3)
    assert rows(engine, f"select enriched_at from person where tmdb_id = {enriched}") == [(None,)]
    assert gone <= pending(engine)


def test_a_person_answering_404_is_marked_deleted_and_cleared_once_fetched_again(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    first = fake_api.catalogue.month_ids("movie", 2024, 1)[0]
    movie = fake_api.catalogue.movie(first, MOVIE_APPENDS, LangOpts(**language_params(None)))
    assert movie is not None
    person = movie["credits"]["cast"][0]["id"]  # billed first: principal, so asked for
    values: dict[str, Any] = {"omdb_api_key": None, "follow_changes": False}
    settings = fake_settings(
        fake_api, database_url, people="principal", retry_skipped_days=1, **values
    )
    fake_api.delete_people({person})
    run(settings, engine, kinds=("movie",), day=DAY)
    dead = rows(engine, "select provider, type, tmdb_id, reason_code, attempts from dead_letter")
    assert dead == [("tmdb", "person", person, "not_found", 1)]
    assert person_ids(engine, "deleted_at is not null") == {person}
    assert person not in pending(engine), "it waits as a dead letter"
    assert person in pending(engine, DAY + timedelta(days=2)), "its wait over, it is asked again"

    fake_api.reset()  # back, and asked again once its wait is over
    run(settings, engine, kinds=("movie",), day=DAY + timedelta(days=2))
    assert rows(engine, "select count(*) from dead_letter") == [(0,)]
    assert person_ids(engine, "deleted_at is not null") == set()
    assert person in person_ids(engine, "enriched_at is not null")


def test_a_person_export_cut_short_changes_nothing(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_apply, "CHUNK", 1_000)  # some blocks are staged before the break
    with engine.begin() as connection:
        connection.execute(
            insert(Person), [{"tmdb_id": i, "popularity": 1.0} for i in (1, 2, 99_999)]
        )
    path = tmp_path / "person_ids.json.gz"
    write_popularity(path, {i: 5.0 for i in range(1, 20_001)})
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ExportUnreadable, match="incomplete or corrupt"):
        apply_person_export(engine, DAY, path)
    state = "select tmdb_id, popularity, export_misses from person order by tmdb_id"
    assert rows(engine, state) == [(1, 1.0, 0), (2, 1.0, 0), (99_999, 1.0, 0)]
    assert rows(engine, "select count(*) from export_log") == [(0,)]
    assert rows(engine, "select count(*) from export_line") == [(0,)]

    path.write_bytes(whole)  # the whole file does apply
    result = apply_person_export(engine, DAY, path)
    assert (result.lines, result.queued, result.deleted) == (20_000, 0, 0)
    assert rows(engine, state) == [(1, 5.0, 0), (2, 5.0, 0), (99_999, 1.0, 1)]
