"""The HTTP side: a stdlib ThreadingHTTPServer on loopback plus the FakeApi facade.

Pipeline for a TMDb/OMDb request: count it, add latency, scripted answer, random
fault, rate limit (TMDb) / daily limit (OMDb), auth, then the catalogue.
``/__stats`` and ``/__control`` are never faulted, limited or counted.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from .catalogue import Catalogue
from .errors import CODE_FOR_STATUS, TMDB_ERRORS, TmdbError, rate_limit_body, tmdb_error_body
from .exports import Exports
from .faults import ERROR_STATUSES, Faults, RateLimiter, ScriptedResponse, Scripts, Sticky
from .hostile import HostileBody
from .months import MonthKey
from .omdb import INVALID_KEY, LIMIT_REACHED, NO_KEY, NO_QUERY, NOT_FOUND
from .routes import endpoint_key, route_tmdb
from .stats import Stats

JsonDict = dict[str, Any]
JSON_TYPE = "application/json;charset=utf-8"
_HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"


class _Answer:
    """A response to send: status, body bytes, headers, and how to deliver it."""

    __slots__ = ("body", "drip", "headers", "kind", "status", "stream")

    def __init__(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        kind: str = "normal",
        stream: Iterator[bytes] | None = None,
        drip: float = 0.0,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.kind = kind
        self.stream = stream  # sent as it comes, ended by closing the connection
        self.drip = drip


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _default_body(service: str, status: int) -> bytes:
    """The body real TMDb/OMDb would send with an error ``status``."""
    if service == "omdb":
        return _HTML_502 if status >= 500 else _dumps({"Response": "False", "Error": "Error"})
    if service == "trakt":
        return b""
    if status == 502:
        return _HTML_502
    code = CODE_FOR_STATUS.get(status)
    if code is None:
        return b""
    if code == 25:
        return _dumps(rate_limit_body(0, 40))
    return _dumps(tmdb_error_body(code))


class FakeApi:
    """Fake TMDb + OMDb on ``http://host:port``; ``start()`` serves in daemon threads."""

    def __init__(
        self,
        seed: int = 42,
        host: str = "127.0.0.1",
        port: int = 0,
        tmdb_api_key: str = "fake-tmdb-key",
        tmdb_access_token: str = "fake-tmdb-token",  # noqa: S107 - test fixture value
        omdb_api_key: str = "fake-omdb-key",
        trakt_client_id: str = "fake-trakt-key",
        rate_limit: tuple[int, float] | None = None,
        latency: float = 0.0,
        faults: Faults | None = None,
        omdb_daily_limit: int | None = None,
        scale: float = 1.0,
        huge_months: dict[MonthKey, int] | None = None,
    ) -> None:
        self.catalogue = Catalogue(seed=seed, scale=scale, huge_months=huge_months)
        self.exports = Exports(self.catalogue)
        self.host = host
        self.port = port
        self.tmdb_api_key = tmdb_api_key
        self.tmdb_access_token = tmdb_access_token
        self.omdb_api_key = omdb_api_key
        self.trakt_client_id = trakt_client_id
        self.latency = latency
        self.faults = faults or Faults()
        self.omdb_daily_limit = omdb_daily_limit
        self._omdb_used = 0
        self._limiter: RateLimiter | None = None
        self.set_rate_limit(rate_limit)
        self._scripts = Scripts()
        self._sticky = Sticky()
        self._stats = Stats()
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns self."""
        server = _Server((self.host, self.port), _Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, name="fakeapi", kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (hung fault handlers are woken up)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://host:port`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def tmdb_url(self) -> str:
        """TMDb base URL (``.../3``)."""
        return self.url + "/3"

    @property
    def exports_url(self) -> str:
        """Where the daily ID export files are (TMDB_EXPORTS_URL)."""
        return self.url + "/p/exports"

    @property
    def trakt_url(self) -> str:
        """Trakt base; the client appends /movies/{id}/stats etc."""
        return self.url + "/trakt"

    @property
    def omdb_url(self) -> str:
        """OMDb base URL (``.../omdb/``)."""
        return self.url + "/omdb/"

    # -- knobs ---------------------------------------------------------------
    def stats(self) -> JsonDict:
        """Same dict as ``GET /__stats``."""
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        """Zero the request ledger."""
        self._stats.reset()

    def script(self, path_regex: str, responses: list[ScriptedResponse]) -> None:
        """The next requests whose path matches get ``responses`` in order."""
        self._scripts.add(path_regex, responses)

    def clear_scripts(self) -> None:
        """Drop pending scripted responses (the sticky ones too)."""
        self._scripts.clear()
        self._sticky.clear()

    def stick(self, path_regex: str, response: ScriptedResponse) -> None:
        """Every later request whose path matches gets ``response`` (after the scripts)."""
        self._sticky.add(path_regex, response)

    def set_rate_limit(self, limit: tuple[int, float] | list[Any] | None) -> None:
        """``(requests, seconds)`` sliding window for TMDb routes, or None for unlimited."""
        self._limiter = None if limit is None else RateLimiter(int(limit[0]), float(limit[1]))

    def set_omdb_daily_limit(self, limit: int | None) -> None:
        """Cap OMDb requests (the counter restarts)."""
        self.omdb_daily_limit = limit
        self._omdb_used = 0

    def drift(self, kind: str, year: int, month: int, add: int = 0, remove: int = 0) -> None:
        """Titles appear/disappear in a month (discover drift)."""
        self.catalogue.drift(kind, year, month, add, remove)
        with self._lock:
            self._cache.clear()

    def reset(self) -> None:
        """Back to a clean state (faults, scripts, limits, latency, drift, stats)."""
        self.faults = Faults()
        self.clear_scripts()
        self.set_rate_limit(None)
        self.set_omdb_daily_limit(None)
        self.latency = 0.0
        self.catalogue.months.reset_drift()
        self.exports.reset()
        with self._lock:
            self._cache.clear()
        self._stats.reset()

    def control(self, payload: JsonDict) -> None:
        """Apply a ``POST /__control`` JSON document."""
        if "faults" in payload:
            self.faults = Faults.from_dict(payload["faults"] or {})
        if "rate_limit" in payload:
            self.set_rate_limit(payload["rate_limit"])
        if "latency" in payload:
            self.latency = float(payload["latency"] or 0.0)
        if "omdb_daily_limit" in payload:
            self.set_omdb_daily_limit(payload["omdb_daily_limit"])
        if payload.get("drift"):
            self.drift(**payload["drift"])
        if payload.get("reset"):
            self.reset()

    # -- request handling ----------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        if seconds > 0:
            self._stopping.wait(seconds)

    def answer(
        self,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        service: str,
        parts: list[str],
    ) -> _Answer:
        """Decide the response to a TMDb/OMDb request (faults included)."""
        self.sleep(self.latency)
        scripted = self._scripts.take(path) or self._sticky.match(path)
        if scripted is not None:
            return self._scripted(service, scripted, path, query, headers, parts)
        fault, rng = self.faults.pick()
        if fault == "error":
            status = rng.choice(ERROR_STATUSES)
            return _Answer(status, _default_body(service, status))
        if fault in ("timeout", "reset"):
            return _Answer(0, b"", kind=fault)
        answer = self._normal(service, query, headers, parts)
        if fault == "malformed":
            cut = max(1, len(answer.body) // 2)
            if rng.random() < 0.5:
                return _Answer(200, answer.body[:cut] or b"{", kind="normal")
            return _Answer(200, answer.body, kind="truncated")
        return answer

    def _scripted(
        self,
        service: str,
        scripted: ScriptedResponse,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        parts: list[str],
    ) -> _Answer:
        if scripted.kind in ("timeout", "reset"):
            return _Answer(0, b"", kind=scripted.kind)
        if isinstance(scripted, HostileBody):
            return _Answer(scripted.status, b"", dict(scripted.headers), stream=scripted.chunks())
        if scripted.body is None:
            body = (
                self._normal(service, query, headers, parts).body
                if scripted.status == 200
                else _default_body(service, scripted.status)
            )
            if scripted.mutate is not None:
                body = _dumps(scripted.mutate(json.loads(body)))
        elif isinstance(scripted.body, str):
            body = scripted.body.encode()
        else:
            body = _dumps(scripted.body)
        if scripted.kind == "malformed":
            body = body[: max(1, len(body) // 2)]
        return _Answer(scripted.status, body, dict(scripted.headers), drip=scripted.drip_seconds)

    def _normal(
        self, service: str, query: dict[str, str], headers: dict[str, str], parts: list[str]
    ) -> _Answer:
        if service == "omdb":
            return self._omdb(query)
        if service == "trakt":
            return self._trakt(headers, parts)
        return self._tmdb(query, headers, parts)

    def _trakt(self, headers: dict[str, str], parts: list[str]) -> _Answer:
        """Trakt wants its client id and API version in headers; 403 without a valid one."""
        if (
            headers.get("trakt-api-key") != self.trakt_client_id
            or headers.get("trakt-api-version") != "2"
        ):
            return _Answer(403, b"")
        kinds = {"movies": "movie", "shows": "tv"}
        if len(parts) != 3 or parts[0] not in kinds:
            return _Answer(404, b"")
        found = self.catalogue.trakt(kinds[parts[0]], parts[1], parts[2])
        return _Answer(404, b"") if found is None else _Answer(200, _dumps(found))

    def _tmdb(self, query: dict[str, str], headers: dict[str, str], parts: list[str]) -> _Answer:
        limiter = self._limiter
        if limiter is not None:
            admitted, retry_after = limiter.admit()
            if not admitted:
                body = rate_limit_body(limiter.count, limiter.limit)
                return _Answer(429, _dumps(body), {"Retry-After": str(retry_after)})
        auth = headers.get("authorization", "")
        if query.get("api_key") != self.tmdb_api_key and auth != f"Bearer {self.tmdb_access_token}":
            return _Answer(401, _dumps(tmdb_error_body(7)))
        key = (
            "/".join(parts)
            + "?"
            + "&".join(f"{k}={v}" for k, v in sorted(query.items()) if k != "api_key")
        )
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return _Answer(200, cached)
        try:
            found = route_tmdb(self.catalogue, parts, query)
        except TmdbError as err:
            return _Answer(err.status, _dumps(err.body()))
        if found is None:
            return _Answer(404, _dumps(tmdb_error_body(34)))
        data = _dumps(found)
        with self._lock:
            self._cache[key] = data
            if len(self._cache) > 4096:
                self._cache.popitem(last=False)
        return _Answer(200, data)

    def _omdb(self, query: dict[str, str]) -> _Answer:
        key = query.get("apikey")
        if not key:
            return _Answer(401, _dumps(NO_KEY))
        if key != self.omdb_api_key:
            return _Answer(401, _dumps(INVALID_KEY))
        with self._lock:
            self._omdb_used += 1
            over = self.omdb_daily_limit is not None and self._omdb_used > self.omdb_daily_limit
        if over:
            return _Answer(401, _dumps(LIMIT_REACHED))
        if "i" in query:
            return _Answer(200, _dumps(self.catalogue.omdb(query["i"])))
        if "t" in query or "s" in query:
            return _Answer(200, _dumps(NOT_FOUND))
        return _Answer(200, _dumps(NO_QUERY))

    def record(self, service: str, endpoint: str, status: str) -> None:
        """Count a finished request in the ledger."""
        self._stats.record(service, endpoint, status)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    fake: FakeApi


class _Handler(BaseHTTPRequestHandler):
    """Speaks HTTP/1.1 with keep-alive and Content-Length."""

    protocol_version = "HTTP/1.1"
    server_version = "fake-tmdb/1.0"
    timeout = 120
    server: _Server

    def setup(self) -> None:
        """Disable Nagle: headers and body are separate writes (avoids 40 ms stalls)."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging."""

    def do_GET(self) -> None:
        """TMDb, OMDb and ``/__stats``."""
        self._dispatch("GET")

    def do_POST(self) -> None:
        """``/__control`` and ``/__stats/reset``."""
        self._dispatch("POST")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method: str) -> None:
        fake = self.server.fake
        raw = self._read_body()
        split = urlsplit(self.path)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if path.startswith("/__"):
            self._control(fake, method, path, raw)
            return
        if path.startswith("/p/exports/"):  # files.tmdb.org: no key, no limit
            code, body = fake.exports.answer(path[len("/p/exports/") :])
            fake.record("exports", "exports/" + path.split("/")[-1].split("_ids_")[0], str(code))
            self._send(_Answer(code, body))
            return
        if path.startswith("/3/") or path == "/3":
            service, parts = "tmdb", [p for p in path[3:].split("/") if p]
            endpoint = endpoint_key(parts) or "unknown"
        elif path.rstrip("/") == "/omdb":
            service, parts, endpoint = "omdb", [], "omdb"
        elif path.startswith("/trakt/"):
            parts = [p for p in path[len("/trakt/") :].split("/") if p]
            service = "trakt"
            endpoint = f"trakt/{parts[0]}/{{id}}/{parts[-1]}" if len(parts) == 3 else "trakt"
        else:
            self._send(_Answer(404, _dumps(tmdb_error_body(34))))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            answer = fake.answer(path, query, headers, service, parts)
        except Exception:
            answer = _Answer(500, _dumps(tmdb_error_body(11)))
        status = answer.kind if answer.kind in ("timeout", "reset") else str(answer.status)
        fake.record(service, endpoint, status)
        if answer.kind == "timeout":
            fake.sleep(fake.faults.timeout_seconds)
            self.close_connection = True
        elif answer.kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        else:
            self._send(answer)

    def _control(self, fake: FakeApi, method: str, path: str, raw: bytes) -> None:
        if method == "GET" and path == "/__stats":
            self._send(_Answer(200, _dumps(fake.stats())))
        elif method == "POST" and path == "/__stats/reset":
            fake.reset_stats()
            self._send(_Answer(200, _dumps(fake.stats())))
        elif method == "POST" and path == "/__control":
            try:
                fake.control(json.loads(raw or b"{}"))
            except (ValueError, TypeError, KeyError) as exc:
                self._send(_Answer(400, _dumps({"error": str(exc)})))
                return
            self._send(_Answer(200, _dumps({"ok": True})))
        else:
            self._send(_Answer(404, _dumps({"error": "unknown control route"})))

    def _send(self, answer: _Answer) -> None:
        if answer.stream is not None:
            self._stream(answer, answer.stream)
            return
        body = answer.body
        self.send_response(answer.status)
        self.send_header("Content-Type", JSON_TYPE if not body.startswith(b"<") else "text/html")
        self.send_header("Content-Length", str(len(body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.kind == "truncated":
            self.send_header("Connection", "close")
            self.close_connection = True
            body = body[: max(1, len(body) // 2)]
        self.end_headers()
        try:
            if answer.drip:
                self._drip(body, answer.drip)
            else:
                self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _stream(self, answer: _Answer, chunks: Iterator[bytes]) -> None:
        """Headers, then chunks until they end, the client hangs up or the fake stops."""
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for chunk in chunks:
            if self.server.fake._stopping.is_set():
                return
            try:
                self.wfile.write(chunk)
            except OSError:
                return

    def _drip(self, body: bytes, seconds: float, pieces: int = 20) -> None:
        """Write ``body`` in ``pieces`` spread over ``seconds``, the connection closed after."""
        size = max(1, -(-len(body) // pieces))
        for start in range(0, len(body), size):
            self.wfile.write(body[start : start + size])
            self.wfile.flush()
            self.server.fake.sleep(seconds / pieces)
        self.close_connection = True


def serve(host: str = "127.0.0.1", port: int = 8765, **kwargs: Any) -> None:
    """Run a fake in the foreground until Ctrl-C (``tmdbsync fake-api``)."""
    fake = FakeApi(host=host, port=port, **kwargs).start()
    print(
        f"fake TMDb: {fake.tmdb_url}  (api_key={fake.tmdb_api_key}, "
        f"bearer={fake.tmdb_access_token})",
        flush=True,
    )
    print(f"fake OMDb: {fake.omdb_url}  (apikey={fake.omdb_api_key})", flush=True)
    print(f"fake Trakt: {fake.trakt_url}  (trakt-api-key={fake.trakt_client_id})", flush=True)
    print(f"control:   {fake.url}/__stats  {fake.url}/__control  (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


__all__ = ["TMDB_ERRORS", "FakeApi", "serve"]
