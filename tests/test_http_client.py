"""ApiClient, TmdbClient and OmdbClient over real sockets against the bundled fake API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine

from tmdbsync.errors import (
    AuthError,
    BadPayload,
    NotFoundError,
    QuotaExhausted,
    RetryableError,
)
from tmdbsync.fakeapi import FakeApi, Faults, ScriptedResponse
from tmdbsync.http import ApiClient
from tmdbsync.omdb import OmdbClient, daily_limit
from tmdbsync.quota import QuotaLedger
from tmdbsync.ratelimit import RateLimiter, Slot
from tmdbsync.redaction import redact
from tmdbsync.settings import Settings
from tmdbsync.tmdb import TmdbClient

TMDB_KEY = "fake-tmdb-key"
OMDB_KEY = "fake-omdb-key"
CANARY = "canary-SECRET-123"
GENRES = "/genre/movie/list"
FAST: dict[str, Any] = {"backoff_base": 0.01, "backoff_cap": 0.05, "max_retries": 3}
T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture
def ledger(sqlite_engine: Engine) -> QuotaLedger:
    """Unlimited, so every test can count exactly how many attempts were reserved."""
    return QuotaLedger(sqlite_engine, "tmdb", 0, 0.5)


@pytest.fixture
def omdb_ledger(sqlite_engine: Engine) -> QuotaLedger:
    return QuotaLedger(sqlite_engine, "omdb", 0, 0.5)


def api(
    fake: FakeApi,
    ledger: QuotaLedger,
    *,
    provider: str = "tmdb",
    key: str = TMDB_KEY,
    limiter: RateLimiter | None = None,
    **options: Any,
) -> ApiClient:
    """A client with fast backoff, pointed at one of the fake's two APIs."""
    tmdb = provider == "tmdb"
    return ApiClient(
        provider=provider,
        base_url=fake.tmdb_url if tmdb else fake.omdb_url,
        ledger=ledger,
        limiter=limiter or RateLimiter(100, 1.0),
        auth_params={"api_key" if tmdb else "apikey": key},
        secrets=[key],
        **(FAST | options),
    )


def omdb_client(fake: FakeApi, ledger: QuotaLedger, key: str = OMDB_KEY) -> OmdbClient:
    """An OmdbClient on the fake OMDb, with OMDb's daily-limit hook as from_settings gives it."""
    return OmdbClient(api(fake, ledger, provider="omdb", key=key, daily_limit=daily_limit))


async def fetch(client: ApiClient, path: str = GENRES) -> Any:
    async with client:
        return await client.get(path, bucket="movie")


class PausedClock:
    """The limiter's clock: it stands still, and a sleeper waits until the test sets `wake`;
    then the clock moves on by what the sleeper asked for."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.asleep = asyncio.Event()
        self.wake = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.asleep.set()
        await self.wake.wait()
        self.now += seconds


class StartLog(RateLimiter):
    """A limiter on a PausedClock that remembers the clock reading of every start it grants."""

    def __init__(self, clock: PausedClock) -> None:
        super().__init__(100, 1.0, clock=clock, sleep=clock.sleep)
        self.starts: list[float] = []

    async def acquire(self, before_start: Callable[[], Awaitable[object]] | None = None) -> Slot:
        slot = await super().acquire(before_start)
        self.starts.append(self.clock())
        return slot


def requests_served(fake: FakeApi) -> int:
    return int(fake.stats()["requests"])


def texts_of(error: BaseException) -> Iterator[str]:
    """The text of an exception and of everything chained to it."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield f"{current!s} {current!r} {current.args!r}"
        current = current.__cause__ or current.__context__


