"""Dead letters, not walls: an item that keeps failing is written down and the work goes on.

Titles land in `skipped_title`, people and OMDb/Trakt items in `dead_letter`, each with a short
reason code (`status` groups by it), the attempts and when last tried; their queues leave them out
until their wait is over (`Backoff`), so a failure costs its retries at most once a UTC day.

**An outage is not an item failure.** An item whose request failed after every retry (5xx,
timeout, reset, a body that cannot be used) is dead-lettered only when the same provider answered
some *other* request (a success or a 404) in the second half of the time this item spent failing,
or, lacking such an answer, a probe (one cheap request, shared by every item failing at the same
time) succeeds once it has failed. Otherwise the provider is down: RetryableError goes up as
before, the step stops for the run and nothing is recorded, so an outage never dead-letters page
after page. An answer the provider did give about the item itself (404, 400, a body that does not
parse, the wrong `id`) is always the item's own failure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, false, or_

from tmdbsync.errors import BadPayload, NotFoundError, RequestRejected, RetryableError

NOT_FOUND = "not_found"
SERVER_ERROR = "server_error"
TIMEOUT = "timeout"
CONNECTION = "connection"
RATE_LIMITED = "rate_limited"
REJECTED = "rejected"
UNUSABLE = "unusable"
ID_MISMATCH = "id_mismatch"
TOO_LARGE = "too_large"
DB_REFUSED = "db_refused"

# Failures a provider may well fix by tomorrow: tried again after a day, then backing off.
TRANSIENT = frozenset({SERVER_ERROR, TIMEOUT, CONNECTION, RATE_LIMITED})
TRANSIENT_WAIT = timedelta(days=1)
CAP = timedelta(days=365)  # the longest wait between two tries of an item

T = TypeVar("T")


class IdMismatch(BadPayload):
    """A details body describes another id than the one asked for: never stored under it."""


@dataclass(frozen=True)
class Failure:
    """Why an item is recorded: a code to group by and the detail."""

    code: str
    reason: str

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        return cls(reason_code(exc), str(exc))


def reason_code(exc: BaseException) -> str:
    """The reason code of a failure raised by the clients (http.py words its messages)."""
    # The body-size cap lives in http.py as a BadPayload subclass; known here by name so this
    # module does not depend on when it arrives.
    if any(klass.__name__ == "ResponseTooLarge" for klass in type(exc).__mro__):
        return TOO_LARGE
    if isinstance(exc, IdMismatch):
        return ID_MISMATCH
    if isinstance(exc, NotFoundError):
        return NOT_FOUND
    if isinstance(exc, RequestRejected):
        return REJECTED
    if isinstance(exc, RetryableError):
        message = str(exc)
        if "HTTP 429" in message:
            return RATE_LIMITED
        if "HTTP 5" in message:
            return SERVER_ERROR
        if "no complete response" in message:
            return TIMEOUT
        return CONNECTION
    return UNUSABLE


def check_id(raw: dict[str, Any], asked: int, what: str) -> None:
    """Raise IdMismatch unless the body's `id` is the one asked for."""
    got = raw.get("id")
    if got != asked or isinstance(got, bool):
        raise IdMismatch(f"{what}: asked for id {asked}, the body is id {got!r}")


@dataclass(frozen=True)
class Backoff:
    """When a recorded item is due again: `wait` after its first failure (a day for transient
    ones), twice as long after each further one, at most CAP."""

    wait: timedelta
    cap: timedelta = CAP

    def first_wait(self, transient: bool) -> timedelta:
        return min(TRANSIENT_WAIT, self.wait) if transient else self.wait


def due(columns: Any, backoff: Backoff, now: datetime) -> ColumnElement[bool]:
    """Rows whose wait is over: `first_wait × 2^(attempts-1)`, at most `cap`, since last tried.

    `columns` has `attempts`, `last_tried_at` and `reason_code`: a model (SkippedTitle,
    DeadLetter) or a Core table's `.c` (db/tables.py). Written as one band per attempt count
    below the cap (a handful) rather than as arithmetic on the column, so both dialects compare
    plain timestamps. No wait at all means never due.
    """
    if not backoff.wait:
        return false()
    clauses = []
    for transient in (True, False):
        wait = backoff.first_wait(transient)
        bands = []
        attempts = 1
        while wait < backoff.cap:
            bands.append(and_(columns.attempts == attempts, columns.last_tried_at <= now - wait))
            attempts, wait = attempts + 1, wait * 2
        bands.append(and_(columns.attempts >= attempts, columns.last_tried_at <= now - backoff.cap))
        code = columns.reason_code
        clauses.append(
            and_(code.in_(TRANSIENT) if transient else code.not_in(TRANSIENT), or_(*bands))
        )
    return or_(*clauses)


@dataclass
class _Provider:
    last_answer: float = float("-inf")
    probe: asyncio.Task[bool] | None = None
    probe_started: float = float("-inf")
    down_at: float = float("-inf")
    """When a probe last failed: failures that began before it are taken as the outage."""


@dataclass
class Health:
    """Per provider, when it last answered, to tell an item failure from an outage."""

    clock: Callable[[], float] = time.monotonic
    providers: dict[str, _Provider] = field(default_factory=dict)

    def _of(self, provider: str) -> _Provider:
        return self.providers.setdefault(provider, _Provider())

    def answered(self, provider: str) -> None:
        self._of(provider).last_answer = self.clock()

    async def failed_alone(
        self, provider: str, started: float, probe: Callable[[], Awaitable[object]] | None
    ) -> bool:
        """True when the item that started failing at `started` failed on its own.

        Evidence is an answer in the second half of its failing time (an answer before that may
        predate an outage that began meanwhile), else a probe's success; without a probe, no.
        """
        state = self._of(provider)
        now = self.clock()
        since = started + (now - started) / 2
        if state.last_answer >= since:
            return True
        if probe is None or state.down_at >= started:
            return False
        if state.probe is None or (state.probe.done() and state.probe_started < since):
            state.probe_started = now
            state.probe = asyncio.create_task(self._probe(state, probe))
        return await asyncio.shield(state.probe)

    async def _probe(self, state: _Provider, probe: Callable[[], Awaitable[object]]) -> bool:
        try:
            await probe()
        except (RetryableError, BadPayload):
            state.down_at = self.clock()
            return False
        except (NotFoundError, RequestRejected):
            pass  # an answer all the same
        state.last_answer = self.clock()
        return True


async def attempt(
    health: Health,
    provider: str,
    call: Callable[[], Awaitable[T]],
    probe: Callable[[], Awaitable[object]] | None = None,
) -> T | Failure:
    """`call()`'s result, or the Failure to record for the item; raises RetryableError when the
    provider, not the item, is failing (the rule in the module docstring)."""
    started = health.clock()
    try:
        result = await call()
    except (NotFoundError, RequestRejected) as exc:
        health.answered(provider)
        return Failure.of(exc)
    except (RetryableError, BadPayload) as exc:
        failure = Failure.of(exc)
        if not await health.failed_alone(provider, started, probe):
            raise RetryableError(
                f"{failure.reason} (no other {provider} request answered)"
            ) from None
        return failure
    health.answered(provider)
    return result
