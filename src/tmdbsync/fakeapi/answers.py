"""The response value the request pipeline hands to the HTTP handler, and its JSON encoding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


class Answer:
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


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON, as TMDb sends it."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
