"""Hostile answers a client must survive: redirects, oversized or endless bodies, gzip bombs.

Injected like any scripted response (`fake.script(path_regex, [...])`). A `HostileBody` is
streamed by the server without a Content-Length (the body ends when the connection closes), so
an endless one costs the fake no memory either.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .faults import ScriptedResponse

BLOCK = 1 << 20
_OPEN, _CLOSE = b'{"padding":"', b'"}'


def redirect(location: str, status: int = 301) -> ScriptedResponse:
    """A 3xx to `location` (a path on the fake, or a URL on another host)."""
    return ScriptedResponse(status=status, body="", headers={"Location": location})


def redirect_chain(path: str, hops: int, status: int = 302) -> list[tuple[str, ScriptedResponse]]:
    """(path regex, answer) pairs for `fake.script`: `path` redirects through `hops` hop paths
    (`/3/hop/1` …) and the last hop back to `path`, as a moved API behind a chain would."""
    stops = [path, *(f"/3/hop/{n}" for n in range(1, hops + 1)), path]
    return [(f"^{here}$", redirect(there, status)) for here, there in itertools.pairwise(stops)]


@dataclass
class HostileBody(ScriptedResponse):
    """A 200 whose JSON body is `size` bytes long (decompressed), or endless when None;
    sent gzip-compressed (`Content-Encoding: gzip`) when `gzip`, which makes it a bomb."""

    size: int | None = None
    gzip: bool = False

    def __post_init__(self) -> None:
        self.status = 200
        self.headers = {"Content-Type": "application/json", **self.headers}
        if self.gzip:
            self.headers["Content-Encoding"] = "gzip"

    def chunks(self) -> Iterator[bytes]:
        """The body as it goes on the wire."""
        return _gzip(self.size) if self.gzip else _blocks(self.size)


def oversized(size: int | None = None) -> HostileBody:
    """A JSON body of `size` bytes, or an endless one."""
    return HostileBody(size=size)


def gzip_bomb(size: int | None = None) -> HostileBody:
    """A gzip body inflating to `size` bytes (about 1,000 times its wire size), or endlessly."""
    return HostileBody(size=size, gzip=True)


def _blocks(size: int | None) -> Iterator[bytes]:
    """`size` bytes of a JSON document in blocks of at most BLOCK (endless when None)."""
    filler = b"a" * BLOCK
    yield _OPEN
    if size is None:
        yield from itertools.repeat(filler)
    left = max(0, (size or 0) - len(_OPEN) - len(_CLOSE))
    while left > 0:
        yield filler[: min(left, BLOCK)]
        left -= BLOCK
    yield _CLOSE


def _gzip(size: int | None) -> Iterator[bytes]:
    """Gzip of `_blocks(size)`, compressing a full block once: after a full flush the deflate
    stream restarts, so the same input block always compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    crc, length = 0, 0
    full: bytes | None = None  # a full block of filler, compressed
    for block in _blocks(size):
        crc, length = zlib.crc32(block, crc), length + len(block)
        if len(block) == BLOCK and full is not None:
            yield full
            continue
        packed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
        if len(block) == BLOCK:
            full = packed
        yield packed
    # The compressor saw only the distinct blocks: its trailer's CRC and size are replaced.
    tail = compressor.flush()
    yield tail[:-8] + struct.pack("<II", crc, length & 0xFFFFFFFF)
