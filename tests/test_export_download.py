"""Export files are downloaded as API answers are read: capped, no redirect followed, redacted."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path
from typing import Any

import pytest

from tests.test_http_client import requests_served, texts_of
from tmdbsync.errors import RedirectRefused, RetryableError
from tmdbsync.fakeapi import FakeApi, ScriptedResponse
from tmdbsync.fakeapi.hostile import oversized, redirect
from tmdbsync.settings import Settings
from tmdbsync.sync.export_apply import ExportUnreadable
from tmdbsync.sync.exports import download

NAME = "movie_ids_02_01_2026.json.gz"
KEY = "canary-EXPORT-key"
CAP_MB = 1


def fetch(fake: FakeApi, dest: Path, exports_url: str | None = None, query: str = "") -> bool:
    """Download NAME from `exports_url`: by default the fake TMDb's side, where answers can be
    scripted (the fake's real export files are served as they are)."""
    settings = Settings(
        tmdb_exports_url=exports_url or f"{fake.tmdb_url}/p/exports",
        tmdb_api_key=KEY,
        tmdb_access_token=None,
        max_response_mb=CAP_MB,
        http_timeout=5,
    )
    return asyncio.run(download(f"{settings.tmdb_exports_url}/{NAME}{query}", dest, settings))


def raised(fake: FakeApi, dest: Path, error: type[Exception], query: str = "") -> Exception:
    with pytest.raises(error) as caught:
        fetch(fake, dest, query=query)
    assert not any(KEY in text for text in texts_of(caught.value))
    assert requests_served(fake) == 1
    return caught.value


def test_a_published_file_is_stored_as_sent(fake_api: FakeApi, tmp_path: Path) -> None:
    dest = tmp_path / NAME
    assert fetch(fake_api, dest, exports_url=fake_api.exports_url)
    lines = gzip.decompress(dest.read_bytes()).splitlines()
    assert lines == fake_api.exports.lines("movie")


@pytest.mark.parametrize("status", [403, 404])
def test_a_file_not_published_yet_is_false(fake_api: FakeApi, tmp_path: Path, status: int) -> None:
    fake_api.script(NAME, [ScriptedResponse(status=status)])
    dest = tmp_path / NAME
    assert not fetch(fake_api, dest)
    assert not dest.exists()


@pytest.mark.parametrize(
    ("answer", "error", "words"),
    [
        (ScriptedResponse(status=500), RetryableError, "HTTP 500"),
        (ScriptedResponse(kind="reset"), ExportUnreadable, "Error"),
    ],
    ids=["server-error", "reset"],
)
def test_a_failed_download_names_the_url_without_the_key(
    fake_api: FakeApi, tmp_path: Path, answer: Any, error: type[Exception], words: str
) -> None:
    fake_api.script(NAME, [answer])
    failure = raised(fake_api, tmp_path / NAME, error, query=f"?api_key={KEY}")
    assert f"{NAME}?api_key=***" in str(failure)
    assert words in str(failure)


def test_a_redirect_is_refused_naming_the_host_and_the_setting(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    fake_api.script(NAME, [redirect(f"https://elsewhere.example/{NAME}?api_key={KEY}", 302)])
    dest = tmp_path / NAME
    failure = raised(fake_api, dest, RedirectRefused)
    assert "HTTP 302: redirect to elsewhere.example not followed" in str(failure)
    assert "TMDB_EXPORTS_URL" in str(failure)
    assert not dest.exists()


def test_an_endless_file_is_cut_at_the_response_cap(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.script(NAME, [oversized(None)])
    dest = tmp_path / NAME
    failure = raised(fake_api, dest, ExportUnreadable)
    assert f"TMDBSYNC_MAX_RESPONSE_MB={CAP_MB}" in str(failure)
    assert dest.stat().st_size <= CAP_MB << 20, "more than the cap was written"
