"""Skipped titles are retried: TMDb restores titles it once answered 404 for, and fixes payloads.

Once a kind has nothing else to do, the skipped titles whose wait is over are fetched again:
TMDBSYNC_RETRY_SKIPPED_DAYS after the first failure, doubling after each further one, at most a
year. Page replays keep skipping them.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rich.console import Console
from sqlalchemy import Engine, insert, select, update

from tests.sync_support import endpoint_counts, fake_settings, rows, run
from tmdbsync.db.models import Content, SkippedTitle
from tmdbsync.fakeapi import FakeApi, LangOpts, ScriptedResponse
from tmdbsync.settings import Settings
from tmdbsync.status import collect_status
from tmdbsync.store import Store
from tmdbsync.sync.deadletter import CAP
from tmdbsync.sync.fetch import MOVIE_APPENDS, language_params
from tmdbsync.sync.progress import RichProgress

DAY1 = date(2024, 6, 1)  # January 2024 is an old month: no daily re-scan lists it again
DAYS = 30  # the default TMDBSYNC_RETRY_SKIPPED_DAYS
IMAGE_KINDS = ("posters", "backdrops", "logos")


def quiet_settings(fake: FakeApi, database_url: str, **overrides: Any) -> Settings:
    """January 2024's movies (none is gone in the fake), no people, OMDb nor change feed: every
    TMDb request after the first sync is an audit probe or a retry."""
    values: dict[str, Any] = {
        "start": "2024-01",
        "end": "2024-01",
        "people": "none",
        "omdb_api_key": None,
        "follow_changes": False,
    }
    return fake_settings(fake, database_url, **values | overrides)


def noon(day: date) -> datetime:
    """The `now` of `run(…, day=day)`."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def image_languages(fake: FakeApi, tmdb_id: int, original_language: str | None) -> list[Any]:
    """The languages of the movie's images as the fake serves them for `original_language`."""
    opts = LangOpts(**language_params(original_language))
    payload = fake.catalogue.movie(tmdb_id, MOVIE_APPENDS, opts)
    assert payload is not None
    return [image["iso_639_1"] for kind in IMAGE_KINDS for image in payload["images"][kind]]


def foreign_movie(fake: FakeApi) -> tuple[int, str]:
    """A movie of January 2024 in another language than English, with images in that language."""
    for tmdb_id in fake.catalogue.month_ids("movie", 2024, 1):
        core = fake.catalogue.core("movie", tmdb_id)
        assert core is not None
        assert not core.gone
        language = core.original_language
        if language != "en" and language in image_languages(fake, tmdb_id, language):
            return tmdb_id, language
    raise LookupError("no such movie in January 2024")


def skipped(engine: Engine) -> dict[int, tuple[int, str, datetime, datetime]]:
    """{tmdb_id: (attempts, reason, first_seen_at, last_tried_at)} of the skipped movies."""
    with engine.connect() as connection:
        found = connection.execute(
            select(
                SkippedTitle.tmdb_id,
                SkippedTitle.attempts,
                SkippedTitle.reason,
                SkippedTitle.first_seen_at,
                SkippedTitle.last_tried_at,
            ).where(SkippedTitle.type == "movie")
        )
        return {row[0]: (row[1], row[2], _utc(row[3]), _utc(row[4])) for row in found}