def test_three_503s_then_success_reserves_four(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(GENRES, [ScriptedResponse(status=503)] * 3)
    before = requests_served(fake_api)
    payload = run(fetch(api(fake_api, ledger)))
    assert isinstance(payload["genres"], list)
    assert requests_served(fake_api) - before == 4
    assert ledger.used("movie") == 4


def test_persistent_5xx_gives_up_after_max_retries(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(GENRES, [ScriptedResponse(status=502)] * 10)
    before = requests_served(fake_api)
    with pytest.raises(RetryableError, match="HTTP 502"):
        run(fetch(api(fake_api, ledger, max_retries=2)))
    assert requests_served(fake_api) - before == 3
    assert ledger.used("movie") == 3


def test_429_retry_after_holds_every_request(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(GENRES, [ScriptedResponse(status=429, headers={"Retry-After": "1"})])

    async def scenario() -> tuple[PausedClock, StartLog]:
        clock = PausedClock()
        limiter = StartLog(clock)
        async with api(fake_api, ledger, limiter=limiter) as client:
            first = asyncio.create_task(client.get(GENRES, bucket="movie"))
            asleep = asyncio.create_task(clock.asleep.wait())
            await asyncio.wait([first, asleep], return_when=asyncio.FIRST_COMPLETED)
            assert not first.done(), "the retry waits out the Retry-After"
            second = asyncio.create_task(client.get("/genre/tv/list", bucket="movie"))
            await asyncio.sleep(0)  # the second request is issued during the pause
            clock.wake.set()
            await asyncio.gather(first, second)
        return clock, limiter

    clock, limiter = run(scenario())
    assert clock.sleeps == [1.0]
    # the first attempt, its retry, and the request issued during the pause
    assert limiter.starts == [0.0, 1.0, 1.0], "a request issued during the pause waited too"
    assert ledger.used("movie") == 3


def test_long_retry_after_is_quota_exhausted(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    """Not slept through: no wait at all, and the request is not retried."""
    fake_api.script(GENRES, [ScriptedResponse(status=429, headers={"Retry-After": "3600"})])
    clock = PausedClock()
    limiter = RateLimiter(100, 1.0, clock=clock, sleep=clock.sleep)
    before = requests_served(fake_api)
    with pytest.raises(QuotaExhausted, match="rate limited for 3600 s") as raised:
        run(fetch(api(fake_api, ledger, limiter=limiter, max_retry_after=60)))
    assert clock.sleeps == []
    assert requests_served(fake_api) - before == 1
    assert (raised.value.provider, raised.value.bucket) == ("tmdb", "movie")


def test_401_is_fatal_and_not_retried(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    before = requests_served(fake_api)
    with pytest.raises(AuthError) as raised:
        run(fetch(api(fake_api, ledger, key=CANARY)))
    assert requests_served(fake_api) - before == 1
    assert "Invalid API key" in str(raised.value)
    assert all(CANARY not in text for text in texts_of(raised.value))


def test_404_is_not_retried(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(r"/movie/\d+$", [ScriptedResponse(status=404)])
    before = requests_served(fake_api)
    with pytest.raises(NotFoundError):
        run(fetch(api(fake_api, ledger), "/movie/1"))
    assert requests_served(fake_api) - before == 1
    assert ledger.used("movie") == 1


def test_malformed_body_is_retried_then_bad_payload(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(GENRES, [ScriptedResponse(status=200, kind="malformed")] * 3)
    with pytest.raises(BadPayload, match="malformed JSON") as raised:
        run(fetch(api(fake_api, ledger, max_retries=2)))
    assert GENRES in str(raised.value)
    assert ledger.used("movie") == 3


def test_malformed_then_good_body_succeeds(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(GENRES, [ScriptedResponse(status=200, kind="malformed")])
    assert "genres" in run(fetch(api(fake_api, ledger)))


def test_timeout_bounds_the_whole_attempt(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    """The server holds the answer for 5 s; our own deadline (not httpx's) ends the attempt."""
    fake_api.faults = Faults(timeout_seconds=5.0)
    fake_api.script(GENRES, [ScriptedResponse(status=200, kind="timeout")])
    with pytest.raises(RetryableError, match=r"no complete response within 0\.5 s"):
        run(fetch(api(fake_api, ledger, timeout=0.5, max_retries=0)))


def test_reset_connection_is_retried(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    fake_api.script(GENRES, [ScriptedResponse(kind="reset")] * 2)
    assert "genres" in run(fetch(api(fake_api, ledger)))
    assert ledger.used("movie") == 3


LIMIT_BODY = {"Response": "False", "Error": "Request limit reached!"}


@pytest.mark.parametrize("status", [200, 401])
def test_omdb_limit_reached_stops_every_omdb_request(
    fake_api: FakeApi, omdb_ledger: QuotaLedger, status: int
) -> None:
    fake_api.script(r"omdb", [ScriptedResponse(status=status, body=LIMIT_BODY)])
    client = omdb_client(fake_api, omdb_ledger)
    errors: list[QuotaExhausted] = []

    async def scenario() -> None:
        async with client.api:
            for bucket in ("tv", "movie"):
                with pytest.raises(QuotaExhausted, match="OMDb request limit reached") as raised:
                    await client.by_imdb_id("tt0111161", bucket=bucket)
                errors.append(raised.value)

    before = requests_served(fake_api)
    run(scenario())
    assert [(error.provider, error.bucket) for error in errors] == [
        ("omdb", "tv"),
        ("omdb", "movie"),
    ]
    assert requests_served(fake_api) - before == 1, "the other bucket asked nothing"


def test_without_a_daily_limit_hook_the_client_goes_by_the_status(
    fake_api: FakeApi, omdb_ledger: QuotaLedger
) -> None:
    """The generic client knows no provider: OMDb's limit in a 401 body is only a 401 to it."""
    fake_api.script(r"omdb", [ScriptedResponse(status=401, body=LIMIT_BODY)])
    with pytest.raises(AuthError, match="Request limit reached"):
        run(fetch(api(fake_api, omdb_ledger, provider="omdb", key=OMDB_KEY), ""))


@pytest.mark.parametrize("error", ["Movie not found!", "Incorrect IMDb ID.", "Error getting data."])
def test_omdb_not_found_is_none(fake_api: FakeApi, omdb_ledger: QuotaLedger, error: str) -> None:
    body = {"Response": "False", "Error": error}
    fake_api.script(r"omdb", [ScriptedResponse(status=200, body=body)])
    client = omdb_client(fake_api, omdb_ledger)

    async def scenario() -> Any:
        try:
            return await client.by_imdb_id("tt9999999", bucket="movie")
        finally:
            await client.aclose()

    assert run(scenario()) is None


def test_omdb_bad_key_is_auth_error(fake_api: FakeApi, omdb_ledger: QuotaLedger) -> None:
    client = omdb_client(fake_api, omdb_ledger, CANARY)

    async def scenario() -> Any:
        try:
            return await client.by_imdb_id("tt0111161", bucket="movie")
        finally:
            await client.aclose()

    with pytest.raises(AuthError) as raised:
        run(scenario())
    assert all(CANARY not in text for text in texts_of(raised.value))


def test_key_never_leaks(
    fake_api: FakeApi, ledger: QuotaLedger, caplog: pytest.LogCaptureFixture
) -> None:
    """Through every failure path, the key is in no exception, repr or log line."""
    for name in ("tmdbsync", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    fake_api.faults = Faults(timeout_seconds=3.0)
    fake_api.script(
        GENRES,
        [
            ScriptedResponse(status=503),
            ScriptedResponse(kind="reset"),
            ScriptedResponse(status=200, kind="malformed"),
            ScriptedResponse(status=200, kind="timeout"),
            ScriptedResponse(status=429, headers={"Retry-After": "0"}),
            ScriptedResponse(status=500),
        ],
    )
    client = api(fake_api, ledger, timeout=0.5, max_retries=5)
    assert TMDB_KEY not in repr(client)
    with pytest.raises(RetryableError) as raised:
        run(fetch(client))
    errors: list[BaseException] = [raised.value]
    with pytest.raises(AuthError) as rejected:
        run(fetch(api(fake_api, ledger, key=CANARY)))
    errors.append(rejected.value)
    texts = [text for error in errors for text in texts_of(error)]
    logs = [record.getMessage() for record in caplog.records] + [caplog.text]
    assert any("api_key=***" in line for line in logs), "httpx's request lines were captured"
    for secret in (TMDB_KEY, CANARY):
        assert not [text for text in texts + logs if secret in text]


def test_redact_hides_secrets_and_query_keys() -> None:
    text = "GET /x?api_key=abc123&page=2 apikey=zzz token s3cr%2Ft s3cr/t"
    assert redact(text, ["s3cr/t"]) == "GET /x?api_key=***&page=2 apikey=*** token *** ***"


@pytest.mark.parametrize("backoff", [0.0, 0.2])
def test_retry_backoff_setting_bounds_each_wait(
    fake_api: FakeApi, ledger: QuotaLedger, caplog: pytest.LogCaptureFixture, backoff: float
) -> None:
    """TMDBSYNC_RETRY_BACKOFF: the first retry waits up to it, the second up to twice it."""
    caplog.set_level(logging.WARNING, logger="tmdbsync.http")
    fake_api.script(GENRES, [ScriptedResponse(status=503)] * 2)
    settings = Settings(
        tmdb_base_url=fake_api.tmdb_url,
        tmdb_api_key=TMDB_KEY,
        tmdb_access_token=None,
        retry_backoff=backoff,
    )

    async def genres() -> list[dict[str, Any]]:
        client = TmdbClient.from_settings(settings, ledger)
        try:
            return await client.genres("movie", bucket="movie")
        finally:
            await client.aclose()

    assert run(genres())
    waits = [float(r.getMessage().rsplit(" in ", 1)[1].split()[0]) for r in caplog.records]
    assert len(waits) == 2
    assert 0 <= waits[0] <= backoff
    assert 0 <= waits[1] <= 2 * backoff


def test_tmdb_bearer_and_query_key(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    async def genres(settings: Settings) -> list[dict[str, Any]]:
        client = TmdbClient.from_settings(settings, ledger)
        try:
            return await client.genres("movie", bucket="movie")
        finally:
            await client.aclose()

    def settings(**auth: str | None) -> Settings:
        return Settings(tmdb_base_url=fake_api.tmdb_url, **auth)  # type: ignore[arg-type]

    assert run(genres(settings(tmdb_access_token="fake-tmdb-token", tmdb_api_key=None)))
    assert run(genres(settings(tmdb_api_key=TMDB_KEY, tmdb_access_token=None)))
    wrong = settings(tmdb_access_token=CANARY, tmdb_api_key=None)
    with pytest.raises(AuthError):
        run(genres(wrong))


def test_tmdb_rejects_too_many_appends(fake_api: FakeApi, ledger: QuotaLedger) -> None:
    client = TmdbClient(api(fake_api, ledger))
    with pytest.raises(ValueError, match="at most 20"):
        run(client.details("movie", 1, [f"a{i}" for i in range(21)], bucket="movie"))
    run(client.aclose())


def test_omdb_client_needs_a_key(ledger: QuotaLedger) -> None:
    assert OmdbClient.from_settings(Settings(omdb_api_key=None), ledger) is None
