"""Bad payloads: nulls, wrong types, missing keys, huge lists, non-Latin and SQL-looking text.

Property-based at the store (build_bundle + Store.titles.save, SQLite and PostgreSQL): no crash,
text round-trips verbatim, a re-save changes nothing; a title that cannot be used says why. Then one
sync with a malformed title: it is recorded as skipped with the reason and its page completes.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from tests.reliability_support import done_ids, expected_ids, settings_for, sync_in_process
from tmdbsync.db.models import (
    Content,
    ContentCast,
    ContentSyncLog,
    Episode,
    Person,
    SkippedTitle,
)
from tmdbsync.errors import BadPayload
from tmdbsync.fakeapi import FakeApi, ScriptedResponse
from tmdbsync.fakeapi.catalogue import Catalogue
from tmdbsync.kinds import Kind
from tmdbsync.store import Store
from tmdbsync.sync.bundle import build_bundle
from tmdbsync.sync.fetch import MOVIE_APPENDS, TV_APPENDS, season_appends

INJECTION = "'); DROP TABLE content;--"
WEIRD_TEXT = [
    INJECTION,
    'Robert"); DELETE FROM person WHERE ("1"="1',
    "千と千尋の神隠し",
    "Амели",
    "العربية",
    "עִבְרִית",
    "🎬🍿 emoji",
    "Z̤͔ͧ̑̓ä͖̭̈̇lg͎o",
    "tab\tnew\nline\r\\back\\slash %s %(x)s {0} ?",
    "\x00nul inside",
    "lone \ud800 surrogate",
    " ",
    "",
    "x" * 20_000,
]
CATALOGUE = Catalogue(seed=42)


def _base_payloads() -> list[tuple[Kind, dict[str, Any]]]:
    """Real-shaped details (with every append the sync asks for) for a movie and two shows."""
    movie = CATALOGUE.find("movie", lambda core: not core.gone)
    show = CATALOGUE.find_tv(min_seasons=2, max_seasons=3, specials=True)
    plan = CATALOGUE.plan(show)
    assert plan is not None
    numbers = [season.number for season in plan.seasons]
    movie_raw = CATALOGUE.movie(movie, list(MOVIE_APPENDS))
    show_raw = CATALOGUE.tv(show, [*TV_APPENDS, *season_appends(numbers, True)])
    assert movie_raw is not None
    assert show_raw is not None
    return [("movie", movie_raw), ("tv", show_raw)]


BASES = _base_payloads()

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WEIRD_TEXT),
    st.text(max_size=20),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.sampled_from(["id", "name", "x"]), st.integers(), max_size=2),
)


def mutate(data: st.DataObject, value: Any, depth: int = 0) -> Any:
    """Walk a payload and, here and there, null, drop, retype or replace what is there."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            action = data.draw(st.integers(0, 40 if depth else 12), label=f"action {key}")
            if action == 0:
                continue  # missing key
            if action == 1:
                out[key] = None
            elif action == 2:
                out[key] = data.draw(junk, label=f"junk {key}")
            elif action == 3 and isinstance(item, str | type(None)):
                out[key] = data.draw(st.sampled_from(WEIRD_TEXT), label=f"text {key}")
            else:
                out[key] = mutate(data, item, depth + 1)
        return out
    if isinstance(value, list):
        items = value[:6]  # keep examples small; huge lists have their own test
        if items and data.draw(st.integers(0, 15), label="duplicate") == 0:
            items = [*items, copy.deepcopy(items[0])]
        return [mutate(data, item, depth + 1) for item in items]
    return value


def stored_text(engine: Engine, kind: str, tmdb_id: int) -> tuple[Any, ...]:
    """(title, original title, overview, tagline) of a stored title."""
    with engine.connect() as connection:
        row = connection.execute(
            select(Content.title, Content.original_title, Content.overview, Content.tagline).where(
                Content.type == kind, Content.tmdb_id == tmdb_id
            )
        ).first()
    assert row is not None, f"{kind} {tmdb_id} was not stored"
    return tuple(row)


def child_counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as connection:
        return tuple(
            int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in (Content, ContentCast, Person, Episode)
        )


