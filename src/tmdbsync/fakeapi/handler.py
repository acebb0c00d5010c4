"""The HTTP side: parse a request, route it (control, exports, TMDb/OMDb/Trakt) and send the answer.

Control routes (``/__stats``, ``/__control``) and the export files are never faulted,
limited or counted as API requests; everything else goes through ``FakeApi.answer``.
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .answers import Answer, dumps
from .errors import tmdb_error_body
from .routes import endpoint_key

if TYPE_CHECKING:
    from .server import FakeApi

JSON_TYPE = "application/json;charset=utf-8"


class Server(ThreadingHTTPServer):
    """A threaded loopback server that knows the fake it serves."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    fake: FakeApi


class Handler(BaseHTTPRequestHandler):
    """Speaks HTTP/1.1 with keep-alive and Content-Length."""

    protocol_version = "HTTP/1.1"
    server_version = "fake-tmdb/1.0"
    timeout = 120
    server: Server

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
            self._send(Answer(code, body))
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
            self._send(Answer(404, dumps(tmdb_error_body(34))))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            answer = fake.answer(path, query, headers, service, parts)
        except Exception:
            answer = Answer(500, dumps(tmdb_error_body(11)))
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
            self._send(Answer(200, dumps(fake.stats())))
        elif method == "POST" and path == "/__stats/reset":
            fake.reset_stats()
            self._send(Answer(200, dumps(fake.stats())))
        elif method == "POST" and path == "/__control":
            try:
                fake.control(json.loads(raw or b"{}"))
            except (ValueError, TypeError, KeyError) as exc:
                self._send(Answer(400, dumps({"error": str(exc)})))
                return
            self._send(Answer(200, dumps({"ok": True})))
        else:
            self._send(Answer(404, dumps({"error": "unknown control route"})))

    def _send(self, answer: Answer) -> None:
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

    def _stream(self, answer: Answer, chunks: Iterator[bytes]) -> None:
        """Headers, then chunks until they end, the client hangs up or the fake stops."""
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for chunk in chunks:
            if self.server.fake.stopping:
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
