"""Redirects are never followed; bodies are capped while they stream (real sockets, the fake)."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.test_http_client import GENRES, TMDB_KEY, api, fetch, requests_served, texts_of
from tmdbsync.errors import BadPayload, RedirectRefused, ResponseTooLarge
from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.hostile import gzip_bomb, oversized, redirect, redirect_chain
from tmdbsync.http_body import STEP
from tmdbsync.quota import QuotaLedger

CAP = 1 << 20  # 1 MB in these tests; the default is 64 MB
BIG = 64 << 20


@pytest.fixture
def ledger(sqlite_engine: Engine) -> QuotaLedger:
    return QuotaLedger(sqlite_engine, "tmdb", 0, 0.5)


def refused(fake: FakeApi, ledger: QuotaLedger, error: type[Exception]) -> Exception:
    with pytest.raises(error) as caught:
        asyncio.run(fetch(api(fake, ledger, max_body_bytes=CAP)))
    return caught.value


def test_redirect_to_another_host_is_refused_naming_the_host_not_the_key(
    fake_api: FakeApi, ledger: QuotaLedger
) -> None:
    target = f"https://elsewhere.example/3{GENRES}?api_key={TMDB_KEY}"
    fake_api.script(GENRES, [redirect(target, 301)])
    error = refused(fake_api, ledger, RedirectRefused)
    assert "elsewhere.example" in str(error)
    assert "TMDB_BASE_URL" in str(error)
    assert "\n" not in str(error)
    assert not any(TMDB_KEY in text for text in texts_of(error))
    assert requests_served(fake_api) == 1
    assert ledger.used("movie") == 1


def test_a_chain_of_redirects_costs_one_request_and_is_counted_once(
    fake_api: FakeApi, ledger: QuotaLedger
) -> None:
    for path, answer in redirect_chain(f"/3{GENRES}", hops=15):
        fake_api.script(path, [answer])
    error = refused(fake_api, ledger, RedirectRefused)
    assert "HTTP 302" in str(error)
    assert "127.0.0.1" in str(error)
    assert requests_served(fake_api) == 1, "a hop was followed"
    assert ledger.used("movie") == 1


def test_relative_redirect_names_the_base_host(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(GENRES, [redirect("/3/moved", 308)])
    error = refused(fake_api, ledger, RedirectRefused)
    assert "redirect to 127.0.0.1 not followed" in str(error)


def peak_while(action: Any) -> tuple[Exception | None, int]:
    """Run `action`; the exception it raised, and the most Python memory held meanwhile."""
    tracemalloc.start()
    try:
        action()
    except Exception as exc:
        return exc, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return None, 0


@pytest.mark.parametrize(
    "body",
    [oversized(BIG), oversized(None), gzip_bomb(BIG), gzip_bomb(None)],
    ids=["oversized", "endless", "gzip-bomb", "endless-gzip-bomb"],
)
def test_a_body_over_the_cap_is_refused_before_it_is_in_memory(
    fake_api: FakeApi, ledger: QuotaLedger, body: Any
) -> None:
    fake_api.script(GENRES, [body])
    client = api(fake_api, ledger, max_body_bytes=CAP)
    error, peak = peak_while(lambda: asyncio.run(fetch(client)))
    assert isinstance(error, ResponseTooLarge)
    assert isinstance(error, BadPayload)
    assert "TMDBSYNC_MAX_RESPONSE_MB=1" in str(error)
    decoded = int(str(error).split("refused after ")[1].split()[0].replace(",", ""))
    assert CAP < decoded <= CAP + STEP, "decoding went on past the cap"
    assert peak < 4 * CAP, f"{peak:,} bytes held for a body capped at {CAP:,}"
    assert requests_served(fake_api) == 1, "a body too large was asked for again"


def test_a_compressed_body_within_the_cap_is_decoded(
    fake_api: FakeApi, ledger: QuotaLedger
) -> None:
    fake_api.script(GENRES, [gzip_bomb(CAP // 2)])
    body = asyncio.run(fetch(api(fake_api, ledger, max_body_bytes=CAP)))
    assert len(body["padding"]) == CAP // 2 - len('{"padding":""}')
