"""Misbehaviour knobs: random faults, scripted responses and TMDb's rate limit.

Faults are drawn from a seeded RNG so a test run is reproducible; scripts let a
test dictate the exact next answers for matching paths.
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["error", "timeout", "reset", "malformed"]
ScriptKind = Literal["normal", "timeout", "reset", "malformed"]
ERROR_STATUSES = (500, 502, 503, 504)


@dataclass
class Faults:
    """Per-request fault probabilities for TMDb/OMDb routes (never ``/__*``)."""

    error_rate: float = 0.0
    timeout_rate: float = 0.0
    reset_rate: float = 0.0
    malformed_rate: float = 0.0
    timeout_seconds: float = 60.0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faults:
        """Build from the ``/__control`` JSON (unknown keys rejected)."""
        allowed = {
            "error_rate",
            "timeout_rate",
            "reset_rate",
            "malformed_rate",
            "timeout_seconds",
            "seed",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        return cls(**data)

    def pick(self) -> tuple[FaultKind | None, random.Random]:
        """Decide this request's fault (or None) and return a sub-RNG for its details."""
        with self._lock:
            r = self._rng.random()
            sub = random.Random(self._rng.getrandbits(64))
        for kind, rate in (
            ("error", self.error_rate),
            ("timeout", self.timeout_rate),
            ("reset", self.reset_rate),
            ("malformed", self.malformed_rate),
        ):
            if r < rate:
                return kind, sub  # type: ignore[return-value]
            r -= rate
        return None, sub


@dataclass
class ScriptedResponse:
    """One canned answer: ``body`` None means TMDb's standard body for ``status``."""

    status: int = 503
    body: str | dict[str, Any] | list[Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    kind: ScriptKind = "normal"
    mutate: Callable[[Any], Any] | None = None
    """Applied to the normal JSON answer (status 200, ``body`` None): an anomaly in a real body."""
    drip_seconds: float = 0.0
    """Send the body in small pieces spread over this long (a body slower than any timeout)."""


class Scripts:
    """Queues of scripted responses keyed by path regex, consumed in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: list[tuple[re.Pattern[str], deque[ScriptedResponse]]] = []

    def add(self, path_regex: str, responses: list[ScriptedResponse]) -> None:
        """Queue responses for requests whose path (e.g. ``/3/movie/12``) matches."""
        with self._lock:
            self._queues.append((re.compile(path_regex), deque(responses)))

    def take(self, path: str) -> ScriptedResponse | None:
        """Pop the next scripted response for ``path``, if any."""
        with self._lock:
            for pattern, queue in self._queues:
                if queue and pattern.search(path):
                    return queue.popleft()
            self._queues = [(p, q) for p, q in self._queues if q]
        return None

    def clear(self) -> None:
        """Drop every pending script."""
        with self._lock:
            self._queues.clear()


class RateLimiter:
    """Sliding-window limiter: at most ``limit`` accepted requests per ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._times: deque[float] = deque()
        self._lock = threading.Lock()
        self.rejected = 0

    def admit(self, arrived: float) -> tuple[bool, int]:
        """(admitted?, Retry-After seconds until a slot frees when refused) for a request that
        came in at `arrived` (time.monotonic): counted on arrival, as an API's edge counts, not
        once the fake's simulated latency has passed."""
        with self._lock:
            now = max(arrived, self._times[-1]) if self._times else arrived
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) < self.limit:
                self._times.append(now)
                return True, 0
            self.rejected += 1
            wait = self._times[0] + self.window - now
            return False, max(1, math.ceil(wait))

    @property
    def count(self) -> int:
        """Requests accepted in the current window plus those refused so far."""
        return len(self._times) + self.rejected


class Sticky:
    """Responses that never run out: every request whose path matches gets the same answer
    (a title that fails on every try, however often it is asked)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[tuple[re.Pattern[str], ScriptedResponse]] = []

    def add(self, path_regex: str, response: ScriptedResponse) -> None:
        with self._lock:
            self._rules.append((re.compile(path_regex), response))

    def match(self, path: str) -> ScriptedResponse | None:
        with self._lock:
            for pattern, response in self._rules:
                if pattern.search(path):
                    return response
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()


# --- failures of one item, for the dead-letter and page-completeness tests -----------------------


def failing(status: int = 500) -> ScriptedResponse:
    """An error status with TMDb's body for it (give it to ``FakeApi.stick`` to fail for ever)."""
    return ScriptedResponse(status=status)


def dripping(seconds: float) -> ScriptedResponse:
    """The normal answer, its body dripping out over ``seconds``."""
    return ScriptedResponse(status=200, drip_seconds=seconds)


def empty_results(null: bool = False) -> ScriptedResponse:
    """A discover page whose ``results`` is ``[]`` (or ``null``), its totals unchanged."""
    return ScriptedResponse(
        status=200, mutate=lambda body: {**body, "results": None if null else []}
    )


def short_results(keep: int) -> ScriptedResponse:
    """A discover page listing only its first ``keep`` results, totals unchanged."""
    return ScriptedResponse(
        status=200, mutate=lambda body: {**body, "results": body["results"][:keep]}
    )


def fewer_pages(total_pages: int) -> ScriptedResponse:
    """A discover page whose ``total_pages`` says fewer pages while ``total_results`` stays."""
    return ScriptedResponse(status=200, mutate=lambda body: {**body, "total_pages": total_pages})


def wrong_id(other: int) -> ScriptedResponse:
    """A details answer that carries another title's ``id``."""
    return ScriptedResponse(status=200, mutate=lambda body: {**body, "id": other})
