"""The three fake services' own answers: credentials, TMDb's rate limit and cache, OMDb's quota."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from .answers import Answer, dumps
from .catalogue import Catalogue
from .errors import TmdbError, rate_limit_body, tmdb_error_body
from .faults import RateLimiter
from .omdb import INVALID_KEY, LIMIT_REACHED, NO_KEY, NO_QUERY, NOT_FOUND
from .routes import route_tmdb

CACHE_SIZE = 4096  # encoded TMDb bodies kept, oldest dropped first


class Services:
    """TMDb, OMDb and Trakt answering from the catalogue when nothing is injected."""

    def __init__(
        self,
        catalogue: Catalogue,
        tmdb_api_key: str,
        tmdb_access_token: str,
        omdb_api_key: str,
        trakt_client_id: str,
        rate_limit: tuple[int, float] | None,
        omdb_daily_limit: int | None,
    ) -> None:
        self.catalogue = catalogue
        self.tmdb_api_key = tmdb_api_key
        self.tmdb_access_token = tmdb_access_token
        self.omdb_api_key = omdb_api_key
        self.trakt_client_id = trakt_client_id
        self.omdb_daily_limit = omdb_daily_limit
        self._omdb_used = 0
        self._limiter: RateLimiter | None = None
        self.set_rate_limit(rate_limit)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, bytes] = OrderedDict()

    def set_rate_limit(self, limit: tuple[int, float] | list[Any] | None) -> None:
        """``(requests, seconds)`` sliding window for TMDb routes, or None for unlimited."""
        self._limiter = None if limit is None else RateLimiter(int(limit[0]), float(limit[1]))

    def set_omdb_daily_limit(self, limit: int | None) -> None:
        """Cap OMDb requests (the counter restarts)."""
        self.omdb_daily_limit = limit
        self._omdb_used = 0

    def clear_cache(self) -> None:
        """Forget encoded TMDb bodies (the catalogue changed)."""
        with self._lock:
            self._cache.clear()

    def normal_answer(
        self,
        service: str,
        query: dict[str, str],
        headers: dict[str, str],
        parts: list[str],
        arrived: float,
    ) -> Answer:
        """The ``service``'s answer to a request (path ``parts``) with nothing injected;
        `arrived` is when it came in (time.monotonic), what the rate limit counts."""
        if service == "omdb":
            return self._omdb(query)
        if service == "trakt":
            return self._trakt(headers, parts)
        return self._tmdb(query, headers, parts, arrived)

    def _trakt(self, headers: dict[str, str], parts: list[str]) -> Answer:
        """Trakt wants its client id and API version in headers; 403 without a valid one."""
        if (
            headers.get("trakt-api-key") != self.trakt_client_id
            or headers.get("trakt-api-version") != "2"
        ):
            return Answer(403, b"")
        kinds = {"movies": "movie", "shows": "tv"}
        if len(parts) != 3 or parts[0] not in kinds:
            return Answer(404, b"")
        found = self.catalogue.trakt(kinds[parts[0]], parts[1], parts[2])
        return Answer(404, b"") if found is None else Answer(200, dumps(found))

    def _tmdb(
        self, query: dict[str, str], headers: dict[str, str], parts: list[str], arrived: float
    ) -> Answer:
        limiter = self._limiter
        if limiter is not None:
            admitted, retry_after = limiter.admit(arrived)
            if not admitted:
                body = rate_limit_body(limiter.count, limiter.limit)
                return Answer(429, dumps(body), {"Retry-After": str(retry_after)})
        auth = headers.get("authorization", "")
        if query.get("api_key") != self.tmdb_api_key and auth != f"Bearer {self.tmdb_access_token}":
            return Answer(401, dumps(tmdb_error_body(7)))
        key = (
            "/".join(parts)
            + "?"
            + "&".join(f"{k}={v}" for k, v in sorted(query.items()) if k != "api_key")
        )
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return Answer(200, cached)
        try:
            found = route_tmdb(self.catalogue, parts, query)
        except TmdbError as err:
            return Answer(err.status, dumps(err.body()))
        if found is None:
            return Answer(404, dumps(tmdb_error_body(34)))
        data = dumps(found)
        with self._lock:
            self._cache[key] = data
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return Answer(200, data)

    def _omdb(self, query: dict[str, str]) -> Answer:
        key = query.get("apikey")
        if not key:
            return Answer(401, dumps(NO_KEY))
        if key != self.omdb_api_key:
            return Answer(401, dumps(INVALID_KEY))
        with self._lock:
            self._omdb_used += 1
            over = self.omdb_daily_limit is not None and self._omdb_used > self.omdb_daily_limit
        if over:
            return Answer(401, dumps(LIMIT_REACHED))
        if "i" in query:
            return Answer(200, dumps(self.catalogue.omdb(query["i"])))
        if "t" in query or "s" in query:
            return Answer(200, dumps(NOT_FOUND))
        return Answer(200, dumps(NO_QUERY))