@settings(
    max_examples=int(__import__("os").environ.get("RELIABILITY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), which=st.integers(0, len(BASES) - 1))
def test_any_payload_stores_or_says_why(engine: Engine, data: st.DataObject, which: int) -> None:
    kind, base = BASES[which]
    raw = mutate(data, base)
    title_text = data.draw(st.sampled_from(WEIRD_TEXT), label="title")
    raw["title" if kind == "movie" else "name"] = title_text
    store = Store(engine)
    try:
        bundle = build_bundle(kind, raw)
    except BadPayload as exc:
        assert str(exc), "the reason is recorded"
        store.skips.record(kind, 1, f"unusable payload: {exc}")
        return
    store.titles.save(bundle)
    row = stored_text(engine, kind, bundle.title.id)
    title = bundle.title.title if kind == "movie" else bundle.title.name
    assert row[0] == title
    if not title_text.strip():
        assert row[0] is None, "empty text is NULL, like every missing value"
    elif "\x00" not in title_text and "\ud800" not in title_text:
        assert row[0] == title_text, "text round-trips verbatim"
    assert (row[1], row[2], row[3]) == (
        bundle.title.original_title if kind == "movie" else bundle.title.original_name,
        bundle.title.overview,
        bundle.title.tagline,
    )
    before = child_counts(engine)
    store.titles.save(bundle)
    assert child_counts(engine) == before, "saving the same title again changes nothing"


def test_injection_text_and_ten_thousand_cast_round_trip(engine: Engine) -> None:
    kind, base = BASES[0]
    raw = copy.deepcopy(base)
    raw["title"] = INJECTION
    raw["overview"] = "黒澤明 — " + INJECTION
    credit = raw["credits"]["cast"][0]
    raw["credits"]["cast"] = [
        credit | {"id": 1_000_000 + i, "order": i, "character": f"{INJECTION} #{i}"}
        for i in range(10_000)
    ]
    store = Store(engine)
    store.titles.save(build_bundle(kind, raw))
    assert stored_text(engine, kind, raw["id"])[:3] == (
        INJECTION,
        raw["original_title"],
        "黒澤明 — " + INJECTION,
    )
    with engine.connect() as connection:
        characters = connection.scalars(select(ContentCast.character)).all()
        assert len(characters) == 10_000
        assert f"{INJECTION} #9999" in characters
        assert connection.scalar(select(func.count()).select_from(Content)) == 1


def test_sync_records_an_unusable_title_and_completes_its_page(engine: Engine) -> None:
    month = "2024-02"
    with FakeApi(seed=42, scale=0.5) as fake:
        listed = fake.catalogue.month_ids("movie", 2024, 2)
        no_id, not_json, wrong_shape = listed[1], listed[2], listed[3]
        fake.script(rf"^/3/movie/{no_id}$", [ScriptedResponse(status=200, body={"title": "x"})])
        fake.script(rf"^/3/movie/{not_json}$", [ScriptedResponse(status=200, body="[1, 2")] * 2)
        fake.script(rf"^/3/movie/{wrong_shape}$", [ScriptedResponse(status=200, body=[1, 2])])
        url = engine.url.render_as_string(hide_password=False)
        settings_ = settings_for(fake, url, month, month, people="none", max_retries=1)
        summary = sync_in_process(settings_, engine, kinds=("movie",))
        assert summary.movie.stopped == "every month up to TMDBSYNC_END is complete"
        assert done_ids(engine, "movie") == expected_ids(fake.catalogue, "movie", month, month)
    with engine.connect() as connection:
        reasons = dict(
            connection.execute(select(SkippedTitle.tmdb_id, SkippedTitle.reason)).tuples().all()
        )
        log = connection.execute(select(ContentSyncLog)).one()
    assert set(reasons) == {no_id, not_json, wrong_shape}
    assert "id" in reasons[no_id]
    assert "malformed JSON" in reasons[not_json]
    assert "expected a JSON object" in reasons[wrong_shape]
    assert log.is_completed
    assert log.last_completed_page == log.total_pages
    assert str(not_json) in (log.notes or ""), "the log notes say which title and why"


@pytest.mark.parametrize("value", [2**40, -(2**40), 10**30])
def test_out_of_range_numbers_do_not_reach_the_database(engine: Engine, value: int) -> None:
    kind, base = BASES[1]
    raw = copy.deepcopy(base)
    raw.update(episode_run_time=[value], number_of_episodes=value, vote_count=value)
    raw["seasons"][0]["episode_count"] = value
    store = Store(engine)
    store.titles.save(build_bundle(kind, raw))
    with engine.connect() as connection:
        row = connection.execute(
            select(Content.episode_run_time, Content.number_of_episodes, Content.vote_count)
        ).one()
    assert tuple(row) == (None, None, None)