def _utc(value: datetime) -> datetime:
    """SQLite hands timestamps back naive (they were stored in UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def held(engine: Engine) -> set[int]:
    return {r[0] for r in rows(engine, "select tmdb_id from content where type = 'movie'")}


def test_a_title_restored_by_tmdb_is_fetched_once_when_due_and_stored_fully(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    victim, language = foreign_movie(fake_api)
    fake_api.script(rf"^/3/movie/{victim}$", [ScriptedResponse(status=404)])
    settings = quiet_settings(fake_api, database_url)
    first = run(settings, engine, kinds=("movie",), day=DAY1)
    assert first.movie.retried == 0, "recorded just now: not due"
    recorded = skipped(engine)
    assert list(recorded) == [victim]
    attempts, reason, first_seen, last_tried = recorded[victim]
    assert (attempts, first_seen, last_tried) == (1, noon(DAY1), noon(DAY1))
    assert "404" in reason
    assert victim not in held(engine)
    # status, on today's real clock (long after DAY1), counts it as due
    totals = collect_status(settings, engine)["totals"]
    assert (totals["skipped_titles"], totals["skipped_due_for_retry"]) == (1, 1)

    # a day before it is due, nothing is asked (the month's audit is not due either)
    fake_api.reset_stats()
    early = run(settings, engine, kinds=("movie",), day=DAY1 + timedelta(days=DAYS - 1))
    assert early.movie.retried == 0
    assert fake_api.stats()["tmdb"] == 0

    # due (and TMDb serves it again): one request for it, beside the month's audit probe
    fake_api.reset_stats()
    out = io.StringIO()
    with RichProgress(Console(file=out, width=200), enabled=False) as progress:
        summary = run(
            settings, engine, kinds=("movie",), day=DAY1 + timedelta(days=DAYS), progress=progress
        )
    counts = endpoint_counts(fake_api)
    assert (summary.movie.retried, summary.movie.titles, summary.movie.skipped) == (1, 1, 0)
    assert summary.movie.probes == 1
    assert counts["movie/{id}"] == 1
    assert fake_api.stats()["tmdb"] == 2 == counts["movie/{id}"] + counts["discover/movie"]
    assert "movie: retried 1 skipped titles, 1 stored" in out.getvalue()
    assert skipped(engine) == {}
    assert victim in held(engine)

    # stored fully, as the catalogue says, images in its own language included: the language
    # discover gave was kept with the skip
    expected = fake_api.catalogue.movie(
        victim, MOVIE_APPENDS, LangOpts(**language_params(language))
    )
    assert expected is not None
    with engine.connect() as connection:
        content_id, title, stored_language, synced = connection.execute(
            select(Content.id, Content.title, Content.original_language, Content.synced_at).where(
                Content.type == "movie", Content.tmdb_id == victim
            )
        ).one()
    assert (title, stored_language) == (expected["title"], language)
    assert _utc(synced) == noon(DAY1 + timedelta(days=DAYS))

    def stored(table: str, column: str = "count(*)") -> list[Any]:
        return [
            r[0]
            for r in rows(
                engine, f"select {column} from {table} where content_id = :c", c=content_id
            )
        ]

    assert stored("content_cast") == [len(expected["credits"]["cast"])]
    assert stored("content_crew") == [len(expected["credits"]["crew"])]
    assert stored("content_video") == [len(expected["videos"]["results"])]
    assert stored("content_genre") == [len(expected["genres"])]
    assert stored("content_keyword") == [len({k["id"] for k in expected["keywords"]["keywords"]})]
    languages = stored("content_image", "iso_639_1")
    assert sorted(languages, key=str) == sorted(
        image_languages(fake_api, victim, language), key=str
    )
    assert language in languages


def test_a_title_still_missing_waits_twice_as_long_each_time(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    victim, _ = foreign_movie(fake_api)
    fake_api.script(rf"^/3/movie/{victim}$", [ScriptedResponse(status=404)] * 2)
    settings = quiet_settings(fake_api, database_url, audit_days=0)
    run(settings, engine, kinds=("movie",), day=DAY1)

    retried = DAY1 + timedelta(days=DAYS)
    fake_api.reset_stats()
    summary = run(settings, engine, kinds=("movie",), day=retried)
    assert (summary.movie.retried, summary.movie.titles, summary.movie.skipped) == (1, 0, 1)
    assert fake_api.stats()["tmdb"] == 1
    attempts, reason, first_seen, last_tried = skipped(engine)[victim]
    assert (attempts, first_seen, last_tried) == (2, noon(DAY1), noon(retried))
    assert "404" in reason

    # the second wait is 2 × 30 days: not due a day before, due on the day (and served now)
    for days, requests in ((2 * DAYS - 1, 0), (2 * DAYS, 1)):
        fake_api.reset_stats()
        summary = run(settings, engine, kinds=("movie",), day=retried + timedelta(days=days))
        assert (summary.movie.retried, fake_api.stats()["tmdb"]) == (requests, requests), days
    assert skipped(engine) == {}
    assert victim in held(engine)


def test_retry_skipped_days_zero_never_retries(
    fake_api: FakeApi, database_url: str, engine: Engine
) -> None:
    victim, _ = foreign_movie(fake_api)
    fake_api.script(rf"^/3/movie/{victim}$", [ScriptedResponse(status=404)])
    settings = quiet_settings(fake_api, database_url, audit_days=0, retry_skipped_days=0)
    run(settings, engine, kinds=("movie",), day=DAY1)
    before = skipped(engine)
    assert list(before) == [victim]

    fake_api.reset_stats()
    summary = run(settings, engine, kinds=("movie",), day=DAY1 + timedelta(days=400))
    assert summary.movie.retried == 0
    assert fake_api.stats()["tmdb"] == 0
    assert skipped(engine) == before


def test_the_wait_doubles_up_to_a_year_oldest_first_a_batch_at_a_time(engine: Engine) -> None:
    """Store.skips.ready alone: which titles are due after how many attempts."""
    now = noon(DAY1)
    store = Store(engine, now=lambda: now)
    for tmdb_id in range(1, 31):
        store.skips.record("movie", tmdb_id, "404 between discover and details")
    store.skips.record("tv", 99, "404 between discover and details")
    wait = timedelta(days=DAYS)

    def set_row(tmdb_id: int, attempts: int, ago: timedelta) -> None:
        with engine.begin() as connection:
            connection.execute(
                update(SkippedTitle)
                .where(SkippedTitle.type == "movie", SkippedTitle.tmdb_id == tmdb_id)
                .values(attempts=attempts, last_tried_at=now - ago)
            )

    def due(limit: int = 20) -> list[int]:
        return [item.id for item in store.skips.ready("movie", wait, CAP, limit)]

    assert due() == [], "just recorded"
    day = timedelta(days=1)
    set_row(1, 1, wait)  # due: 30 days after one attempt
    set_row(2, 2, 2 * wait - day)  # not due: 60 days after two
    set_row(3, 2, 2 * wait)
    set_row(4, 4, 8 * wait)  # 240 days after four
    set_row(5, 5, CAP - day)  # 16 × 30 > 365: capped, one day short
    set_row(6, 30, CAP)  # capped however many attempts
    assert due() == [6, 4, 3, 1]  # tried longest ago first
    assert {item.original_language for item in store.skips.ready("movie", wait, CAP, 20)} == {None}
    # a title still held (its refresh from the change feed failed) keeps its stored language;
    # one never stored, the language discover listed it with
    with engine.begin() as connection:
        connection.execute(insert(Content).values(type="movie", tmdb_id=3, original_language="pt"))
    store.skips.record("movie", 7, "404 between discover and details", "ja")
    store.skips.record("movie", 7, "404 between discover and details", None)  # a known one stays
    languages = {
        item.id: item.original_language for item in store.skips.ready("movie", wait, CAP, 40)
    }
    assert languages == {6: None, 4: None, 3: "pt", 1: None}, "7 was just tried: not due"
    with engine.connect() as connection:
        kept = connection.execute(
            select(SkippedTitle.original_language, SkippedTitle.attempts).where(
                SkippedTitle.tmdb_id == 7
            )
        ).one()
    assert tuple(kept) == ("ja", 3)  # recorded once above and twice here

    for tmdb_id in range(7, 31):
        set_row(tmdb_id, 1, wait + timedelta(minutes=tmdb_id))
    assert due()[:3] == [6, 4, 3]
    assert len(due()) == 20
    assert due(5) == [6, 4, 3, 30, 29]

    # another failure counts an attempt and restarts the wait; first_seen_at stays
    later = now + timedelta(days=1)
    Store(engine, now=lambda: later).skips.record("movie", 6, "unusable response: 500")
    assert skipped(engine)[6] == (31, "unusable response: 500", now, later)
    assert 6 not in due()
