"""Reading a response body under a size cap, decompressing it ourselves, and what it says.

httpx would decompress each network chunk whole (a 64 KB gzip chunk can hold 64 MB) and keep an
endless body growing in memory. Here the raw bytes are inflated in steps of at most `STEP` bytes
and counted as they come, so neither an endless body nor a gzip bomb gets past `limit`.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

# Only what we can decode ourselves is asked for (httpx would add br/zstd when installed).
ACCEPT_ENCODING = "gzip, deflate"
STEP = 1 << 16
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class BodyTooLarge(Exception):
    """The decompressed body passed the cap; `read` is how many bytes were decoded by then."""

    def __init__(self, read: int) -> None:
        super().__init__(f"more than {read} bytes")
        self.read = read


class BadEncoding(Exception):
    """The body is not what its Content-Encoding says (or uses an encoding we never asked for)."""


class _Inflater:
    """Decodes one Content-Encoding chunk by chunk, never more than STEP bytes at a time."""

    def __init__(self, encoding: str) -> None:
        names = [part.strip().lower() for part in encoding.split(",") if part.strip()]
        names = [name for name in names if name != "identity"]
        if len(names) > 1 or (names and names[0] not in _WBITS):
            raise BadEncoding(f"unsupported Content-Encoding {encoding!r}")
        self._zlib = zlib.decompressobj(_WBITS[names[0]]) if names else None
        self._fed = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._fed = self._fed or bool(data)
        if self._zlib is None:
            yield data
            return
        try:
            yield self._zlib.decompress(data, STEP)
            while self._zlib.unconsumed_tail:
                yield self._zlib.decompress(self._zlib.unconsumed_tail, STEP)
        except zlib.error as exc:
            raise BadEncoding(f"corrupt compressed body: {exc}") from None

    def finish(self) -> None:
        if self._zlib is not None and self._fed and not self._zlib.eof:
            raise BadEncoding("compressed body ends before its end marker")


async def iter_capped(raw: AsyncIterator[bytes], encoding: str, limit: int) -> AsyncIterator[bytes]:
    """The decoded pieces of `raw` (bytes as they arrived) as they come, for a body written out
    as it streams; BodyTooLarge once more than `limit` bytes were decoded."""
    inflater = _Inflater(encoding)
    size = 0
    async for chunk in raw:
        for piece in inflater.feed(chunk):
            size += len(piece)
            if size > limit:
                raise BodyTooLarge(size)
            yield piece
    inflater.finish()


async def read_capped(raw: AsyncIterator[bytes], encoding: str, limit: int) -> bytes:
    """The decoded body of `raw` (bytes as they arrived), or BodyTooLarge past `limit` bytes."""
    return b"".join([piece async for piece in iter_capped(raw, encoding, limit)])


@dataclass(frozen=True)
class Reply:
    """A response read whole (under the cap), with its JSON or why it did not parse."""

    status: int
    reason_phrase: str
    headers: httpx.Headers
    content: bytes
    body: Any = None
    parse_error: str | None = None

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    def message(self) -> str:
        """TMDb's `status_message`, OMDb's `Error`, or the start of the body."""
        if isinstance(self.body, dict):
            for field in ("status_message", "Error"):
                if isinstance(self.body.get(field), str):
                    return str(self.body[field])
        text = self.content[:200].decode("utf-8", "replace").strip()
        return text or self.reason_phrase


def parsed_reply(response: httpx.Response, content: bytes) -> Reply:
    try:
        body, error = json.loads(content), None
    except ValueError as exc:
        body, error = None, str(exc)
    return Reply(
        response.status_code, response.reason_phrase, response.headers, content, body, error
    )
