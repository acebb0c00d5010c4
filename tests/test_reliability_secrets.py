"""Secrets: canary keys appear nowhere: not in -v logs, errors, `status`, the database or repr."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.reliability_support import (
    quiet_fake_server,
    run_cli,
    settings_for,
    sync_env,
    text_columns,
)
from tmdbsync.db.engine import make_engine
from tmdbsync.errors import AuthError
from tmdbsync.fakeapi import FakeApi, Faults, ScriptedResponse
from tmdbsync.settings import load_settings
from tmdbsync.sync.orchestrator import sync_contents

TMDB_KEY = "canaryTMDBkey0a1b2c3d"
TMDB_TOKEN = "eyJcanary.TOKEN.4e5f6a7b"
OMDB_KEY = "canaryOMDBkey8c9d0e"
DB_PASSWORD = "canaryDBpass1f2e"
CANARIES = (TMDB_KEY, TMDB_TOKEN, OMDB_KEY, DB_PASSWORD)
MONTH, SCALE = "2024-02", 0.3


def leaks(*texts: str) -> list[str]:
    return [canary for canary in CANARIES for text in texts if canary in text]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    quiet_fake_server(monkeypatch)
    faults = Faults(
        error_rate=0.05,
        timeout_rate=0.01,
        reset_rate=0.02,
        malformed_rate=0.02,
        timeout_seconds=3,
        seed=9,
    )
    with FakeApi(
        seed=42,
        scale=SCALE,
        tmdb_api_key=TMDB_KEY,
        tmdb_access_token=TMDB_TOKEN,
        omdb_api_key=OMDB_KEY,
        faults=faults,
    ) as fake:
        yield fake


@pytest.mark.slow
def test_no_canary_in_logs_output_status_or_database(
    fake: FakeApi, sqlite_database_url: str, tmp_path: Path
) -> None:
    """SQLite only: what text reaches the database does not depend on the backend."""
    database_url = sqlite_database_url
    # Errors, resets, malformed bodies, a 429 and OMDb's limit: every failure path logs.
    fake.script(r"^/3/discover/tv$", [ScriptedResponse(status=429, headers={"Retry-After": "0"})])
    fake.set_omdb_daily_limit(3)
    env = sync_env(
        fake,
        database_url,
        MONTH,
        MONTH,
        tmdb_key=TMDB_KEY,
        omdb_key=OMDB_KEY,
        TMDBSYNC_PRINCIPAL_CAST="2",
    )
    outputs = []
    for args in (["sync", "-v"], ["status"], ["status", "--json"]):
        result = run_cli(args, env, tmp_path)
        assert result.returncode == 0, result.stderr
        outputs += [result.stdout, result.stderr]
    assert "GET /discover/movie" in outputs[1], "-v logs every request"
    assert "OMDb" in outputs[0] + outputs[1]

    assert not leaks(*outputs)
    engine = make_engine(database_url)
    try:
        values = list(text_columns(engine))
        assert len(values) > 1000
        assert not [(t, c) for t, c, value in values if leaks(value)]
    finally:
        engine.dispose()


def test_no_canary_in_settings_repr_or_errors(fake: FakeApi, tmp_path: Path) -> None:
    url = f"postgresql+psycopg://someone:{DB_PASSWORD}@127.0.0.1:1/nothing"
    settings = load_settings(
        database_url=url,
        tmdb_api_key=TMDB_KEY,
        tmdb_access_token=TMDB_TOKEN,
        omdb_api_key=OMDB_KEY,
    )
    shown = [repr(settings), str(settings), settings.safe_database_url, f"{settings!r}"]
    assert not leaks(*shown)

    # An unreachable database with a password in its URL.
    env = {"TMDBSYNC_DATABASE_URL": url, "TMDB_API_KEY": TMDB_KEY, "OMDB_API_KEY": OMDB_KEY}
    result = run_cli(["status"], env, tmp_path)
    assert result.returncode == 2
    assert "unusable" in result.stderr
    assert not leaks(result.stdout, result.stderr)

    # A rejected key raised in this process: the exception and everything chained to it.
    sqlite = f"sqlite:///{tmp_path / 'e.db'}"
    wrong = settings_for(fake, sqlite, MONTH, MONTH, tmdb_api_key=TMDB_KEY + "x")
    engine: Engine = make_engine(sqlite)
    from tmdbsync.db.engine import upgrade

    upgrade(engine)
    with pytest.raises(AuthError) as raised:
        asyncio.run(sync_contents(wrong, engine))
    chain: list[str] = []
    error: BaseException | None = raised.value
    while error is not None:
        chain += [str(error), repr(error), repr(error.args)]
        error = error.__cause__ or error.__context__
    assert not leaks(*chain)
    engine.dispose()


@pytest.mark.slow
def test_no_canary_from_a_bearer_token_or_rejected_keys(fake: FakeApi, tmp_path: Path) -> None:
    """The read-access token travels in a header; rejected keys end the run with an error."""
    url = f"sqlite:///{tmp_path / 'bearer.db'}"
    env = sync_env(fake, url, MONTH, MONTH, tmdb_key=TMDB_KEY, omdb_key=OMDB_KEY)
    bearer = env | {"TMDB_API_KEY": "", "TMDB_ACCESS_TOKEN": TMDB_TOKEN}
    result = run_cli(["sync", "-v", "--max-pages", "1"], bearer, tmp_path)
    assert result.returncode == 0, result.stderr
    outputs = [result.stdout, result.stderr]
    for key in ("TMDB_API_KEY", "TMDB_ACCESS_TOKEN"):
        fresh = f"sqlite:///{tmp_path / f'rejected-{key}.db'}"
        rejected = env | {
            "TMDBSYNC_DATABASE_URL": fresh,
            "TMDB_API_KEY": "",
            key: TMDB_KEY[::-1] + TMDB_KEY,
        }
        result = run_cli(["sync", "-v"], rejected, tmp_path)
        assert result.returncode == 2, result.stderr
        assert "HTTP 401" in result.stderr, result.stderr
        outputs += [result.stdout, result.stderr]
    assert not leaks(*outputs)
