"""Settings read only their documented names, hide secrets by type and trim keys."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tmdbsync.errors import ConfigError
from tmdbsync.settings import Settings, load_settings

PASSWORD = "pw-canary-4711"


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting from the developer's shell or .env; the working directory is empty."""
    monkeypatch.chdir(tmp_path)
    for name in list(Settings.model_fields) + [
        str(f.validation_alias) for f in Settings.model_fields.values()
    ]:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def test_ambient_unprefixed_names_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://someone@elsewhere/app")
    monkeypatch.setenv("START", "1999-01")
    monkeypatch.setenv("CONCURRENCY", "3")
    monkeypatch.setenv("tmdb_base_url", "http://not-tmdb.example")
    settings = load_settings()
    assert settings.database_url.get_secret_value() == "sqlite:///tmdbsync.db"
    assert str(settings.start) == "1900-01"
    assert settings.concurrency == 12


def test_unprefixed_names_in_dot_env_are_not_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=sqlite:///other.db\nSTART=1999-01\n")
    settings = load_settings()
    assert settings.database_url.get_secret_value() == "sqlite:///tmdbsync.db"
    assert str(settings.start) == "1900-01"


def test_documented_names_still_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMDBSYNC_START", "1999-01")
    (tmp_path / ".env").write_text("TMDBSYNC_CONCURRENCY=3\nTMDBSYNC_MAX_RESPONSE_MB=8\n")
    settings = load_settings()
    assert (str(settings.start), settings.concurrency, settings.max_response_mb) == (
        "1999-01",
        3,
        8,
    )


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_empty_or_blank_keys_count_as_missing(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    for name in ("TMDB_API_KEY", "TMDB_ACCESS_TOKEN", "OMDB_API_KEY", "TRAKT_CLIENT_ID"):
        monkeypatch.setenv(name, blank)
    settings = load_settings()
    assert settings.tmdb_api_key is None
    assert settings.omdb_api_key is None
    assert settings.trakt_client_id is None
    assert settings.secrets() == []
    with pytest.raises(ConfigError, match="TMDB_API_KEY"):
        settings.require_tmdb_auth()


def test_keys_are_stripped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMDB_API_KEY", "  abc123 \n")
    settings = load_settings(omdb_api_key=" o-key ")
    assert settings.tmdb_api_key is not None
    assert settings.omdb_api_key is not None
    assert settings.tmdb_api_key.get_secret_value() == "abc123"
    assert settings.omdb_api_key.get_secret_value() == "o-key"


def test_a_misspelt_name_is_warned_about_with_the_closest_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TMDBSYNC_STRAT", "2020-01")
    monkeypatch.setenv("TMDBSYNC_TEST_POSTGRES_URL", "postgresql://x@y/z")  # the tests' own
    (tmp_path / ".env").write_text("TMDBSYNC_MOVIESHARE=0.2\nTMDBSYNC_END=2024-01\n")
    with caplog.at_level(logging.WARNING, logger="tmdbsync.settings"):
        load_settings()
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines
    assert "TMDBSYNC_STRAT" in lines[1]
    assert "did you mean TMDBSYNC_START?" in lines[1]
    assert "TMDBSYNC_MOVIESHARE" in lines[0]
    assert "TMDBSYNC_MOVIE_SHARE" in lines[0]


def test_database_password_hidden_in_repr_and_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql+psycopg://me:{PASSWORD}@db.example/mirror"
    monkeypatch.setenv("TMDBSYNC_DATABASE_URL", url)
    settings = load_settings()
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings)
    assert PASSWORD not in settings.safe_database_url
    monkeypatch.setenv("TMDBSYNC_DATABASE_URL", url.replace("+psycopg", "+psycopg2"))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert PASSWORD not in str(caught.value)
    assert "me:***@db.example" in str(caught.value)
