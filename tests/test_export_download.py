"""Export files are downloaded as API answers are read: capped, no redirect followed, redacted."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.sync_support import rows
from tests.test_http_client import requests_served, texts_of
from tmdbsync.errors import RedirectRefused, RetryableError
from tmdbsync.fakeapi import FakeApi, ScriptedResponse
from tmdbsync.fakeapi.hostile import gzip_bomb, oversized, redirect
from tmdbsync.settings import Settings
from tmdbsync.sync import exports
from tmdbsync.sync.export_apply import MAX_LINE, ExportUnreadable
from tmdbsync.sync.exports import download
from tmdbsync.sync.person_export import apply_person_export

NAME = "movie_ids_02_01_2026.json.gz"
KEY = "canary-EXPORT-key"
CAP_MB = 1


def fetch(
    fake: FakeApi,
    dest: Path,
    exports_url: str | None = None,
    query: str = "",
    timeout: float = 5,
) -> bool:
    """Download NAME from `exports_url`: by default the fake TMDb's side, where answers can be
    scripted (the fake's real export files are served as they are)."""
    settings = Settings(
        tmdb_exports_url=exports_url or f"{fake.tmdb_url}/p/exports",
        tmdb_api_key=KEY,
        tmdb_access_token=None,
        max_response_mb=CAP_MB,
        http_timeout=timeout,
    )
    return asyncio.run(download(f"{settings.tmdb_exports_url}/{NAME}{query}", dest, settings))


def raised(
    fake: FakeApi, dest: Path, error: type[Exception], query: str = "", timeout: float = 5
) -> Exception:
    with pytest.raises(error) as caught:
        fetch(fake, dest, query=query, timeout=timeout)
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


def test_a_download_trickling_past_its_deadline_is_cut_off(
    fake_api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A piece every 0.5 s never trips the 1 s read timeout: only the whole download's deadline
    (here 3 × TMDBSYNC_HTTP_TIMEOUT) ends it, long before the 10 s the file would take."""
    monkeypatch.setattr(exports, "DEADLINE_TIMEOUTS", 3)
    fake_api.script(NAME, [ScriptedResponse(status=200, body="x" * 20_000, drip_seconds=10)])
    started = time.monotonic()
    failure = raised(fake_api, tmp_path / NAME, ExportUnreadable, timeout=1)
    elapsed = time.monotonic() - started
    assert "not complete after 3 s (3 × TMDBSYNC_HTTP_TIMEOUT)" in str(failure)
    assert 3 <= elapsed < 6, elapsed


def test_a_small_file_unpacking_to_one_endless_line_is_refused_in_flat_memory(
    fake_api: FakeApi, tmp_path: Path, engine: Engine
) -> None:
    """256 MiB of one line is a few hundred KB of gzip, under the download's cap (which counts
    the bytes sent): reading it stops at the first line over MAX_LINE, and nothing is applied."""
    fake_api.script(NAME, [gzip_bomb(256 << 20)])
    dest = tmp_path / NAME
    assert fetch(fake_api, dest)
    assert dest.stat().st_size < CAP_MB << 20
    tracemalloc.start()
    try:
        with pytest.raises(ExportUnreadable, match=f"a line is longer than {MAX_LINE:,} bytes"):
            apply_person_export(engine, date(2026, 2, 1), dest)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"peak {peak:,} bytes"
    assert rows(engine, "select count(*) from export_log") == [(0,)]
