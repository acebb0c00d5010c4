"""HTTP shared by TMDb, OMDb and Trakt: quota reservation, retries, redirects refused.

Every attempt waits for the provider's rate limiter (ratelimit.py) and is then reserved in the
quota ledger just before it leaves, so retries are paid for like any request and a crash
over-counts only requests that were on the wire. Keys travel in query strings, so every message
this module produces is built from a redacted path (redaction.py), and exceptions are raised
outside `except` blocks so no transport error carrying the full URL is chained to them.
Redirects are never followed (each hop would carry the key, uncounted and unlimited), and bodies
are read under a size cap (http_body.py). Every attempt leaves one DEBUG record on the
`tmdbsync.http` logger, its fields `event="request"`, `provider`, `path` (no query), `status` and
`ms`: what `-v` prints, and what the benchmarks count requests by. Nothing here knows a provider
by name: a provider's quirks come in as hooks (`DailyLimit`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlencode

import httpx

from tmdbsync.errors import (
    AuthError,
    BadPayload,
    NotFoundError,
    QuotaExhausted,
    RedirectRefused,
    RequestRejected,
    ResponseTooLarge,
    RetryableError,
)
from tmdbsync.http_body import (
    ACCEPT_ENCODING,
    BadEncoding,
    BodyTooLarge,
    Reply,
    parsed_reply,
    read_capped,
)
from tmdbsync.kinds import Bucket
from tmdbsync.quota import QuotaLedger
from tmdbsync.ratelimit import SEND_MARGIN, RateLimiter, Slot
from tmdbsync.redaction import quiet_transport_loggers, redact

if TYPE_CHECKING:
    from tmdbsync.settings import RateLimit, Settings

log = logging.getLogger("tmdbsync.http")

# A provider that tells of its daily limit in a body (of any status) rather than by a status of
# its own: given the parsed body, why nothing more may go out today, or None.
DailyLimit = Callable[[Any], str | None]


def refused_redirect(
    where: str, location: str | None, *, base: httpx.URL, setting: str, secrets: Iterable[str]
) -> RedirectRefused:
    """A 3xx, fatal: our hosts do not redirect what we ask, so `setting` is wrong (or something
    intercepts); following would send the key to wherever it points. Names the host only."""
    try:
        host = httpx.URL(location).host or base.host if location else "no Location"
    except httpx.InvalidURL:
        host = "an invalid Location"
    return RedirectRefused(
        f"{where}: redirect to {redact(host, secrets)} not followed; "
        f"check {setting} (now {redact(str(base), secrets)})"
    )


@dataclass(frozen=True)
class _Retry:
    """Why an attempt failed transiently, and how long the server asked us to wait."""

    reason: str
    malformed: bool = False
    rate_limited: bool = False
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if absent or junk."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class ApiClient:
    """One provider's HTTP: auth, quota reservation, rate limit, retries, redaction."""

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        ledger: QuotaLedger,
        limiter: RateLimiter,
        auth_params: Mapping[str, str] = {},
        headers: Mapping[str, str] = {},
        secrets: Sequence[str] = (),
        timeout: float = 30.0,
        max_retries: int = 5,
        max_retry_after: float = 120.0,
        max_connections: int = 16,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        max_body_bytes: int = 64 << 20,
        daily_limit: DailyLimit | None = None,
    ) -> None:
        self.provider = provider
        self.ledger = ledger
        self.limiter = limiter
        self._auth_params = dict(auth_params)
        self._secrets = (*secrets, *auth_params.values())
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_retry_after = max_retry_after
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._max_body_bytes = max_body_bytes
        self._daily_limit = daily_limit
        self._in_flight = asyncio.Semaphore(max_connections)
        self._reserving: dict[Bucket, asyncio.Lock] = {}
        # Buckets (or "*" for all) the provider told us to leave alone for this run: why, and
        # until when (on the monotonic clock) if it said.
        self._stopped: dict[str, tuple[str, float | None]] = {}
        quiet_transport_loggers()
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING, **headers},
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            follow_redirects=False,
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        provider: str,
        base_url: str,
        ledger: QuotaLedger,
        rate_limit: RateLimit,
        auth_params: Mapping[str, str] = {},
        headers: Mapping[str, str] = {},
        daily_limit: DailyLimit | None = None,
    ) -> ApiClient:
        """A client with the retry, timeout and pool settings every provider shares."""
        return cls(
            provider=provider,
            base_url=base_url,
            ledger=ledger,
            limiter=RateLimiter(rate_limit.requests, rate_limit.window, margin=SEND_MARGIN),
            auth_params=auth_params,
            headers=headers,
            secrets=settings.secrets(),
            timeout=settings.http_timeout,
            max_retries=settings.max_retries,
            max_retry_after=settings.max_retry_after,
            max_connections=settings.concurrency,
            backoff_base=settings.retry_backoff,
            max_body_bytes=settings.max_response_mb << 20,
            daily_limit=daily_limit,
        )

    def __repr__(self) -> str:
        return f"ApiClient(provider={self.provider!r}, base_url={str(self._client.base_url)!r})"

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    async def _reserve(self, bucket: Bucket) -> None:
        """Count the request: from the lease in memory when there is one; else in a thread, so
        a busy database (another process holding its write lock) does not stall the event loop
        and every request in flight.

        A bucket's requests are counted one at a time, in the order the rate limiter let them
        through (its lock is not held meanwhile): when the quota runs out, it is the last ones
        that are refused, as before, and the other bucket is not held up by this one's wait.
        """
        async with self._reserving.setdefault(bucket, asyncio.Lock()):
            if not self.ledger.reserve_leased(bucket):
                await asyncio.to_thread(self.ledger.reserve, bucket)

    async def get(
        self, path: str, params: Mapping[str, str | int] | None = None, *, bucket: Bucket
    ) -> Any:
        """GET `path` and return its parsed JSON, retrying what is transient."""
        query = {name: str(value) for name, value in (params or {}).items()}
        shown = self.redact(f"{path}?{urlencode(query)}" if query else path or "/")
        attempts = self._max_retries + 1
        for attempt in range(attempts):
            # At most `max_connections` requests are reserved and not yet answered: a request
            # never waits for the rate limit or a pooled connection while already paid for, so
            # a crash over-counts only what was on the wire.
            async with self._in_flight:
                self._check_stopped(bucket)
                slot = await self.limiter.acquire(partial(self._reserve, bucket))
                outcome = await self._attempt(path, query, bucket, shown, slot)
            if not isinstance(outcome, _Retry):
                return outcome
            delay = self._backoff(attempt) if outcome.retry_after is None else outcome.retry_after
            if outcome.rate_limited:
                # Every request of this provider waits in acquire(), not just this one.
                self.limiter.block_until(self.limiter.clock() + delay)
                self.limiter.widen()
            if attempt == self._max_retries:
                break
            log.warning(
                "%s GET %s failed (%s); retry %d/%d in %.2f s",
                self.provider,
                shown,
                outcome.reason,
                attempt + 1,
                self._max_retries,
                delay,
            )
            if not outcome.rate_limited:
                await asyncio.sleep(delay)
        error = BadPayload if outcome.malformed else RetryableError
        raise error(
            f"{self.provider} GET {shown}: {outcome.reason} (gave up after {attempts} attempts)"
        )

    async def _attempt(
        self, path: str, query: dict[str, str], bucket: Bucket, shown: str, slot: Slot
    ) -> Any | _Retry:
        """One request: its JSON, a _Retry, or a raised error for what retrying cannot fix."""
        started = time.monotonic()
        response = await self._send(path, query, slot)
        if isinstance(response, _Retry):
            answer = response.reason
        elif isinstance(response, int):
            answer = "body over the cap"
        else:
            answer = f"HTTP {response.status}"
        ms = round((time.monotonic() - started) * 1000)
        fields: dict[str, object] = {"event": "request", "provider": self.provider}
        fields |= {"path": self.redact(path), "status": answer, "ms": ms}
        log.debug("%s GET %s: %s in %d ms", self.provider, shown, answer, ms, extra=fields)
        if isinstance(response, _Retry):
            return response
        if isinstance(response, int):
            raise ResponseTooLarge(
                f"{self.provider} GET {shown}: response body over TMDBSYNC_MAX_RESPONSE_MB="
                f"{self._max_body_bytes >> 20} (refused after {response:,} decoded bytes)"
            )
        body = response.body
        limit = None if self._daily_limit is None else self._daily_limit(body)
        if limit is not None:
            # The provider's limit for the day, whatever the bucket: nothing more goes out.
            raise self._stop("*", bucket, limit)
        status = response.status
        if response.is_success:
            if response.parse_error is not None:
                reason = self.redact(response.parse_error)
                return _Retry(f"malformed JSON in HTTP {status} body: {reason}", malformed=True)
            return body
        message = self.redact(response.message())
        where = f"{self.provider} GET {shown}: HTTP {status}"
        if 300 <= status < 400:
            raise refused_redirect(
                where,
                response.headers.get("location"),
                base=self._client.base_url,
                setting=f"{self.provider.upper()}_BASE_URL",
                secrets=self._secrets,
            )
        if status in (401, 403):
            raise AuthError(f"{where}: credentials rejected: {message}")
        if status == 404:
            raise NotFoundError(f"{where}: {message}")
        if status == 429:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            if retry_after is not None and retry_after > self._max_retry_after:
                reason = f"rate limited for {retry_after:g} s"
                raise self._stop(bucket, bucket, reason, retry_after)
            return _Retry(f"HTTP 429: {message}", rate_limited=True, retry_after=retry_after)
        if status >= 500:
            return _Retry(f"HTTP {status}: {message}")
        raise RequestRejected(f"{where}: {message}")

    async def _send(self, path: str, query: dict[str, str], slot: Slot) -> Reply | _Retry | int:
        """The response with its JSON (or why it did not parse), why nothing usable arrived, or
        how many bytes a body had when it passed the cap.

        The deadline covers the whole exchange, so a server dripping its body cannot stretch it.
        A body is decoded and counted as it streams in, and refused past the cap: retrying would
        only pay for the same body again. A redirect's body is not read at all. The rate limit's
        window starts when the request's headers are written (httpcore's trace), not before.
        """
        params = {**query, **self._auth_params}

        async def trace(event: str, info: Mapping[str, Any]) -> None:
            if event == "http11.send_request_headers.complete":
                self.limiter.sent(slot)

        try:
            async with (
                asyncio.timeout(self._timeout),
                self._client.stream(
                    "GET", path, params=params, extensions={"trace": trace}
                ) as response,
            ):
                if 300 <= response.status_code < 400:
                    return parsed_reply(response, b"")
                encoding = response.headers.get("content-encoding", "")
                content = await read_capped(response.aiter_raw(), encoding, self._max_body_bytes)
                return parsed_reply(response, content)
        except TimeoutError:
            return _Retry(f"no complete response within {self._timeout:g} s")
        except httpx.RequestError as exc:
            return _Retry(self.redact(f"{type(exc).__name__}: {exc}"))
        except BadEncoding as exc:
            return _Retry(str(exc), malformed=True)
        except BodyTooLarge as exc:
            return exc.read

    def _stop(
        self, scope: str, bucket: Bucket, reason: str, retry_after: float | None = None
    ) -> QuotaExhausted:
        """Refuse every later request of `scope` (a bucket, or "*") in this run, for `reason`."""
        until = None if retry_after is None else time.monotonic() + retry_after
        self._stopped.setdefault(scope, (reason, until))
        return QuotaExhausted(self.provider, bucket, reason, retry_after)

    def _check_stopped(self, bucket: Bucket) -> None:
        stop = self._stopped.get("*") or self._stopped.get(bucket)
        if stop is not None:
            reason, until = stop
            left = None if until is None else max(0.0, until - time.monotonic())
            raise QuotaExhausted(self.provider, bucket, reason, left)

    def _backoff(self, attempt: int) -> float:
        """Capped full-jitter exponential backoff, so concurrent retries spread out."""
        return random.uniform(0, min(self._backoff_cap, self._backoff_base * 2**attempt))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


class EndpointClient:
    """What the typed endpoint clients (TMDb, OMDb, Trakt) share: one ApiClient, closed with it."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.api!r})"

    async def aclose(self) -> None:
        await self.api.aclose()
